//! The IMAP poller: takes new mail from the support mailbox into the intake pipeline.
//!
//! `AYUDA_IMAP_URL` names the server, the account and the folder: `imaps://` is TLS from
//! the start; `imap://` upgrades with STARTTLS, which is required unless the server is on
//! this machine. The poller waits with IDLE where the server offers it (woken as mail
//! arrives, and at least every `AYUDA_IMAP_INTERVAL_SECS`), and polls at that interval
//! otherwise.
//!
//! A message is marked processed (flagged `\Seen $AyudaDone`, or moved to
//! `AYUDA_IMAP_PROCESSED_FOLDER`) only after the pipeline stored it durably; when storing
//! fails nothing is marked, so it is taken on the next round, except a message that fails
//! on its own, tried once more while the database answers: it is flagged `$AyudaFailed`
//! and left for a person, so the messages after it go through. Nothing is ever deleted. A
//! message taken twice (a crash between storing and marking) is recognised by its
//! Message-ID and creates nothing new.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use async_imap::{Client, Session};
use futures_util::TryStreamExt;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::watch;

use super::{Source, Unstored, ingest_batch, ingest_one};
use crate::state::AppState;

/// The keyword of processed mail.
const DONE: &str = "$AyudaDone";
/// The keyword of mail too large to fetch at all (left in place for a person to look at).
const TOO_LARGE: &str = "$AyudaTooLarge";
/// The keyword of mail that could not be stored, even alone and tried twice.
const FAILED: &str = "$AyudaFailed";
/// Messages fetched and stored per transaction...
const BATCH: usize = 50;
/// ...and at most this many bytes of them (one larger message goes alone), so a batch
/// holds the database writer briefly.
const BATCH_BYTES: u64 = 8 * 1024 * 1024;

/// Where and how to connect.
#[derive(Debug, Clone)]
struct Mailbox {
    host: String,
    port: u16,
    implicit_tls: bool,
    user: String,
    password: String,
    folder: String,
}

impl Mailbox {
    fn parse(raw: &str) -> anyhow::Result<Self> {
        let url = url::Url::parse(raw).context("AYUDA_IMAP_URL is not a URL")?;
        let implicit_tls = match url.scheme() {
            "imaps" => true,
            "imap" => false,
            other => bail!("AYUDA_IMAP_URL: unsupported scheme {other}"),
        };
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let folder = url.path().trim_start_matches('/');
        Ok(Mailbox {
            host: url
                .host_str()
                .context("AYUDA_IMAP_URL has no host")?
                .to_owned(),
            port: url.port().unwrap_or(if implicit_tls { 993 } else { 143 }),
            implicit_tls,
            user: decode(url.username()),
            password: decode(url.password().unwrap_or_default()),
            folder: if folder.is_empty() {
                "INBOX".to_owned()
            } else {
                decode(folder)
            },
        })
    }

    fn is_local(&self) -> bool {
        matches!(
            self.host.as_str(),
            "localhost" | "127.0.0.1" | "::1" | "[::1]"
        )
    }
}

/// Runs until `shutdown` turns true; returns at once when no mailbox is configured.
pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let Some(url) = state.settings.imap_url.clone() else {
        return;
    };
    let mailbox = match Mailbox::parse(&url) {
        Ok(m) => m,
        Err(err) => {
            tracing::error!(error = %err, "IMAP poller not started");
            return;
        }
    };
    tracing::info!(host = %mailbox.host, folder = %mailbox.folder, "IMAP poller started");
    let mut backoff = Duration::from_secs(1);
    while !*shutdown.borrow() {
        match connect_and_work(&state, &mailbox, &mut shutdown).await {
            Ok(()) => backoff = Duration::from_secs(1),
            Err(err) => {
                metrics::counter!("ayuda_imap_errors_total").increment(1);
                tracing::warn!(error = format!("{err:#}"), retry_in = ?backoff, "IMAP poller");
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = shutdown.changed() => {}
                }
                backoff =
                    (backoff * 2).min(state.settings.imap_interval().max(Duration::from_secs(5)));
            }
        }
    }
    tracing::info!("IMAP poller stopped");
}

async fn connect_and_work(
    state: &AppState,
    mailbox: &Mailbox,
    shutdown: &mut watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let tcp = TcpStream::connect((mailbox.host.as_str(), mailbox.port))
        .await
        .with_context(|| format!("connecting to {}:{}", mailbox.host, mailbox.port))?;
    if mailbox.implicit_tls {
        let tls = tls(mailbox, tcp).await?;
        let mut client = Client::new(tls);
        greeting(&mut client).await?;
        return work(state, mailbox, client, shutdown).await;
    }
    let mut client = Client::new(tcp);
    greeting(&mut client).await?;
    // A server without STARTTLS answers NO or BAD, and the connection stays usable.
    if client
        .run_command_and_check_ok("STARTTLS", None)
        .await
        .is_ok()
    {
        let tls = tls(mailbox, client.into_inner()).await?;
        return work(state, mailbox, Client::new(tls), shutdown).await;
    }
    if !mailbox.is_local() {
        bail!(
            "{} offers no STARTTLS; use imaps:// (passwords are not sent in clear text)",
            mailbox.host
        );
    }
    work(state, mailbox, client, shutdown).await
}

async fn greeting<T: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send>(
    client: &mut Client<T>,
) -> anyhow::Result<()> {
    client
        .read_response()
        .await
        .context("reading the IMAP greeting")?
        .context("the IMAP server closed the connection")?;
    Ok(())
}

async fn tls(
    mailbox: &Mailbox,
    tcp: TcpStream,
) -> anyhow::Result<tokio_rustls::client::TlsStream<TcpStream>> {
    let roots = tokio_rustls::rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let config = tokio_rustls::rustls::ClientConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .context("TLS setup")?
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name = tokio_rustls::rustls::pki_types::ServerName::try_from(mailbox.host.clone())
        .context("IMAP host name")?;
    tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .context("TLS handshake with the IMAP server")
}

/// Logs in, then takes mail until shutdown or a connection error.
async fn work<T: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send>(
    state: &AppState,
    mailbox: &Mailbox,
    client: Client<T>,
    shutdown: &mut watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let mut session = client
        .login(&mailbox.user, &mailbox.password)
        .await
        .map_err(|(e, _)| e)
        .context("IMAP login")?;
    let capabilities = session.capabilities().await?;
    let idle = capabilities.has_str("IDLE");
    let can_move = capabilities.has_str("MOVE");
    if let Some(folder) = &state.settings.imap_processed_folder {
        // Already there is fine; any other failure shows up when moving.
        let _ = session.create(folder).await;
    }
    session
        .select(&mailbox.folder)
        .await
        .context("selecting the folder")?;
    loop {
        while take_new(state, &mut session, can_move).await? {}
        if *shutdown.borrow() {
            let _ = session.logout().await;
            return Ok(());
        }
        let interval = state.settings.imap_interval();
        if idle {
            let mut handle = session.idle();
            handle.init().await.context("IDLE")?;
            {
                let (wait, _stop) = handle.wait_with_timeout(interval);
                tokio::select! {
                    result = wait => { result.context("IDLE")?; }
                    _ = shutdown.changed() => {}
                }
            }
            session = handle.done().await.context("ending IDLE")?;
        } else {
            tokio::select! {
                _ = tokio::time::sleep(interval) => {}
                _ = shutdown.changed() => {}
            }
            session.noop().await?;
        }
    }
}

/// Takes one batch of unprocessed mail; `true` when there may be more.
async fn take_new<T: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send>(
    state: &AppState,
    session: &mut Session<T>,
    can_move: bool,
) -> anyhow::Result<bool> {
    let mut uids: Vec<u32> = session
        .uid_search(format!(
            "UNKEYWORD {DONE} UNKEYWORD {TOO_LARGE} UNKEYWORD {FAILED} UNDELETED"
        ))
        .await?
        .into_iter()
        .collect();
    if uids.is_empty() {
        return Ok(false);
    }
    uids.sort_unstable();
    let more = uids.len() > BATCH;
    uids.truncate(BATCH);
    let set = uid_set(&uids);

    // Sizes first: a message far beyond the limit is not worth fetching into memory.
    let hard_limit = state.settings.inbound_max_bytes.saturating_mul(4);
    let sizes: Vec<(u32, u64)> = session
        .uid_fetch(&set, "(UID RFC822.SIZE)")
        .await?
        .try_filter_map(|f| async move { Ok(f.uid.map(|u| (u, u64::from(f.size.unwrap_or(0))))) })
        .try_collect()
        .await?;
    let (huge, fetchable): (Vec<_>, Vec<_>) = sizes.into_iter().partition(|(_, s)| *s > hard_limit);
    for (uid, size) in &huge {
        tracing::error!(
            uid,
            size,
            "inbound email too large to fetch; flagged {TOO_LARGE} and left in the mailbox"
        );
        metrics::counter!("ayuda_inbound_emails_total", "outcome" => "too_large_to_fetch")
            .increment(1);
    }
    if !huge.is_empty() {
        let set = uid_set(&huge.iter().map(|(u, _)| *u).collect::<Vec<_>>());
        drain(
            session
                .uid_store(&set, format!("+FLAGS ({TOO_LARGE})"))
                .await?,
        )
        .await?;
    }
    if fetchable.is_empty() {
        return Ok(more);
    }
    let (fetchable, rest) = within_bytes(fetchable, BATCH_BYTES);
    let more = more || rest;
    let set = uid_set(&fetchable);
    let messages: Vec<(u32, Vec<u8>)> = session
        .uid_fetch(&set, "(UID BODY.PEEK[])")
        .await?
        .try_filter_map(|f| async move { Ok(f.uid.zip(f.body().map(<[u8]>::to_vec))) })
        .try_collect()
        .await?;
    if messages.is_empty() {
        return Ok(more);
    }
    let raws: Vec<&[u8]> = messages.iter().map(|(_, raw)| raw.as_slice()).collect();
    // Stored durably, or each message on its own (a failing one is set aside), or an error,
    // and then nothing is marked and all is taken again.
    let mut done: Vec<u32> = messages.iter().map(|(u, _)| *u).collect();
    if let Err(err) = ingest_batch(state, &raws, Source::Imap).await {
        tracing::warn!(error = %err, "storing a batch of inbound mail failed; storing it message by message");
        done.clear();
        for (uid, raw) in &messages {
            match ingest_one(state, raw, Source::Imap).await {
                Ok(_) => done.push(*uid),
                Err(Unstored::SetAside(err)) => {
                    tracing::error!(uid, error = %err, "inbound email could not be stored; flagged {FAILED} and left in the mailbox");
                    metrics::counter!("ayuda_inbound_emails_total", "outcome" => "set_aside")
                        .increment(1);
                    drain(
                        session
                            .uid_store(uid.to_string(), format!("+FLAGS ({FAILED})"))
                            .await?,
                    )
                    .await?;
                }
                Err(Unstored::Retry(err)) => {
                    mark_done(state, session, can_move, &done).await?;
                    bail!("storing inbound mail: {err}");
                }
            }
        }
    }
    mark_done(state, session, can_move, &done).await?;
    Ok(more)
}

/// The first of `sizes` (at least one) that fit in `max` bytes together, and whether any
/// were left for the next batch.
fn within_bytes(sizes: Vec<(u32, u64)>, max: u64) -> (Vec<u32>, bool) {
    let mut total = 0u64;
    let mut taken = Vec::with_capacity(sizes.len());
    for (uid, size) in &sizes {
        if !taken.is_empty() && total + size > max {
            return (taken, true);
        }
        total += size;
        taken.push(*uid);
    }
    (taken, false)
}

/// Marks stored mail processed: moved to the processed folder, or flagged.
async fn mark_done<T: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send>(
    state: &AppState,
    session: &mut Session<T>,
    can_move: bool,
    uids: &[u32],
) -> anyhow::Result<()> {
    if uids.is_empty() {
        return Ok(());
    }
    let done = uid_set(uids);
    match (&state.settings.imap_processed_folder, can_move) {
        (Some(folder), true) => {
            session
                .uid_mv(&done, folder)
                .await
                .context("moving processed mail")?;
        }
        (Some(folder), false) => {
            session
                .uid_copy(&done, folder)
                .await
                .context("copying processed mail")?;
            drain(
                session
                    .uid_store(&done, format!("+FLAGS (\\Seen {DONE})"))
                    .await?,
            )
            .await?;
        }
        (None, _) => {
            drain(
                session
                    .uid_store(&done, format!("+FLAGS (\\Seen {DONE})"))
                    .await?,
            )
            .await?;
        }
    }
    Ok(())
}

async fn drain<S, I>(stream: S) -> anyhow::Result<()>
where
    S: futures_util::Stream<Item = Result<I, async_imap::error::Error>>,
{
    futures_util::pin_mut!(stream);
    while stream.try_next().await?.is_some() {}
    Ok(())
}

fn uid_set(uids: &[u32]) -> String {
    uids.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::Mailbox;

    #[test]
    fn a_batch_is_bounded_by_bytes_but_takes_at_least_one_message() {
        use super::within_bytes;
        assert_eq!(
            within_bytes(vec![(1, 3), (2, 3), (3, 3)], 7),
            (vec![1, 2], true)
        );
        assert_eq!(within_bytes(vec![(1, 30), (2, 1)], 7), (vec![1], true));
        assert_eq!(within_bytes(vec![(1, 3), (2, 4)], 7), (vec![1, 2], false));
    }

    #[test]
    fn mailbox_urls() {
        let m = Mailbox::parse("imaps://support%40x.test:p%40ss@mail.x.test/Support%20In").unwrap();
        assert_eq!(m.host, "mail.x.test");
        assert_eq!(m.port, 993);
        assert!(m.implicit_tls);
        assert_eq!(m.user, "support@x.test");
        assert_eq!(m.password, "p@ss");
        assert_eq!(m.folder, "Support In");
        let m = Mailbox::parse("imap://u:p@127.0.0.1:1143").unwrap();
        assert_eq!(
            (m.port, m.implicit_tls, m.folder.as_str()),
            (1143, false, "INBOX")
        );
        assert!(m.is_local());
        assert!(Mailbox::parse("pop3://u:p@x").is_err());
    }
}
