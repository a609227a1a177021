//! Email intake (SPEC journey 1, section 7): raw mail through `POST /api/v1/inbound/email`
//! and through a real IMAP server (Dovecot, started by `cargo xtask test`), with the emails
//! Ayuda answers read back from the real SMTP server.
//!
//! Messages come from the corpus in `tests/mail/`, real-world shapes (Gmail and Outlook
//! replies, out-of-office, bounces, screenshots, HTML-only, odd charsets, broken MIME) with
//! `${NAME}` placeholders for the addresses and ids each test makes unique.

use std::time::Duration;

use ayuda_types::{Channel, InboundReceipt, IntakeOutcome, Role, TicketStatus, TicketType};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::app::assert_problem;
use crate::helpers::{TestApp, spawn_app_with};

pub(crate) const TOKEN: &str = "inbound-secret-for-tests";

async fn app() -> TestApp {
    spawn_app_with(|s| s.inbound_token = Some(TOKEN.into())).await
}

pub(crate) fn unique(prefix: &str) -> String {
    format!("{prefix}-{}@example.test", uuid::Uuid::new_v4().simple())
}

pub(crate) fn message_id() -> String {
    format!("{}@mail.example.test", uuid::Uuid::new_v4().simple())
}

/// A corpus message with its `${NAME}` placeholders filled in (byte-wise: some files are
/// not UTF-8 on purpose).
fn corpus(name: &str, vars: &[(&str, &str)]) -> Vec<u8> {
    let path = format!("{}/mail/{name}", env!("CARGO_MANIFEST_DIR"));
    let mut bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    for (key, value) in vars {
        bytes = replace(&bytes, format!("${{{key}}}").as_bytes(), value.as_bytes());
    }
    bytes
}

fn replace(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

impl TestApp {
    pub(crate) async fn deliver(&self, raw: Vec<u8>) -> InboundReceipt {
        let res = self
            .api
            .post(self.url("/api/v1/inbound/email"))
            .bearer_auth(TOKEN)
            .header("content-type", "message/rfc822")
            .body(raw)
            .send()
            .await
            .expect("request");
        assert_eq!(res.status(), StatusCode::ACCEPTED);
        res.json().await.expect("receipt")
    }

    /// A first email from `from` (the corpus' "printer" message).
    async fn new_conversation(&self, from: &str) -> InboundReceipt {
        self.deliver(corpus(
            "new-plain.eml",
            &[("FROM", from), ("MESSAGE_ID", &message_id())],
        ))
        .await
    }

    async fn inbound(&self, token: &str, id: i64) -> Value {
        let res = self
            .get_as(token, &format!("/api/v1/inbound/emails/{id}"))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.expect("inbound email")
    }
}

fn header_id(value: Option<String>) -> String {
    value
        .expect("header present")
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_owned()
}

#[tokio::test]
async fn a_first_email_opens_a_ticket_creates_the_account_and_answers_with_the_number() {
    let app = app().await;
    let agent = app.user(Role::Agent).await;
    let ana = unique("ana");
    let receipt = app.new_conversation(&ana).await;
    assert_eq!(receipt.outcome, IntakeOutcome::Ticketed);
    assert!(receipt.created);
    let number = receipt.ticket_number.expect("ticket number");

    let ticket = app.ticket(&agent.access_token, number).await;
    assert_eq!(ticket.title, "La impresora no imprime");
    assert_eq!(ticket.channel, Channel::Email);
    assert_eq!(ticket.status, TicketStatus::New);
    assert_eq!(ticket.requester.email, ana);
    assert_eq!(ticket.requester.name, "Ana Pérez");
    let replies = app.replies(&agent.access_token, number).await;
    assert_eq!(replies.len(), 1);
    assert!(replies[0].body.contains("La luz parpadea en naranja."));
    assert!(replies[0].body_html.contains("<br>"), "line breaks kept");
    assert_eq!(replies[0].channel, Channel::Email);

    // The welcome email with the activation link, then the ticket number.
    let welcome = app
        .wait_for_email(&ana, |m| m.text.contains("/activate?token="))
        .await;
    let received = app
        .wait_for_email(&ana, |m| m.subject.contains(&format!("[#{number}]")))
        .await;
    assert!(received.text.contains(&number.to_string()));
    // Replies go to a signed per-ticket address of the support mailbox.
    let reply_to = received.header("reply-to").expect("reply-to");
    assert!(
        reply_to.contains(&format!("support+{number}.")),
        "{reply_to}"
    );
    // The welcome link works: the email-only customer can set a password and log in.
    let token = welcome.link_token("/activate?token=");
    let res = app
        .post(
            "/api/v1/auth/activate",
            &json!({"token": token, "password": "a new password"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let login: Value = res.json().await.expect("login");
    let mine = app
        .ticket(login["access_token"].as_str().expect("token"), number)
        .await;
    assert_eq!(mine.number, number);

    // The agents were told of the new ticket.
    app.wait_for_email(&agent.user.email, |m| {
        m.subject.contains(&format!("[#{number}]"))
    })
    .await;
}

#[tokio::test]
async fn a_reply_in_the_thread_joins_the_ticket_without_the_quoted_history() {
    let app = app().await;
    let agent = app.user(Role::Agent).await;
    let ana = unique("ana");
    let first = app.new_conversation(&ana).await;
    let number = first.ticket_number.expect("number");
    let received = app
        .wait_for_email(&ana, |m| m.subject.contains(&format!("[#{number}]")))
        .await;
    let ours = header_id(received.header("message-id"));
    let root = header_id(received.header("references"));

    let reply = app
        .deliver(corpus(
            "reply-gmail.eml",
            &[
                ("FROM", &ana),
                ("TO", "support@ayuda.test"),
                ("SUBJECT", &received.subject),
                ("MESSAGE_ID", &message_id()),
                ("IN_REPLY_TO", &ours),
                ("REFERENCES", &root),
            ],
        ))
        .await;
    assert_eq!(reply.outcome, IntakeOutcome::Threaded);
    assert_eq!(reply.ticket_number, Some(number));
    assert!(!reply.created);
    assert!(
        reply.reason.contains("signature verified"),
        "{}",
        reply.reason
    );

    let replies = app.replies(&agent.access_token, number).await;
    assert_eq!(replies.len(), 2);
    assert_eq!(replies[1].body, "Ya la reinicié y sigue igual.");
    assert_eq!(replies[1].author.id, replies[0].author.id);
    // Agents see where it came from and why it landed here.
    let email = replies[1].email.as_ref().expect("email origin for agents");
    assert!(email.reason.contains("signature verified"));
    let detail = app.inbound(&agent.access_token, email.inbound_id).await;
    assert!(
        detail["headers"]
            .as_str()
            .unwrap_or_default()
            .contains("In-Reply-To:")
    );
    let raw = app
        .get_as(
            &agent.access_token,
            &format!("/api/v1/inbound/emails/{}/raw", email.inbound_id),
        )
        .await;
    assert_eq!(raw.status(), StatusCode::OK);
    assert_eq!(
        raw.headers()["content-type"].to_str().unwrap_or_default(),
        "message/rfc822"
    );
    let original = raw.text().await.expect("raw");
    assert!(
        original.contains("> Pruebe a apagarla"),
        "the original keeps the quote"
    );
}

#[tokio::test]
async fn a_subject_tag_threads_only_for_the_requester() {
    let app = app().await;
    let agent = app.user(Role::Agent).await;
    let ana = unique("ana");
    let number = app
        .new_conversation(&ana)
        .await
        .ticket_number
        .expect("number");
    let n = number.to_string();

    let from_ana = app
        .deliver(corpus(
            "subject-tag.eml",
            &[
                ("FROM", &ana),
                ("NUMBER", &n),
                ("SUBJECT", "La impresora no imprime"),
                ("MESSAGE_ID", &message_id()),
            ],
        ))
        .await;
    assert_eq!(from_ana.outcome, IntakeOutcome::Threaded);
    assert_eq!(from_ana.ticket_number, Some(number));
    let replies = app.replies(&agent.access_token, number).await;
    assert_eq!(
        replies.last().map(|r| r.body.as_str()),
        Some("Any news on this one?")
    );

    // Someone else using the tag: a new ticket, linked to the one they named.
    let mallory = unique("mallory");
    let from_other = app
        .deliver(corpus(
            "subject-tag.eml",
            &[
                ("FROM", &mallory),
                ("NUMBER", &n),
                ("SUBJECT", "La impresora no imprime"),
                ("MESSAGE_ID", &message_id()),
            ],
        ))
        .await;
    assert_eq!(from_other.outcome, IntakeOutcome::Ticketed);
    let other = from_other.ticket_number.expect("new ticket");
    assert_ne!(other, number);
    let linked = app.ticket(&agent.access_token, other).await;
    assert_eq!(linked.parent_number, Some(number));
    assert_eq!(linked.requester.email, mallory);
    assert_eq!(app.replies(&agent.access_token, number).await.len(), 2);

    // A forged agent From with the tag never writes as the agent.
    let forged = app
        .deliver(corpus(
            "subject-tag.eml",
            &[
                ("FROM", &agent.user.email),
                ("NUMBER", &n),
                ("SUBJECT", "Resolved, ignore"),
                ("MESSAGE_ID", &message_id()),
            ],
        ))
        .await;
    assert_eq!(forged.outcome, IntakeOutcome::Ticketed);
    assert_ne!(forged.ticket_number, Some(number));
    assert!(forged.reason.contains("agent"), "{}", forged.reason);
    assert_eq!(app.replies(&agent.access_token, number).await.len(), 2);
}

#[tokio::test]
async fn agents_answer_by_email_and_the_customer_gets_it_threaded() {
    let app = app().await;
    let agent = app.user(Role::Agent).await;
    let ana = unique("ana");
    let number = app
        .new_conversation(&ana)
        .await
        .ticket_number
        .expect("number");
    let told = app
        .wait_for_email(&agent.user.email, |m| {
            m.subject.contains(&format!("[#{number}]"))
        })
        .await;
    let reply = app
        .deliver(corpus(
            "reply-gmail.eml",
            &[
                ("FROM", &agent.user.email),
                ("TO", &told.header("reply-to").expect("reply-to")),
                ("SUBJECT", &told.subject),
                ("MESSAGE_ID", &message_id()),
                ("IN_REPLY_TO", &header_id(told.header("message-id"))),
                ("REFERENCES", &header_id(told.header("references"))),
            ],
        ))
        .await;
    assert_eq!(reply.outcome, IntakeOutcome::Threaded, "{}", reply.reason);
    let replies = app.replies(&agent.access_token, number).await;
    let last = replies.last().expect("reply");
    assert_eq!(last.author.id, agent.user.id);
    assert!(!last.internal);
    // An agent's public reply: pending, and the customer gets it in the same thread.
    let ticket = app.ticket(&agent.access_token, number).await;
    assert_eq!(ticket.status, TicketStatus::Pending);
    let answer = app
        .wait_for_email(&ana, |m| m.text.contains("Ya la reinicié y sigue igual."))
        .await;
    assert_eq!(
        answer.header("in-reply-to").as_deref(),
        Some(format!("<ticket-{number}@ayuda.test>").as_str())
    );
}

#[tokio::test]
async fn replies_reopen_resolved_tickets_and_follow_up_closed_ones() {
    let app = app().await;
    let agent = app.user(Role::Agent).await;
    let ana = unique("ana");
    let number = app
        .new_conversation(&ana)
        .await
        .ticket_number
        .expect("number");
    let n = number.to_string();
    let tagged = |id: String| {
        corpus(
            "subject-tag.eml",
            &[
                ("FROM", &ana),
                ("NUMBER", &n),
                ("SUBJECT", "x"),
                ("MESSAGE_ID", &id),
            ],
        )
    };
    let res = app
        .post_as(
            &agent.access_token,
            &format!("/api/v1/tickets/{number}/resolve"),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let again = app.deliver(tagged(message_id())).await;
    assert_eq!(again.outcome, IntakeOutcome::Threaded);
    assert_eq!(
        app.ticket(&agent.access_token, number).await.status,
        TicketStatus::Open
    );

    let res = app
        .patch_as(
            &agent.access_token,
            &format!("/api/v1/tickets/{number}"),
            &json!({"status": "closed"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let late = app.deliver(tagged(message_id())).await;
    assert_eq!(late.outcome, IntakeOutcome::Ticketed, "{}", late.reason);
    let follow_up = late.ticket_number.expect("follow-up");
    assert_ne!(follow_up, number);
    assert_eq!(
        app.ticket(&agent.access_token, follow_up)
            .await
            .parent_number,
        Some(number)
    );
}

#[tokio::test]
async fn auto_replies_bulk_mail_and_bounces_are_never_answered() {
    let app = app().await;
    let agent = app.user(Role::Agent).await;
    let ana = unique("ana");
    let number = app
        .new_conversation(&ana)
        .await
        .ticket_number
        .expect("number");
    let received = app
        .wait_for_email(&ana, |m| m.subject.contains(&format!("[#{number}]")))
        .await;
    let ours = header_id(received.header("message-id"));

    // Out of office in reply to our email: recorded on the ticket, not added, no answer.
    let ooo = app
        .deliver(corpus(
            "auto-reply.eml",
            &[
                ("FROM", &ana),
                ("SUBJECT", &received.subject),
                ("MESSAGE_ID", &message_id()),
                ("IN_REPLY_TO", &ours),
            ],
        ))
        .await;
    assert_eq!(ooo.outcome, IntakeOutcome::Ignored, "{}", ooo.reason);
    assert_eq!(app.replies(&agent.access_token, number).await.len(), 1);

    // An auto-reply from an unknown address: a ticket, but no welcome, no ticket number.
    let robot = unique("robot");
    let auto = app
        .deliver(corpus(
            "auto-reply.eml",
            &[
                ("FROM", &robot),
                ("SUBJECT", "hello"),
                ("MESSAGE_ID", &message_id()),
                ("IN_REPLY_TO", &message_id()),
            ],
        ))
        .await;
    assert_eq!(auto.outcome, IntakeOutcome::Ticketed);
    let news = unique("news");
    let bulk = app
        .deliver(corpus(
            "bulk.eml",
            &[("FROM", &news), ("MESSAGE_ID", &message_id())],
        ))
        .await;
    assert_eq!(bulk.outcome, IntakeOutcome::Ticketed);

    // A bounce of our "ticket received": recorded against it, no ticket.
    let bounce = app
        .deliver(corpus(
            "bounce.eml",
            &[
                ("FROM", &ana),
                ("MESSAGE_ID", &message_id()),
                ("IN_REPLY_TO", &ours),
            ],
        ))
        .await;
    assert_eq!(bounce.outcome, IntakeOutcome::Bounce);
    assert_eq!(bounce.ticket_number, None);
    assert!(bounce.reason.contains("550 5.1.1"), "{}", bounce.reason);
    let bounced = ayuda_db::outbox::find_by_message_id(&app.db, &ours)
        .await
        .expect("query")
        .expect("our message");
    assert!(bounced.bounced_at.is_some());

    assert!(app.settled_emails(&robot).await.is_empty());
    assert!(app.settled_emails(&news).await.is_empty());
    let to_ana = app.settled_emails(&ana).await;
    assert_eq!(to_ana.len(), 2, "welcome and ticket received only");
}

#[tokio::test]
async fn the_same_message_twice_makes_one_ticket() {
    let app = app().await;
    let ana = unique("ana");
    let raw = corpus(
        "new-plain.eml",
        &[("FROM", &ana), ("MESSAGE_ID", &message_id())],
    );
    let (a, b) = tokio::join!(app.deliver(raw.clone()), app.deliver(raw.clone()));
    let c = app.deliver(raw).await;
    let outcomes = [a.outcome, b.outcome, c.outcome];
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| **o == IntakeOutcome::Ticketed)
            .count(),
        1,
        "{outcomes:?}"
    );
    assert!(outcomes.contains(&IntakeOutcome::Duplicate));
    assert_eq!(a.ticket_number, c.ticket_number);
    assert_eq!(b.ticket_number, c.ticket_number);
    let received = app.settled_emails(&ana).await;
    assert_eq!(received.len(), 2, "one welcome, one ticket email");

    // Someone else reusing that Message-ID does not shadow it: theirs is a message too.
    let id = message_id();
    let first = app
        .deliver(corpus(
            "new-plain.eml",
            &[("FROM", &ana), ("MESSAGE_ID", &id)],
        ))
        .await;
    let other = app
        .deliver(corpus(
            "new-plain.eml",
            &[("FROM", &unique("copycat")), ("MESSAGE_ID", &id)],
        ))
        .await;
    assert_eq!(first.outcome, IntakeOutcome::Ticketed);
    assert_eq!(other.outcome, IntakeOutcome::Ticketed);
    assert_ne!(first.ticket_number, other.ticket_number);
}

#[tokio::test]
async fn screenshots_and_inline_images_become_attachments() {
    let app = app().await;
    let agent = app.user(Role::Agent).await;
    let luis = unique("luis");
    let receipt = app
        .deliver(corpus(
            "screenshot.eml",
            &[("FROM", &luis), ("MESSAGE_ID", &message_id())],
        ))
        .await;
    let number = receipt.ticket_number.expect("number");
    let replies = app.replies(&agent.access_token, number).await;
    let files = &replies[0].attachments;
    let mut names: Vec<&str> = files.iter().map(|f| f.filename.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["captura de pantalla.png", "logo.png"]);
    assert!(files.iter().all(|f| f.content_type == "image/png"));
    let shot = files
        .iter()
        .find(|f| f.filename.starts_with("captura"))
        .expect("screenshot");
    let res = app
        .get_as(
            &agent.access_token,
            &format!("/api/v1/attachments/{}", shot.id),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.expect("bytes");
    assert!(bytes.starts_with(b"\x89PNG"));
    assert_eq!(bytes.len() as i64, shot.size);
}

#[tokio::test]
async fn html_only_mail_is_read_as_text_without_scripts() {
    let app = app().await;
    let agent = app.user(Role::Agent).await;
    let from = unique("html");
    let number = app
        .deliver(corpus(
            "html-only.eml",
            &[("FROM", &from), ("MESSAGE_ID", &message_id())],
        ))
        .await
        .ticket_number
        .expect("number");
    let ticket = app.ticket(&agent.access_token, number).await;
    assert_eq!(ticket.title, "Factura <b>duplicada</b>", "titles are text");
    let reply = &app.replies(&agent.access_token, number).await[0];
    assert!(
        reply
            .body
            .contains("Me cobraron dos veces la factura F-2026-118")
    );
    for bad in ["alert", "<script", "onclick", "onerror", "color: red"] {
        assert!(
            !reply.body_html.contains(bad),
            "{bad} in {}",
            reply.body_html
        );
    }
}

#[tokio::test]
async fn odd_charsets_and_broken_mime_still_make_readable_tickets() {
    let app = app().await;
    let agent = app.user(Role::Agent).await;
    for (file, title, text) in [
        (
            "iso-8859-1.eml",
            "Contraseña olvidada",
            "No recuerdo mi contraseña y el correo de recuperación no llega.",
        ),
        (
            "windows-1252.eml",
            "Invoice €120 “overdue”",
            "The invoice for €120 is marked “overdue” but we paid it – see the bank’s receipt.",
        ),
        (
            "utf-7.eml",
            "Café sin azúcar",
            "La máquina de café no funciona.",
        ),
        (
            "malformed.eml",
            "Pedido no llega",
            "El pedido 4471 no ha llegado todavía y ya pasó una semana.",
        ),
    ] {
        let from = unique("charset");
        let receipt = app
            .deliver(corpus(
                file,
                &[("FROM", &from), ("MESSAGE_ID", &message_id())],
            ))
            .await;
        assert_eq!(
            receipt.outcome,
            IntakeOutcome::Ticketed,
            "{file}: {}",
            receipt.reason
        );
        let number = receipt.ticket_number.expect("number");
        let ticket = app.ticket(&agent.access_token, number).await;
        assert_eq!(ticket.title, title, "{file}");
        let body = &app.replies(&agent.access_token, number).await[0].body;
        assert!(body.contains(text), "{file}: {body}");
    }
}

#[tokio::test]
async fn a_message_too_large_is_kept_and_rejected_clearly() {
    let app = spawn_app_with(|s| {
        s.inbound_token = Some(TOKEN.into());
        s.inbound_max_bytes = 15 * 1024 * 1024;
    })
    .await;
    let agent = app.user(Role::Agent).await;
    let from = unique("big");
    let mut raw = corpus(
        "new-plain.eml",
        &[("FROM", &from), ("MESSAGE_ID", &message_id())],
    );
    // 20 MB of text lines.
    let line = b"0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\r\n";
    while raw.len() < 20 * 1024 * 1024 {
        raw.extend_from_slice(line);
    }
    let size = raw.len();
    let receipt = app.deliver(raw).await;
    assert_eq!(receipt.outcome, IntakeOutcome::Rejected);
    assert_eq!(receipt.ticket_number, None);
    assert!(receipt.reason.contains("limit"), "{}", receipt.reason);
    let id = receipt.inbound_id.expect("recorded");
    let kept = app
        .get_as(
            &agent.access_token,
            &format!("/api/v1/inbound/emails/{id}/raw"),
        )
        .await
        .bytes()
        .await
        .expect("raw");
    assert_eq!(kept.len(), size, "nothing lost");
    assert!(app.settled_emails(&from).await.is_empty());

    let list: Value = app
        .get_as(
            &agent.access_token,
            "/api/v1/inbound/emails?outcome=rejected",
        )
        .await
        .json()
        .await
        .expect("list");
    assert_eq!(list["items"][0]["id"], json!(id));
}

#[tokio::test]
async fn the_inbound_endpoint_is_guarded() {
    let closed = spawn_app_with(|_| {}).await;
    let res = closed
        .api
        .post(closed.url("/api/v1/inbound/email"))
        .bearer_auth(TOKEN)
        .header("content-type", "message/rfc822")
        .body("From: a@b.c\r\n\r\nhi")
        .send()
        .await
        .expect("request");
    assert_problem(res, StatusCode::NOT_FOUND).await;

    let app = app().await;
    let send = |token: &'static str, media: &'static str| {
        app.api
            .post(app.url("/api/v1/inbound/email"))
            .bearer_auth(token)
            .header("content-type", media)
            .body("From: a@b.c\r\nSubject: x\r\n\r\nhi")
            .send()
    };
    assert_problem(
        send("wrong", "message/rfc822").await.expect("request"),
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_problem(
        send(TOKEN, "application/json").await.expect("request"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
    )
    .await;
    // Not an email at all: kept and reported, not a 500.
    let res = app
        .api
        .post(app.url("/api/v1/inbound/email"))
        .bearer_auth(TOKEN)
        .header("content-type", "message/rfc822")
        .body(vec![0u8, 159, 146, 150])
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let receipt: InboundReceipt = res.json().await.expect("receipt");
    assert_eq!(receipt.outcome, IntakeOutcome::Failed);

    // Customers see nothing of intake.
    let customer = app.user(Role::Customer).await;
    for path in [
        "/api/v1/inbound/emails".to_owned(),
        format!("/api/v1/inbound/emails/{}", receipt.inbound_id.unwrap_or(1)),
        format!(
            "/api/v1/inbound/emails/{}/raw",
            receipt.inbound_id.unwrap_or(1)
        ),
    ] {
        assert_problem(
            app.get_as(&customer.access_token, &path).await,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
}

/// A mailbox of its own on the test Dovecot.
fn imap_port() -> u16 {
    std::env::var("TEST_IMAP_PORT")
        .expect("TEST_IMAP_PORT is not set: run the tests with `cargo xtask test`, which starts Dovecot")
        .parse()
        .expect("port")
}

async fn imap_session(user: &str) -> async_imap::Session<tokio::net::TcpStream> {
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", imap_port()))
        .await
        .expect("dovecot");
    let mut client = async_imap::Client::new(tcp);
    client.read_response().await.expect("greeting");
    client
        .login(user, "secret")
        .await
        .map_err(|(e, _)| e)
        .expect("login")
}

#[tokio::test]
async fn the_imap_poller_takes_new_mail_and_marks_it_without_deleting() {
    let mailbox = format!("support-{}", uuid::Uuid::new_v4().simple());
    let ana = unique("ana");
    let id = message_id();
    let mut session = imap_session(&mailbox).await;
    session
        .append(
            "INBOX",
            None,
            None,
            corpus("new-plain.eml", &[("FROM", &ana), ("MESSAGE_ID", &id)]),
        )
        .await
        .expect("append");

    let url = format!("imap://{mailbox}:secret@127.0.0.1:{}/INBOX", imap_port());
    let app = spawn_app_with(move |s| {
        s.imap_url = Some(url.into());
        s.imap_interval_secs = 1;
    })
    .await;
    let agent = app.user(Role::Agent).await;
    // The ticket email proves the message was taken.
    let received = app.wait_for_email(&ana, |m| m.subject.contains("[#")).await;
    let number: i64 = received
        .subject
        .split_once("[#")
        .and_then(|(_, rest)| rest.split_once(']'))
        .and_then(|(n, _)| n.parse().ok())
        .expect("number in subject");
    let ticket = app.ticket(&agent.access_token, number).await;
    assert_eq!(ticket.channel, Channel::Email);

    // A second message arrives while the poller waits (IDLE).
    let second = unique("luis");
    session
        .append(
            "INBOX",
            None,
            None,
            corpus(
                "screenshot.eml",
                &[("FROM", &second), ("MESSAGE_ID", &message_id())],
            ),
        )
        .await
        .expect("append");
    app.wait_for_email(&second, |m| m.subject.contains("[#"))
        .await;

    // Both are still in the mailbox, flagged as processed.
    session.select("INBOX").await.expect("select");
    let mut flagged = 0;
    for _ in 0..50 {
        flagged = session
            .uid_search("KEYWORD $AyudaDone")
            .await
            .expect("search")
            .len();
        if flagged == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(flagged, 2);
    assert_eq!(session.uid_search("ALL").await.expect("search").len(), 2);
    let _ = session.logout().await;
}

#[tokio::test]
async fn people_copied_on_a_ticket_may_write_to_it_by_email() {
    let app = app().await;
    let agent = app.user(Role::Agent).await;
    let ana = unique("ana");
    let bob = unique("bob");
    let mut raw = format!("Cc: Bob <{bob}>\r\n").into_bytes();
    raw.extend(corpus(
        "new-plain.eml",
        &[("FROM", &ana), ("MESSAGE_ID", &message_id())],
    ));
    let number = app.deliver(raw).await.ticket_number.expect("number");
    let from_bob = app
        .deliver(corpus(
            "subject-tag.eml",
            &[
                ("FROM", &bob),
                ("NUMBER", &number.to_string()),
                ("SUBJECT", "La impresora no imprime"),
                ("MESSAGE_ID", &message_id()),
            ],
        ))
        .await;
    assert_eq!(
        from_bob.outcome,
        IntakeOutcome::Threaded,
        "{}",
        from_bob.reason
    );
    assert!(from_bob.reason.contains("copied"), "{}", from_bob.reason);
    let replies = app.replies(&agent.access_token, number).await;
    assert_eq!(replies.len(), 2);
    assert_ne!(replies[1].author.id, replies[0].author.id, "written as Bob");
}

#[tokio::test]
async fn automatic_answers_to_one_sender_are_limited() {
    let app = spawn_app_with(|s| {
        s.inbound_token = Some(TOKEN.into());
        s.auto_mail_per_recipient = ayuda_server::config::SettingValue::read("3/3600").unwrap();
    })
    .await;
    let ana = unique("ana");
    let mut numbers = Vec::new();
    for _ in 0..3 {
        let receipt = app.new_conversation(&ana).await;
        assert_eq!(receipt.outcome, IntakeOutcome::Ticketed);
        numbers.push(receipt.ticket_number.expect("number"));
    }
    // Welcome + first ticket email are automatic emails 1 and 2 (one message); the second
    // ticket email is 3, the cap; the third message is over it: a ticket, but no email.
    let mails = app.settled_emails(&ana).await;
    let about = |n: i64| {
        mails
            .iter()
            .filter(|m| m.subject.contains(&format!("[#{n}]")))
            .count()
    };
    assert_eq!(about(numbers[0]), 1);
    assert_eq!(about(numbers[1]), 1);
    assert_eq!(about(numbers[2]), 0, "over the per-sender limit");
}

/// Issue 13, item 5: email tickets went to the type named "General query", so renaming it
/// (which admins may) silently sent them elsewhere. Now they go to the type admins chose.
#[tokio::test]
async fn email_tickets_get_the_type_admins_chose_whatever_its_name() {
    let app = app().await;
    let admin = app.user(Role::Admin).await;
    let a = &admin.access_token;
    let types: Vec<TicketType> = app
        .get_as(a, "/api/v1/ticket-types?include_inactive=true")
        .await
        .json()
        .await
        .unwrap();
    let defaults: Vec<&TicketType> = types.iter().filter(|t| t.is_default).collect();
    assert_eq!(defaults.len(), 1, "exactly one default: {types:?}");
    assert_eq!(defaults[0].base_name, "General query");
    let general = defaults[0].id;
    let billing = types.iter().find(|t| t.base_name == "Billing").unwrap().id;

    // Renamed, it still gets email tickets.
    let res = app
        .patch_as(
            a,
            &format!("/api/v1/ticket-types/{general}"),
            &json!({"name": "Consultas"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let receipt = app.new_conversation(&unique("renamed")).await;
    let ticket = app.ticket(a, receipt.ticket_number.unwrap()).await;
    assert_eq!(ticket.ticket_type.id, general);

    // Another type chosen: the flag moves, and the next email ticket follows it.
    let res = app
        .patch_as(
            a,
            &format!("/api/v1/ticket-types/{billing}"),
            &json!({"is_default": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let chosen: TicketType = res.json().await.unwrap();
    assert!(chosen.is_default);
    let types: Vec<TicketType> = app
        .get_as(a, "/api/v1/ticket-types?include_inactive=true")
        .await
        .json()
        .await
        .unwrap();
    let defaults: Vec<i64> = types
        .iter()
        .filter(|t| t.is_default)
        .map(|t| t.id)
        .collect();
    assert_eq!(defaults, [billing]);
    let receipt = app.new_conversation(&unique("chosen")).await;
    let ticket = app.ticket(a, receipt.ticket_number.unwrap()).await;
    assert_eq!(ticket.ticket_type.id, billing);

    // The default cannot be deactivated or un-chosen without choosing another.
    let path = format!("/api/v1/ticket-types/{billing}");
    assert_problem(
        app.patch_as(a, &path, &json!({"active": false})).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_problem(
        app.patch_as(a, &path, &json!({"is_default": false})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    // Nor can an inactive type become the default.
    let res = app
        .patch_as(
            a,
            &format!("/api/v1/ticket-types/{general}"),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_problem(
        app.patch_as(
            a,
            &format!("/api/v1/ticket-types/{general}"),
            &json!({"is_default": true}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    // Agents and customers choose nothing.
    let agent = app.user(Role::Agent).await;
    assert_problem(
        app.patch_as(&agent.access_token, &path, &json!({"is_default": true}))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
}
