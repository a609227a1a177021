//! Email intake under poison (issue 11, items 2 and 3): a message with tens of thousands of
//! parts, over-long and malformed headers, a text body of megabytes. None of them may stop
//! intake, stall other writers, or leave files behind that nothing refers to.

use std::time::{Duration, Instant};

use ayuda_types::{InboundReceipt, IntakeOutcome, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::email_intake::{TOKEN, message_id, unique};
use crate::helpers::{TestApp, spawn_app_with};

async fn app() -> TestApp {
    spawn_app_with(|s| s.inbound_token = Some(TOKEN.into())).await
}

/// A plain message from `from` with `headers` added and `body` as its text.
fn email(from: &str, headers: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: support@ayuda.test\r\nMessage-ID: <{}>\r\nSubject: Necesito ayuda\r\n\
         {headers}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        message_id()
    )
    .into_bytes()
}

/// A message from `from` with `n` distinct small attached files (about 75 bytes each).
fn part_bomb(from: &str, n: usize) -> Vec<u8> {
    let mut raw = format!(
        "From: {from}\r\nTo: support@ayuda.test\r\nMessage-ID: <{}>\r\nSubject: Facturas\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain\r\n\r\nAdjunto las facturas.\r\n",
        message_id()
    );
    for i in 0..n {
        raw.push_str(&format!(
            "--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=f{i}.txt\r\n\r\n{i}\r\n"
        ));
    }
    raw.push_str("--b--\r\n");
    raw.into_bytes()
}

/// The files in the attachment store (temporary ones aside).
fn stored_files(app: &TestApp) -> usize {
    files_in(&app.state.settings.attachments_dir())
}

/// The files in the raw-mail store (temporary ones aside).
fn raw_mail_files(app: &TestApp) -> usize {
    files_in(&app.state.settings.raw_mail_dir())
}

/// The files under `dir`, its `tmp` directories aside.
fn files_in(dir: &std::path::Path) -> usize {
    fn walk(dir: &std::path::Path) -> usize {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return 0;
        };
        entries
            .flatten()
            .map(|e| {
                let path = e.path();
                if path.is_dir() {
                    if e.file_name() == "tmp" {
                        0
                    } else {
                        walk(&path)
                    }
                } else {
                    1
                }
            })
            .sum()
    }
    walk(dir)
}

/// The ticket a message became, whose intake record says `note`.
fn ticketed_saying(receipt: &InboundReceipt, note: &str) -> i64 {
    assert_eq!(
        receipt.outcome,
        IntakeOutcome::Ticketed,
        "{}",
        receipt.reason
    );
    assert!(receipt.reason.contains(note), "{}", receipt.reason);
    receipt.ticket_number.expect("ticket")
}

async fn first_message(app: &TestApp, token: &str, number: i64) -> ayuda_types::Reply {
    app.replies(token, number).await.remove(0)
}

#[tokio::test]
async fn a_part_bomb_keeps_the_first_files_says_so_and_stalls_no_other_writer() {
    let app = app().await;
    let agent = app.user(Role::Agent).await;
    let customer = app.user(Role::Customer).await;
    let from = unique("bomb");
    let raw = part_bomb(&from, 40_000);
    assert!(raw.len() > 2_500_000, "{} bytes", raw.len());

    // Another user writes tickets while the bomb is taken in; none may wait a second.
    let type_id = app.type_id(&customer.access_token, "General query").await;
    let writer = async {
        let mut slowest = Duration::ZERO;
        for i in 0..15 {
            let started = Instant::now();
            let res = app
                .post_as(
                    &customer.access_token,
                    "/api/v1/tickets",
                    &json!({"title": format!("mientras tanto {i}"), "description": "hola",
                            "type_id": type_id}),
                )
                .await;
            assert_eq!(res.status(), StatusCode::CREATED);
            slowest = slowest.max(started.elapsed());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        slowest
    };
    let (receipt, slowest) = tokio::join!(app.deliver(raw), writer);
    assert!(
        slowest < Duration::from_secs(1),
        "a ticket write waited {slowest:?} on intake"
    );

    let number = ticketed_saying(&receipt, "39900 file(s) not kept");
    let first = first_message(&app, &agent.access_token, number).await;
    assert_eq!(first.attachments.len(), 100);
    assert_eq!(first.attachments[0].filename, "f0.txt");
    assert!(
        first.body.starts_with("Adjunto las facturas."),
        "{}",
        first.body
    );
    assert!(
        first.body.contains("[Ayuda: 39900 archivo(s) adjunto(s)")
            && first.body.contains("100 archivos"),
        "the ticket says what was left out: {}",
        first.body
    );
    // Before: one fsync'd file per part, 40,000 of them.
    assert_eq!(stored_files(&app), 100);
}

#[tokio::test]
async fn files_of_mail_that_becomes_no_ticket_are_not_stored() {
    let app = app().await;
    // Our own address (a loop) and a bounce: recorded, never a ticket, so no files.
    let looped = app.deliver(part_bomb("support@ayuda.test", 5)).await;
    assert_eq!(looped.outcome, IntakeOutcome::Ignored, "{}", looped.reason);
    let daemon = app
        .deliver(part_bomb("MAILER-DAEMON@mx.example.test", 5))
        .await;
    assert_eq!(daemon.outcome, IntakeOutcome::Bounce, "{}", daemon.reason);
    // Far over the size limit: kept raw, not read past its headers.
    let small = spawn_app_with(|s| {
        s.inbound_token = Some(TOKEN.into());
        s.inbound_max_bytes = 2000;
    })
    .await;
    let big = small.deliver(part_bomb(&unique("big"), 50)).await;
    assert_eq!(big.outcome, IntakeOutcome::Rejected, "{}", big.reason);
    assert_eq!(stored_files(&app), 0);
    assert_eq!(stored_files(&small), 0);
}

#[tokio::test]
async fn uploads_never_attached_and_files_nothing_refers_to_are_swept() {
    let app = spawn_app_with(|s| {
        s.inbound_token = Some(TOKEN.into());
        s.unlinked_upload_ttl_secs = 3;
        s.file_sweep_interval_secs = 1;
    })
    .await;
    let customer = app.user(Role::Customer).await;
    let c = &customer.access_token;
    let app = &app;
    let upload = |name: &'static str, bytes: &'static [u8]| async move {
        let res = app.upload(c, name, bytes.to_vec()).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        res.json::<Value>().await.expect("attachment")["id"]
            .as_i64()
            .expect("id")
    };
    let kept = upload("kept.txt", b"attached to a ticket").await;
    let forgotten = upload("forgotten.txt", b"never attached").await;
    let type_id = app.type_id(c, "General query").await;
    let res = app
        .post_as(
            c,
            "/api/v1/tickets",
            &json!({"title": "con adjunto", "description": "ver", "type_id": type_id,
                    "attachment_ids": [kept]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    // A file no record refers to (as a crash between storing and recording would leave).
    let orphan = app
        .state
        .blobs
        .put_bytes(b"nobody refers to me".to_vec())
        .await
        .expect("stored");
    let orphan_path = app.state.blobs.path(&orphan.sha256);
    assert_eq!(stored_files(app), 3);
    // The same for raw mail: a large message's file stays, a file of none goes.
    let large = email(
        &unique("grande"),
        "",
        &"registro de errores ".repeat(20_000),
    );
    let receipt = app.deliver(large.clone()).await;
    assert_eq!(
        receipt.outcome,
        IntakeOutcome::Ticketed,
        "{}",
        receipt.reason
    );
    let raw_orphan = app
        .state
        .raw_mail
        .put_bytes(b"From: nadie\r\n\r\nsin registro".to_vec())
        .await
        .expect("stored");
    let raw_orphan_path = app.state.raw_mail.path(&raw_orphan.sha256);
    assert_eq!(raw_mail_files(app), 2);

    let deadline = Instant::now() + Duration::from_secs(20);
    while stored_files(app) > 1 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(stored_files(app), 1, "only the attached file is left");
    assert!(!orphan_path.exists());
    while raw_mail_files(app) > 1 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(raw_mail_files(app), 1, "only the recorded message is left");
    assert!(!raw_orphan_path.exists());
    let res = app
        .get_as(
            &app.user(Role::Agent).await.access_token,
            &format!("/api/v1/inbound/emails/{}/raw", receipt.inbound_id.unwrap()),
        )
        .await;
    assert_eq!(&res.bytes().await.expect("bytes")[..], &large[..]);
    let gone = app
        .get_as(c, &format!("/api/v1/attachments/{forgotten}"))
        .await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    let res = app.get_as(c, &format!("/api/v1/attachments/{kept}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        &res.bytes().await.expect("bytes")[..],
        b"attached to a ticket"
    );
}

#[tokio::test]
async fn over_long_and_malformed_headers_never_stop_intake() {
    let app = app().await;
    let agent = app.user(Role::Agent).await;
    let a = &agent.access_token;

    // A 400-character address: before, on PostgreSQL, even the failure record failed and
    // the webhook answered 500 (so a mail server retried it forever).
    let long = format!("{}@example.test", "x".repeat(400));
    for from in [long.clone(), "<<@@>>".to_owned(), "nadie".to_owned()] {
        let receipt = app.deliver(email(&from, "", "hola")).await;
        assert_eq!(
            receipt.outcome,
            IntakeOutcome::Failed,
            "{from}: {}",
            receipt.reason
        );
        assert!(receipt.reason.contains("sender"), "{}", receipt.reason);
        assert!(receipt.inbound_id.is_some(), "recorded with its bytes");
    }

    // Over-long values that are not the sender are cut or dropped; the message is taken.
    let from = unique("largo");
    let headers = format!(
        "Cc: {long}, ok-{}\r\nReferences: {}\r\nX-Filler: {}\r\n",
        unique("cc"),
        (0..5000)
            .map(|i| format!("<r{i}@x>"))
            .collect::<Vec<_>>()
            .join(" "),
        "f".repeat(200_000),
    );
    let mut raw = email(
        &format!("\"{}\" <{from}>", "N".repeat(5000)),
        &headers,
        "hola",
    );
    let subject = "Asunto ".repeat(2000);
    raw = String::from_utf8(raw)
        .unwrap()
        .replace("Subject: Necesito ayuda", &format!("Subject: {subject}"))
        .replacen(
            "Message-ID: <",
            &format!("Message-ID: <{}", "m".repeat(1000)),
            1,
        )
        .into_bytes();
    let receipt = app.deliver(raw).await;
    assert_eq!(
        receipt.outcome,
        IntakeOutcome::Ticketed,
        "{}",
        receipt.reason
    );
    let ticket = app.ticket(a, receipt.ticket_number.expect("ticket")).await;
    assert_eq!(ticket.title.chars().count(), 200);
    assert!(ticket.title.starts_with("Asunto Asunto"));
    let record: Value = app
        .get_as(
            a,
            &format!("/api/v1/inbound/emails/{}", receipt.inbound_id.unwrap()),
        )
        .await
        .json()
        .await
        .expect("record");
    assert_eq!(record["from_address"], json!(from));
    assert_eq!(
        record["message_id"],
        Value::Null,
        "a 1000-character id is not threaded by"
    );
    assert!(record["headers"].as_str().unwrap().len() <= 64 * 1024);

    // And the next ordinary message goes through.
    let next = app
        .deliver(email(&unique("luego"), "", "¿me ayudan?"))
        .await;
    assert_eq!(next.outcome, IntakeOutcome::Ticketed, "{}", next.reason);
}

#[tokio::test]
async fn a_text_body_of_megabytes_becomes_a_searchable_ticket() {
    let app = app().await;
    let agent = app.user(Role::Agent).await;
    let a = &agent.access_token;
    // About 3 MB of distinct words: over PostgreSQL's 1 MB full-text limit, so before this
    // message never became a ticket there.
    let body: String = std::iter::once("impresora".to_owned())
        .chain((0..300_000).map(|i| format!("palabra{i}")))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(body.len() > 3_000_000);
    let receipt = app.deliver(email(&unique("texto"), "", &body)).await;
    let number = ticketed_saying(&receipt, "text cut at 100000 characters");
    let first = first_message(&app, a, number).await;
    assert!(first.body.starts_with("impresora palabra0 palabra1 "));
    assert!(
        first.body.contains("[Ayuda: El texto seguía"),
        "the ticket says it was cut"
    );
    assert!(first.body.chars().count() < 100_400);

    let found: Value = app
        .get_as(a, "/api/v1/tickets?q=impresora")
        .await
        .json()
        .await
        .expect("search");
    let numbers: Vec<i64> = found["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|t| t["number"].as_i64().expect("number"))
        .collect();
    assert!(numbers.contains(&number), "{found}");
    // The original is kept whole.
    let raw = app
        .get_as(
            a,
            &format!("/api/v1/inbound/emails/{}/raw", receipt.inbound_id.unwrap()),
        )
        .await
        .bytes()
        .await
        .expect("raw");
    assert!(raw.len() > body.len());
}

#[tokio::test]
async fn a_large_message_is_kept_as_a_file_and_given_back_byte_for_byte() {
    let app = app().await;
    let agent = app.user(Role::Agent).await;
    let customer = app.user(Role::Customer).await;
    let a = &agent.access_token;
    let original = |id: i64| format!("/api/v1/inbound/emails/{id}/raw");

    // About 1.5 MB, with a file: over RAW_FILE_FROM.
    let from = unique("grande");
    let mut large = format!(
        "From: {from}\r\nTo: support@ayuda.test\r\nMessage-ID: <{}>\r\nSubject: Registro\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAdjunto el registro, señor.\r\n\
         --b\r\nContent-Type: text/plain; name=\"registro.txt\"\r\n\
         Content-Disposition: attachment; filename=\"registro.txt\"\r\n\r\n",
        message_id()
    );
    for i in 0..30_000 {
        large.push_str(&format!("línea {i:06} del registro de errores\r\n"));
    }
    large.push_str("--b--\r\n");
    let large = large.into_bytes();
    assert!(large.len() > 4 * ayuda_server::intake::RAW_FILE_FROM);
    let receipt = app.deliver(large.clone()).await;
    assert_eq!(
        receipt.outcome,
        IntakeOutcome::Ticketed,
        "{}",
        receipt.reason
    );
    let id = receipt.inbound_id.expect("record");

    // Stored once, as a file of the raw-mail store, not in the row.
    let Some(ayuda_db::inbound::StoredRaw::File(sha256)) =
        ayuda_db::inbound::raw(&app.db, id).await.expect("read")
    else {
        panic!("a large message belongs in a file");
    };
    let path = app.state.raw_mail.path(&sha256);
    assert_eq!(std::fs::read(&path).expect("the file"), large);
    assert_eq!(raw_mail_files(&app), 1);
    assert_eq!(stored_files(&app), 1, "its attachment");

    // Agents get it back byte for byte, as an .eml download; customers do not.
    let res = app.get_as(a, &original(id)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let header = |name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-type"), "message/rfc822");
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(
        header("content-disposition"),
        format!("attachment; filename=\"email-{id}.eml\"")
    );
    assert_eq!(&res.bytes().await.expect("bytes")[..], &large[..]);
    let res = app.get_as(&customer.access_token, &original(id)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Delivered again: the same message, nothing stored twice.
    let again = app.deliver(large.clone()).await;
    assert_eq!(again.outcome, IntakeOutcome::Duplicate, "{}", again.reason);
    assert_eq!(raw_mail_files(&app), 1);

    // A small message stays in its row, and comes back the same way.
    let small = email(&unique("corto"), "", "Hola, no puedo entrar.");
    let receipt = app.deliver(small.clone()).await;
    let id = receipt.inbound_id.expect("record");
    assert_eq!(
        ayuda_db::inbound::raw(&app.db, id).await.expect("read"),
        Some(ayuda_db::inbound::StoredRaw::Row(small.clone()))
    );
    let res = app.get_as(a, &original(id)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("message/rfc822")
    );
    assert_eq!(&res.bytes().await.expect("bytes")[..], &small[..]);
    assert_eq!(raw_mail_files(&app), 1);
}
