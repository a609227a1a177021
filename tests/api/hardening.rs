//! Abuse, poison input and faults: limits that hold under parallel bursts, sessions that
//! end when they are ended, cursors that cannot be forged, mail that survives a crashed
//! instance.

use std::time::{Duration, Instant};

use ayuda_types::{Page, Role, Ticket};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::app::{PASSWORD, assert_problem};
use crate::helpers::{spawn_app, spawn_app_with};

/// Counts answers by status.
fn tally(statuses: &[StatusCode]) -> std::collections::BTreeMap<u16, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for status in statuses {
        *counts.entry(status.as_u16()).or_default() += 1;
    }
    counts
}

#[tokio::test]
async fn eighty_parallel_wrong_passwords_for_one_account_get_at_most_ten_401s() {
    let app = spawn_app().await;
    let user = app.user(Role::Customer).await.user;
    let attempts = (0..80).map(|i| {
        let app = &app;
        let email = user.email.clone();
        async move {
            app.post(
                "/api/v1/auth/login",
                &json!({"login": email, "password": format!("wrong guess {i}")}),
            )
            .await
            .status()
        }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    let counts = tally(&statuses);
    assert_eq!(counts.get(&401), Some(&10), "{counts:?}");
    assert_eq!(counts.get(&429), Some(&70), "{counts:?}");
    // The right password is refused too while the account is locked out.
    let res = app
        .post(
            "/api/v1/auth/login",
            &json!({"login": user.email, "password": PASSWORD}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(problem["type"], "urn:ayuda:problem:rate-limited");
}

#[tokio::test]
async fn a_flood_of_made_up_activation_links_is_cheap_limited_and_leaves_logins_fast() {
    let app = spawn_app().await;
    let user = app.user(Role::Customer).await.user;
    let flood = (0..400).map(|i| {
        let app = &app;
        async move {
            app.post(
                "/api/v1/auth/activate",
                &json!({"token": format!("made-up-token-{i}"), "password": "a fine new password"}),
            )
            .await
            .status()
        }
    });
    let login = async {
        // In the middle of the flood.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let started = Instant::now();
        let res = app
            .post(
                "/api/v1/auth/login",
                &json!({"login": user.email, "password": PASSWORD}),
            )
            .await;
        (res.status(), started.elapsed())
    };
    let (statuses, (login_status, login_time)) =
        tokio::join!(futures_util::future::join_all(flood), login);
    assert_eq!(login_status, StatusCode::OK);
    assert!(
        login_time < Duration::from_secs(2),
        "login took {login_time:?} during the flood"
    );
    let counts = tally(&statuses);
    // The default quota: 20 failed links per 5 minutes per address, then 429.
    assert_eq!(counts.get(&400), Some(&20), "{counts:?}");
    assert_eq!(counts.get(&429), Some(&380), "{counts:?}");
}

#[tokio::test]
async fn parallel_uses_of_one_valid_link_activate_once() {
    let app = spawn_app().await;
    let email = format!("link-{}@example.com", uuid::Uuid::new_v4().simple());
    let res = app
        .post(
            "/api/v1/auth/register",
            &json!({"email": email, "name": "Link"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let token = app
        .wait_for_email(&email, |_| true)
        .await
        .link_token("/activate?token=");
    let body = json!({"token": token, "password": "a fine new password"});
    // Five at once with the same link: one activates, the others find it spent.
    let tries = (0..5).map(|_| app.post("/api/v1/auth/activate", &body));
    let statuses: Vec<StatusCode> = futures_util::future::join_all(tries)
        .await
        .into_iter()
        .map(|r| r.status())
        .collect();
    let counts = tally(&statuses);
    assert_eq!(counts.get(&200), Some(&1), "{counts:?}");
    assert_eq!(counts.get(&400), Some(&4), "{counts:?}");
}

#[tokio::test]
async fn access_tokens_stop_working_when_their_session_ends() {
    let app = spawn_app().await;
    let first = app.user(Role::Customer).await;
    let email = first.user.email.clone();
    let second = app.login(&email, PASSWORD).await;
    assert_eq!(
        app.get_as(&first.access_token, "/api/v1/me").await.status(),
        StatusCode::OK
    );

    // Logging out ends that session's access token at once, and only that session's.
    let res = app
        .post(
            "/api/v1/auth/logout",
            &json!({"refresh_token": first.refresh_token}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = app.get_as(&first.access_token, "/api/v1/me").await;
    assert_problem(res, StatusCode::UNAUTHORIZED).await;
    assert_eq!(
        app.get_as(&second.access_token, "/api/v1/me")
            .await
            .status(),
        StatusCode::OK
    );

    // A password reset ends every session.
    let res = app
        .post("/api/v1/auth/password/forgot", &json!({"email": email}))
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let token = app
        .wait_for_email(&email, |m| m.text.contains("/reset-password?token="))
        .await
        .link_token("/reset-password?token=");
    let res = app
        .post(
            "/api/v1/auth/password/reset",
            &json!({"token": token, "password": "another fine password"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let third: Value = res.json().await.unwrap();
    let res = app.get_as(&second.access_token, "/api/v1/me").await;
    assert_problem(res, StatusCode::UNAUTHORIZED).await;
    let token = third["access_token"].as_str().unwrap();
    assert_eq!(
        app.get_as(token, "/api/v1/me").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn search_cursors_carry_no_score_and_edited_or_forged_ones_are_refused() {
    let app = spawn_app().await;
    let customer = app.user(Role::Customer).await.access_token;
    let agent = app.user(Role::Agent).await.access_token;
    let mut numbers = Vec::new();
    for title in ["Factura duplicada", "Otra factura", "Factura de marzo"] {
        numbers.push(app.open_ticket(&customer, title, "factura").await.number);
    }
    // An internal note that matches: it must not shape what the customer sees.
    app.reply(&agent, numbers[1], "factura factura factura", true)
        .await;

    let first: Page<Ticket> = app
        .get_as(&customer, "/api/v1/tickets?q=factura&limit=1")
        .await
        .json()
        .await
        .unwrap();
    let cursor = first.next_cursor.expect("a second page");
    let (payload, tag) = cursor.split_once('.').expect("a signed cursor");
    let payload = String::from_utf8(URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    let position: Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(
        position,
        json!({"r": position["r"].as_i64().expect("only a row id")}),
        "{payload}"
    );

    // The real cursor works; the same position re-encoded with another row, or unsigned, or
    // with a cut tag, is a 400.
    let res = app
        .get_as(
            &customer,
            &format!("/api/v1/tickets?q=factura&limit=1&cursor={cursor}"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let forged_payload =
        URL_SAFE_NO_PAD.encode(format!("{{\"r\":{}}}", position["r"].as_i64().unwrap() + 1));
    for forged in [
        format!("{forged_payload}.{tag}"),
        forged_payload.clone(),
        format!(
            "{}.{}",
            &cursor[..cursor.find('.').unwrap()],
            &tag[..tag.len() - 2]
        ),
        URL_SAFE_NO_PAD.encode("[4e-6,1030]"),
    ] {
        let res = app
            .get_as(
                &customer,
                &format!("/api/v1/tickets?q=factura&limit=1&cursor={forged}"),
            )
            .await;
        assert_problem(res, StatusCode::BAD_REQUEST).await;
    }
    // Plain lists too.
    let page: Page<Ticket> = app
        .get_as(&customer, "/api/v1/tickets?limit=1")
        .await
        .json()
        .await
        .unwrap();
    let plain = page.next_cursor.expect("a second page");
    let edited = format!("{}x", plain);
    let res = app
        .get_as(
            &customer,
            &format!("/api/v1/tickets?limit=1&cursor={edited}"),
        )
        .await;
    assert_problem(res, StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
    let app = spawn_app_with(|s| {
        s.rate_register = ayuda_server::config::SettingValue::read("2/3600").unwrap();
        s.trusted_proxies = ayuda_server::config::SettingValue::read("127.0.0.1").unwrap();
    })
    .await;
    let register = |forwarded| register_forwarded(&app, forwarded);
    // The client is the rightmost hop our proxy (127.0.0.1, the peer) did not write: what a
    // client forges at the left changes nothing.
    assert_eq!(
        register("6.6.6.6, 198.51.100.7").await,
        StatusCode::ACCEPTED
    );
    assert_eq!(
        register("7.7.7.7, 198.51.100.7").await,
        StatusCode::ACCEPTED
    );
    assert_eq!(
        register("8.8.8.8, 198.51.100.7").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another client behind the same proxy has its own bucket; IPv6 clients count per /64.
    assert_eq!(register("203.0.113.5").await, StatusCode::ACCEPTED);
    assert_eq!(register("2001:db8:1:2::10").await, StatusCode::ACCEPTED);
    assert_eq!(register("2001:db8:1:2::11").await, StatusCode::ACCEPTED);
    assert_eq!(
        register("2001:db8:1:2:ffff::12").await,
        StatusCode::TOO_MANY_REQUESTS
    );

    // Without trusted proxies the header is ignored: everyone shares the peer's bucket.
    let direct = spawn_app_with(|s| {
        s.rate_register = ayuda_server::config::SettingValue::read("1/3600").unwrap()
    })
    .await;
    let statuses = [
        register_forwarded(&direct, "198.51.100.1").await,
        register_forwarded(&direct, "198.51.100.2").await,
    ];
    assert_eq!(
        statuses,
        [StatusCode::ACCEPTED, StatusCode::TOO_MANY_REQUESTS]
    );
}

/// Registers a fresh address with this `X-Forwarded-For`; the answer's status.
async fn register_forwarded(app: &crate::helpers::TestApp, forwarded: &str) -> StatusCode {
    app.api
        .post(app.url("/api/v1/auth/register"))
        .header("X-Forwarded-For", forwarded)
        .json(&json!({
            "email": format!("p-{}@example.com", uuid::Uuid::new_v4().simple()),
            "name": "Proxy"
        }))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn mail_leased_by_an_instance_that_died_goes_out_at_once() {
    let app = spawn_app().await;
    let to = format!("orphan-{}@example.com", uuid::Uuid::new_v4().simple());
    // A message another instance leased for ten minutes, then died (no heartbeat).
    let txn = app.state.writer.begin().await.unwrap();
    let now = chrono::Utc::now();
    ayuda_db::outbox::enqueue(
        &txn,
        ayuda_db::outbox::NewEmail {
            kind: "test".into(),
            to_address: to.clone(),
            to_name: "Orphan".into(),
            subject: "Left behind by a crash".into(),
            text_body: "hello".into(),
            html_body: "<p>hello</p>".into(),
            message_id: format!("{}@ayuda.test", uuid::Uuid::new_v4().simple()),
            in_reply_to: None,
            references: None,
            reply_to: None,
            automatic: false,
        },
        now,
    )
    .await
    .unwrap();
    let lease = ayuda_db::outbox::Lease {
        holder: "an-instance-that-died",
        length: chrono::Duration::minutes(10),
    };
    let leased = ayuda_db::outbox::claim(&txn, lease, now, false, 10)
        .await
        .unwrap();
    assert_eq!(leased.len(), 1);
    txn.commit().await.unwrap();
    app.state.realtime.outbox_wake.notify_one();

    let started = Instant::now();
    let mail = app.wait_for_email(&to, |_| true).await;
    assert_eq!(mail.subject, "Left behind by a crash");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let sent = app.settled_emails(&to).await;
    assert_eq!(sent.len(), 1);
}

#[tokio::test]
async fn strangers_cannot_make_us_flood_an_address_with_mail() {
    let app = spawn_app().await;
    let victim = format!("stranger-{}@example.com", uuid::Uuid::new_v4().simple());
    for i in 0..24 {
        let res = if i % 2 == 0 {
            app.post(
                "/api/v1/auth/register",
                &json!({"email": victim, "name": "Someone else"}),
            )
            .await
        } else {
            app.post("/api/v1/auth/password/forgot", &json!({"email": victim}))
                .await
        };
        // The answer never tells that the cap was reached.
        assert_eq!(res.status(), StatusCode::ACCEPTED);
    }
    let got = app.settled_emails(&victim).await;
    // The default cap: 5 automatic emails per recipient per hour, whatever asked for them.
    assert_eq!(
        got.len(),
        5,
        "{:?}",
        got.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn the_app_is_served_with_a_strict_content_security_policy_and_hsts_over_https() {
    let app = spawn_app().await;
    let res = app.get("/tickets/1000").await;
    assert_eq!(res.status(), StatusCode::OK);
    let csp = res
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .expect("a CSP on the app's HTML")
        .to_owned();
    for directive in [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(res.headers().get("strict-transport-security").is_none());

    let https = spawn_app_with(|s| s.public_url = Some("https://help.example.com".into())).await;
    let res = https.get("/healthz").await;
    assert_eq!(
        res.headers()
            .get("strict-transport-security")
            .and_then(|v| v.to_str().ok()),
        Some("max-age=31536000; includeSubDomains")
    );
}

#[tokio::test]
async fn uploads_are_bounded_per_user_by_a_daily_quota_and_a_rate() {
    let app = spawn_app_with(|s| {
        s.upload_quota_bytes = 1000;
        s.rate_upload = ayuda_server::config::SettingValue::read("3/3600").unwrap();
    })
    .await;
    let first = app.user(Role::Customer).await.access_token;
    let second = app.user(Role::Customer).await.access_token;
    let res = app.upload(&first, "a.txt", vec![b'a'; 600]).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    // 400 bytes of the day's quota left: a 600-byte file is refused, and not stored.
    let res = app.upload(&first, "b.txt", vec![b'b'; 600]).await;
    let problem = assert_problem(res, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(problem["type"], "urn:ayuda:problem:rate-limited");
    let res = app.upload(&first, "c.txt", vec![b'c'; 300]).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    // The fourth upload within the hour is over the rate, however small.
    let res = app.upload(&first, "d.txt", vec![b'd'; 10]).await;
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS).await;
    // Someone else's quota is their own.
    let res = app.upload(&second, "e.txt", vec![b'e'; 900]).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let stored = ayuda_db::attachments::uploaded_since(
        &app.db,
        app.get_as(&first, "/api/v1/me")
            .await
            .json::<Value>()
            .await
            .unwrap()["id"]
            .as_i64()
            .unwrap(),
        chrono::Utc::now() - chrono::Duration::days(1),
    )
    .await
    .unwrap();
    assert_eq!(stored, 900);
}

#[tokio::test]
async fn metrics_can_be_kept_behind_a_token() {
    let app = spawn_app_with(|s| s.metrics_token = Some("scrape-secret".into())).await;
    assert_problem(app.get("/metrics").await, StatusCode::UNAUTHORIZED).await;
    assert_problem(
        app.get_as("wrong", "/metrics").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let res = app.get_as("scrape-secret", "/metrics").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("ayuda_outbox_queued"));
    // Without the setting it stays open, as before.
    let open = spawn_app().await;
    assert_eq!(open.get("/metrics").await.status(), StatusCode::OK);
}

#[cfg(unix)]
#[tokio::test]
async fn the_data_directory_and_the_generated_secret_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().unwrap();
    let data = parent.path().join("fresh").join("data");
    let app = spawn_app_with(|s| s.data_dir = data.clone()).await;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("jwt_secret")), 0o600);
    drop(app);
}

#[tokio::test]
async fn forum_comments_are_rate_limited_and_staff_hide_them_without_deleting() {
    use crate::forum::{category, write};
    let app = spawn_app_with(|s| {
        s.rate_comment = ayuda_server::config::SettingValue::read("3/600").unwrap()
    })
    .await;
    let agent = app.user(Role::Agent).await;
    let customer = app.user(Role::Customer).await;
    let (a, c) = (&agent.access_token, &customer.access_token);
    let cat = category(&app, a, "General").await;
    let article = write(
        &app,
        a,
        &json!({"title": "Horario", "body": "9 a 18", "category_id": cat.id, "status": "published"}),
    )
    .await;
    let base = format!("/api/v1/forum/articles/{}/comments", article.summary.slug);
    let mut ids = Vec::new();
    for i in 0..3 {
        let res = app
            .post_as(c, &base, &json!({"body": format!("comentario {i}")}))
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        ids.push(res.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    }
    let res = app.post_as(c, &base, &json!({"body": "spam"})).await;
    assert!(res.headers().contains_key("retry-after"));
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS).await;

    // Customers may not hide; staff may, and readers no longer see the comment.
    let spam = ids[1];
    assert_problem(
        app.delete_as(c, &format!("{base}/{spam}")).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let res = app.delete_as(a, &format!("{base}/{spam}")).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let again = app.delete_as(a, &format!("{base}/{spam}")).await;
    assert_eq!(
        again.status(),
        StatusCode::NO_CONTENT,
        "hiding twice is fine"
    );
    assert_problem(
        app.delete_as(a, &format!("{base}/999999")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let public: Value = app.get(&base).await.json().await.unwrap();
    let shown: Vec<i64> = public["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(shown, [ids[0], ids[2]]);
    assert!(public["items"][0].get("hidden_at").is_none());
    // Kept: staff still see it, marked hidden.
    let staff: Value = app.get_as(a, &base).await.json().await.unwrap();
    let items = staff["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[1]["id"], json!(spam));
    assert!(items[1]["hidden_at"].is_string(), "{staff}");
    assert_eq!(items[1]["body"], json!("comentario 1"));
}

#[tokio::test]
async fn markdown_previews_are_bounded_in_size_and_rate() {
    let app = spawn_app_with(|s| {
        s.rate_markdown = ayuda_server::config::SettingValue::read("3/60").unwrap()
    })
    .await;
    let user = app.user(Role::Customer).await;
    let t = &user.access_token;
    let problem = assert_problem(
        app.post_as(
            t,
            "/api/v1/markdown/render",
            &json!({"body": "a".repeat(200_001)}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem.to_string().contains("body"), "{problem}");
    for _ in 0..2 {
        let res = app
            .post_as(t, "/api/v1/markdown/render", &json!({"body": "**hola**"}))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    assert_problem(
        app.post_as(t, "/api/v1/markdown/render", &json!({"body": "otra"}))
            .await,
        StatusCode::TOO_MANY_REQUESTS,
    )
    .await;
    // Another user has their own allowance.
    let other = app.user(Role::Customer).await;
    let res = app
        .post_as(
            &other.access_token,
            "/api/v1/markdown/render",
            &json!({"body": "hola"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn remote_images_load_neither_in_agents_screens_nor_in_emails() {
    let app = spawn_app().await;
    let agent = app.user(Role::Agent).await;
    let customer = app.user(Role::Customer).await;
    let ticket = app
        .open_ticket(
            &customer.access_token,
            "Pixel",
            "mira ![logo](https://tracker.example/open.gif?who=agent) <img src=\"https://tracker.example/raw.gif\">",
        )
        .await;
    let first = app
        .replies(&agent.access_token, ticket.number)
        .await
        .remove(0);
    assert!(
        !first.body_html.contains("<img src") && !first.body_html.contains("raw.gif"),
        "no image loads from elsewhere: {}",
        first.body_html
    );
    assert!(
        first
            .body_html
            .contains("href=\"https://tracker.example/open.gif?who=agent\""),
        "the image is a link: {}",
        first.body_html
    );
    app.reply(
        &agent.access_token,
        ticket.number,
        "Hola ![firma](https://tracker.example/sig.png)",
        false,
    )
    .await;
    let email = app
        .wait_for_email(&customer.user.email, |e| e.html.contains("firma"))
        .await;
    assert!(
        !email.html.contains("<img src=\"https://tracker"),
        "{}",
        email.html
    );
}

#[tokio::test]
async fn two_admins_demoting_each_other_at_once_leave_one_admin() {
    let app = spawn_app().await;
    for _ in 0..5 {
        let first = app.user(Role::Admin).await;
        let second = app.user(Role::Admin).await;
        // Every other admin made by earlier rounds is demoted first: these two are the last.
        let admins: Value = app
            .get_as(&first.access_token, "/api/v1/users?role=admin&limit=100")
            .await
            .json()
            .await
            .unwrap();
        for admin in admins["items"].as_array().unwrap() {
            let id = admin["id"].as_i64().unwrap();
            if id != first.user.id && id != second.user.id {
                let res = app
                    .patch_as(
                        &first.access_token,
                        &format!("/api/v1/users/{id}"),
                        &json!({"role": "agent"}),
                    )
                    .await;
                assert_eq!(res.status(), StatusCode::OK);
            }
        }
        let demote = |by: &str, whom: i64| {
            let by = by.to_owned();
            let app = &app;
            async move {
                app.patch_as(
                    &by,
                    &format!("/api/v1/users/{whom}"),
                    &json!({"role": "agent"}),
                )
                .await
                .status()
            }
        };
        let (a, b) = tokio::join!(
            demote(&first.access_token, second.user.id),
            demote(&second.access_token, first.user.id)
        );
        let mut statuses = [a.as_u16(), b.as_u16()];
        statuses.sort_unstable();
        // One wins; the other is refused (409: the last admin) or no longer an admin (403).
        assert!(
            statuses == [200, 403] || statuses == [200, 409],
            "{statuses:?}"
        );
        let left = ayuda_db::users::any_admin(&app.db).await.unwrap();
        assert!(left, "an admin is left");
    }
}

#[tokio::test]
async fn unknown_values_in_the_database_are_errors_never_defaults() {
    use ayuda_db::ConnectionTrait;
    let app = spawn_app().await;
    let agent = app.user(Role::Agent).await;
    let customer = app.user(Role::Customer).await;
    let ticket = app
        .open_ticket(&customer.access_token, "Estado raro", "hola")
        .await;
    // As a hand edit or another version would leave them.
    app.db
        .execute_unprepared(&format!(
            "UPDATE tickets SET status = 'limbo' WHERE id = {}",
            ticket.number
        ))
        .await
        .unwrap();
    let res = app
        .get_as(
            &agent.access_token,
            &format!("/api/v1/tickets/{}", ticket.number),
        )
        .await;
    let problem = assert_problem(res, StatusCode::INTERNAL_SERVER_ERROR).await;
    assert!(
        !problem.to_string().contains("limbo"),
        "details stay in the log"
    );

    let odd = app.user(Role::Agent).await;
    app.db
        .execute_unprepared(&format!(
            "UPDATE users SET role = 'superuser' WHERE id = {}",
            odd.user.id
        ))
        .await
        .unwrap();
    // Not read as a customer (who could still open tickets), nor as anything else.
    assert_problem(
        app.get_as(&odd.access_token, "/api/v1/me").await,
        StatusCode::INTERNAL_SERVER_ERROR,
    )
    .await;
    assert_problem(
        app.get_as(&odd.access_token, "/api/v1/tickets").await,
        StatusCode::INTERNAL_SERVER_ERROR,
    )
    .await;
}
