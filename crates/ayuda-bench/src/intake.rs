//! Email intake under load: generated multipart messages of about 8 KB, each a new
//! conversation from one of a few hundred senders, taken in through the webhook (one message
//! per request and transaction) and through the pipeline in batches as the IMAP poller takes
//! them; and one 10 MB message.

use std::time::{Duration, Instant};

use ayuda_server::intake::{self, Source};
use ayuda_server::state::AppState;

/// Senders the messages come from (the first message of each creates an account).
const SENDERS: u64 = 300;

/// A multipart/alternative message of about 8 KB, unique for `n`.
pub fn message(n: u64) -> Vec<u8> {
    let paragraph = "Desde la actualización de ayer la aplicación se cierra al abrir la \
                     pestaña de facturas. He probado a reinstalarla y a reiniciar el teléfono, \
                     pero sigue igual. Adjunto los pasos que sigo para que podáis reproducirlo. ";
    let text = paragraph.repeat(12);
    let html = format!("<p>{}</p>", paragraph.repeat(12));
    format!(
        "From: Cliente {sender} <cliente-{sender}@bench.test>\r\n\
         To: support@localhost\r\n\
         Subject: La app se cierra al abrir facturas ({n})\r\n\
         Date: Mon, 23 Nov 2026 09:00:00 +0100\r\n\
         Message-ID: <bench-{n}-{nonce}@bench.test>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n\
         --b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n--b1--\r\n",
        sender = n % SENDERS,
        nonce = std::process::id(),
    )
    .into_bytes()
}

/// A message of about `bytes` bytes: a short text and a base64 attachment.
pub fn large_message(bytes: usize) -> Vec<u8> {
    let mut out = format!(
        "From: Cliente grande <grande@bench.test>\r\n\
         To: support@localhost\r\n\
         Subject: Registro completo del error\r\n\
         Message-ID: <bench-large-{}@bench.test>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"m1\"\r\n\r\n\
         --m1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAdjunto el registro.\r\n\
         --m1\r\nContent-Type: application/octet-stream; name=\"registro.bin\"\r\n\
         Content-Disposition: attachment; filename=\"registro.bin\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n",
        std::process::id()
    )
    .into_bytes();
    // Base64 of varied bytes, 76 characters a line.
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut state = 0x2545_f491_4f6c_dd1du64;
    while out.len() < bytes {
        for _ in 0..19 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            for shift in [0, 6, 12, 18] {
                out.push(ALPHABET[((state >> shift) & 63) as usize]);
            }
        }
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"--m1--\r\n");
    out
}

/// Messages per second through the pipeline in batches of `batch` for `duration`, starting
/// at message number `first`.
pub async fn pipeline(
    state: &AppState,
    first: u64,
    batch: usize,
    duration: Duration,
) -> anyhow::Result<f64> {
    let started = Instant::now();
    let mut n = first;
    let mut taken = 0usize;
    while started.elapsed() < duration {
        let messages: Vec<Vec<u8>> = (0..batch as u64).map(|i| message(n + i)).collect();
        n += batch as u64;
        let raws: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
        let outcomes = intake::ingest_batch(state, &raws, Source::Imap)
            .await
            .map_err(|e| anyhow::anyhow!("intake: {e}"))?;
        taken += outcomes.len();
    }
    Ok(taken as f64 / started.elapsed().as_secs_f64())
}

/// Milliseconds to take in one message of `bytes` bytes.
pub async fn large(state: &AppState, bytes: usize) -> anyhow::Result<f64> {
    let raw = large_message(bytes);
    let started = Instant::now();
    let outcome = intake::ingest(state, &raw, Source::Imap)
        .await
        .map_err(|e| anyhow::anyhow!("intake: {e}"))?;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    anyhow::ensure!(
        outcome.ticket_number.is_some(),
        "the large message made no ticket: {}",
        outcome.reason
    );
    Ok(ms)
}

/// Milliseconds to write `bytes` to a new file in `dir` and fsync it: what storing a large
/// message durably cannot go below on this disk (the 10 MB row is compared with it).
pub fn durable_write(dir: &std::path::Path, bytes: usize) -> anyhow::Result<f64> {
    use std::io::Write;
    let path = dir.join("durable-write-baseline");
    let data = vec![b'x'; bytes];
    let started = Instant::now();
    let mut file = std::fs::File::create(&path)?;
    file.write_all(&data)?;
    file.sync_all()?;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    std::fs::remove_file(&path)?;
    Ok(ms)
}
