//! What keeps Ayuda fast without giving up a guarantee: statements per request (counted
//! by the server, reported in `Server-Timing`), group commit on SQLite, and the account and
//! article search caches that must still notice every change at once.

use ayuda_types::Role;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::app::assert_problem;
use crate::helpers::{TestApp, spawn_app, spawn_app_with};

/// The statements the server ran for a request, from its `Server-Timing` header.
fn statements(res: &Response) -> u32 {
    let header = res
        .headers()
        .get("server-timing")
        .and_then(|v| v.to_str().ok())
        .expect("a Server-Timing header");
    let desc = header
        .split("desc=\"")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or_else(|| panic!("no statement count in {header}"));
    desc.parse().expect("a number of statements")
}

/// The statements of each request a user makes all the time. Each is the count with the
/// caller's account already cached (as it is for every request but the first few seconds
/// of a session). A change that adds a query to one of these fails here: look at it, and
/// if it is worth its cost, change the number here and in the README's table.
#[tokio::test]
async fn each_common_request_runs_the_statements_written_here() {
    let app = spawn_app_with(|s| s.server_timing = true).await;
    let agent = app.user(Role::Agent).await;
    let customer = app.user(Role::Customer).await;
    let (a, c) = (&agent.access_token, &customer.access_token);
    let type_id = app.ticket_types(c).await[0].id;
    let ticket = app
        .open_ticket(c, "Primer ticket", "Calienta la caché")
        .await;
    app.ticket(a, ticket.number).await;
    let cat = crate::forum::category(&app, a, "Facturación").await;
    for title in ["Descargar la factura", "Cambiar los datos de la factura"] {
        crate::forum::write(
            &app,
            a,
            &json!({"title": title, "body": "Desde el panel, **Facturas**.", "category_id": cat.id, "status": "published"}),
        )
        .await;
    }

    let mut counts = Vec::new();
    let mut note = |what: &str, res: &Response| {
        assert!(res.status().is_success(), "{what}: {}", res.status());
        counts.push((what.to_owned(), statements(res)));
    };
    let res = app
        .post_as(
            c,
            "/api/v1/tickets",
            &json!({"title": "No puedo entrar", "type_id": type_id, "description": "Desde ayer."}),
        )
        .await;
    note("create ticket", &res);
    let created: Value = res.json().await.unwrap();
    let number = created["number"].as_i64().unwrap();
    let path = format!("/api/v1/tickets/{number}");
    note("get ticket (customer)", &app.get_as(c, &path).await);
    note("get ticket (agent)", &app.get_as(a, &path).await);
    note(
        "reply (agent)",
        &app.post_as(
            a,
            &format!("{path}/replies"),
            &json!({"body": "Mirándolo.", "internal": false}),
        )
        .await,
    );
    note(
        "reply (customer)",
        &app.post_as(
            c,
            &format!("{path}/replies"),
            &json!({"body": "Gracias.", "internal": false}),
        )
        .await,
    );
    note(
        "list tickets (agent)",
        &app.get_as(a, "/api/v1/tickets?limit=25").await,
    );
    note(
        "list tickets (customer)",
        &app.get_as(c, "/api/v1/tickets?limit=25").await,
    );
    let res = app.get("/api/v1/forum/articles?q=factura").await;
    note("article search", &res);
    let found: Value = res.json().await.unwrap();
    assert_eq!(found["items"].as_array().map(Vec::len), Some(2), "{found}");
    note(
        "article search, asked again",
        &app.get("/api/v1/forum/articles?q=factura").await,
    );
    note("me", &app.get_as(c, "/api/v1/me").await);

    let table: Vec<String> = counts.iter().map(|(w, n)| format!("{w}: {n}")).collect();
    println!("statements per request:\n{}", table.join("\n"));
    // PostgreSQL signals the outbox workers of every instance when mail is queued: one
    // `pg_notify` more in each write that sends mail.
    let mail_signal = u32::from(std::env::var("TEST_DATABASE_URL").is_ok());
    let expected = [
        ("create ticket", 8 + mail_signal),
        ("get ticket (customer)", 1),
        ("get ticket (agent)", 1),
        ("reply (agent)", 7 + mail_signal),
        ("reply (customer)", 7 + mail_signal),
        ("list tickets (agent)", 1),
        ("list tickets (customer)", 1),
        ("article search", 1),
        ("article search, asked again", 0),
        ("me", 0),
    ];
    let expected: Vec<String> = expected.iter().map(|(w, n)| format!("{w}: {n}")).collect();
    assert_eq!(table, expected);
}

/// A deactivated user's next request is refused, though their account was cached a moment
/// before; so is a logged-out session's; and a role change acts on the next request.
#[tokio::test]
async fn the_cached_account_notices_deactivation_logout_and_role_changes_at_once() {
    let app = spawn_app().await;
    let admin = app.user(Role::Admin).await;
    let user = app.user(Role::Agent).await;
    let me = |token: String| {
        let app = &app;
        async move { app.get_as(&token, "/api/v1/me").await }
    };
    assert_eq!(me(user.access_token.clone()).await.status(), StatusCode::OK);
    deactivate(&app, &admin.access_token, user.user.id).await;
    assert_problem(
        me(user.access_token.clone()).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;

    // Staff may list the users; demoted to customer, the same token may not.
    let other = app.user(Role::Agent).await;
    let users = |token: String| {
        let app = &app;
        async move { app.get_as(&token, "/api/v1/users").await.status() }
    };
    assert_eq!(users(other.access_token.clone()).await, StatusCode::OK);
    let res = app
        .patch_as(
            &admin.access_token,
            &format!("/api/v1/users/{}", other.user.id),
            &json!({"role": "customer"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        users(other.access_token.clone()).await,
        StatusCode::FORBIDDEN
    );
    let body: Value = me(other.access_token.clone()).await.json().await.unwrap();
    assert_eq!(body["role"], "customer", "{body}");

    // Logging out ends the access token of that session at once (the client's cookie is
    // the refresh token of the last login: `other`'s).
    let res = app.post("/api/v1/auth/logout", &json!({})).await;
    assert!(res.status().is_success(), "{}", res.status());
    assert_problem(
        me(other.access_token.clone()).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

async fn deactivate(app: &TestApp, admin: &str, id: i64) {
    let res = app
        .patch_as(
            admin,
            &format!("/api/v1/users/{id}"),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{:?}", res.text().await);
}

/// Two instances on one PostgreSQL database: an account cached on B is refused on B at
/// once when an admin deactivates it on A.
#[tokio::test]
async fn a_deactivation_on_one_instance_is_refused_on_the_other_at_once() {
    if std::env::var("TEST_DATABASE_URL").is_err() {
        eprintln!("skipped: several instances need PostgreSQL (TEST_DATABASE_URL)");
        return;
    }
    let a = spawn_app().await;
    let b = a.sibling().await;
    let admin = a.user(Role::Admin).await;
    let user = a.user(Role::Customer).await;
    assert_eq!(
        b.get_as(&user.access_token, "/api/v1/me").await.status(),
        StatusCode::OK
    );
    deactivate(&a, &admin.access_token, user.user.id).await;
    // The signal crosses through PostgreSQL; it is heard within milliseconds, but the
    // request may not wait for it: it must be refused within a moment, well inside the
    // cache's lifetime.
    let started = std::time::Instant::now();
    loop {
        let status = b.get_as(&user.access_token, "/api/v1/me").await.status();
        if status == StatusCode::UNAUTHORIZED {
            break;
        }
        assert_eq!(status, StatusCode::OK);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(1),
            "B still served a deactivated account after 1 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

/// The titles article search finds for `q` on `app`.
async fn found(app: &TestApp, q: &str) -> Vec<String> {
    let res = app.get(&format!("/api/v1/forum/articles?q={q}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page: Value = res.json().await.expect("a page");
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|a| a["title"].as_str().expect("title").to_owned())
        .collect()
}

/// Article search is answered from a per-instance cache, yet every forum write shows in
/// the very next search: creating, editing, unpublishing, deleting, renaming the category.
#[tokio::test]
async fn a_cached_article_search_sees_every_forum_change_at_once() {
    let app = spawn_app_with(|s| s.server_timing = true).await;
    let agent = app.user(Role::Agent).await;
    let a = &agent.access_token;
    let cat = crate::forum::category(&app, a, "Cuentas").await;
    assert!(found(&app, "contraseña").await.is_empty());
    let article = crate::forum::write(
        &app,
        a,
        &json!({"title": "Cambiar la contraseña", "body": "Desde **Perfil**.", "category_id": cat.id, "status": "published"}),
    )
    .await;
    assert_eq!(found(&app, "contraseña").await, ["Cambiar la contraseña"]);
    // Asked again: from the cache (no statement), and the same answer.
    let res = app.get("/api/v1/forum/articles?q=contraseña").await;
    assert_eq!(statements(&res), 0);
    let path = format!("/api/v1/forum/articles/{}", article.summary.slug);
    let edit = |body: Value| {
        let (app, path) = (&app, &path);
        async move {
            let res = app.patch_as(a, path, &body).await;
            assert_eq!(res.status(), StatusCode::OK, "{:?}", res.text().await);
        }
    };
    edit(json!({"title": "Recuperar la contraseña"})).await;
    assert_eq!(found(&app, "contraseña").await, ["Recuperar la contraseña"]);
    edit(json!({"status": "draft"})).await;
    assert!(found(&app, "contraseña").await.is_empty());
    edit(json!({"status": "published"})).await;
    assert_eq!(found(&app, "contraseña").await, ["Recuperar la contraseña"]);
    let res = app
        .patch_as(
            a,
            &format!("/api/v1/forum/categories/{}", cat.id),
            &json!({"name": "Cuenta y acceso"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app.get("/api/v1/forum/articles?q=contraseña").await;
    let page: Value = res.json().await.unwrap();
    assert_eq!(page["items"][0]["category"]["name"], "Cuenta y acceso");
    let res = app.delete_as(a, &path).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert!(found(&app, "contraseña").await.is_empty());
}

/// Two instances on one PostgreSQL database: a search cached on B shows an article
/// published on A at once.
#[tokio::test]
async fn a_forum_change_on_one_instance_shows_in_searches_on_the_other_at_once() {
    if std::env::var("TEST_DATABASE_URL").is_err() {
        eprintln!("skipped: several instances need PostgreSQL (TEST_DATABASE_URL)");
        return;
    }
    let a = spawn_app().await;
    let b = a.sibling().await;
    let agent = a.user(Role::Agent).await;
    let cat = crate::forum::category(&a, &agent.access_token, "Envíos").await;
    assert!(found(&b, "paquete").await.is_empty());
    crate::forum::write(
        &a,
        &agent.access_token,
        &json!({"title": "Dónde está mi paquete", "body": "Con el número de envío.", "category_id": cat.id, "status": "published"}),
    )
    .await;
    // The signal crosses through PostgreSQL: within a moment, well inside the cache's
    // lifetime.
    let started = std::time::Instant::now();
    while found(&b, "paquete").await.is_empty() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(1),
            "B still answered from its cache after 1 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(found(&b, "paquete").await, ["Dónde está mi paquete"]);
}

/// Concurrent writes on SQLite share commits; one that fails does not take its neighbours
/// with it, and answers with its own error. Some of the failing ones fail after writing
/// (a ticket and its message stored, then an unknown attachment refuses the request): what
/// they wrote must be gone, what their neighbours wrote must stay.
#[tokio::test]
async fn concurrent_writes_commit_together_and_a_failing_one_fails_alone() {
    let app = spawn_app().await;
    let admin = app.user(Role::Admin).await;
    let customer = app.user(Role::Customer).await;
    let taken = app.user(Role::Customer).await;
    let (ad, c) = (&admin.access_token, &customer.access_token);
    let type_id = app.ticket_types(c).await[0].id;
    let post = |kind: &'static str, token: &str, path: &str, body: Value| {
        let request = app.api.post(app.url(path)).bearer_auth(token).json(&body);
        tokio::spawn(async move { (kind, request.send().await.unwrap().status()) })
    };
    let mut work = Vec::new();
    for i in 0..40 {
        // Every fifth ticket names an attachment that does not exist (422 after its rows
        // were written); every fourth user has a taken email (409).
        let ticket = if i % 5 == 0 {
            json!({"title": format!("Roto {i}"), "type_id": type_id, "description": "x", "attachment_ids": [424_242]})
        } else {
            json!({"title": format!("Pedido {i}"), "type_id": type_id, "description": "Llega tarde."})
        };
        work.push(post("ticket", c, "/api/v1/tickets", ticket));
        let email = if i % 4 == 0 {
            taken.user.email.clone()
        } else {
            format!("nuevo{i}@example.com")
        };
        work.push(post(
            "user",
            ad,
            "/api/v1/users",
            json!({"email": email, "name": "Nuevo", "role": "customer"}),
        ));
    }
    let (mut tickets, mut broken) = (0, 0);
    let (mut created, mut refused) = (0, 0);
    for handle in work {
        match handle.await.unwrap() {
            ("ticket", StatusCode::CREATED) => tickets += 1,
            ("ticket", StatusCode::UNPROCESSABLE_ENTITY) => broken += 1,
            ("user", StatusCode::CREATED) => created += 1,
            ("user", StatusCode::CONFLICT) => refused += 1,
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert_eq!((tickets, broken, created, refused), (32, 8, 30, 10));
    // What was acknowledged is there, and the refused ones left nothing behind.
    let list: Value = app
        .get_as(c, "/api/v1/tickets?limit=100")
        .await
        .json()
        .await
        .unwrap();
    let titles: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["title"].as_str())
        .collect();
    assert_eq!(titles.len(), 32, "{titles:?}");
    assert!(titles.iter().all(|t| t.starts_with("Pedido")), "{titles:?}");
    let users: Value = app
        .get_as(ad, "/api/v1/users?limit=100")
        .await
        .json()
        .await
        .unwrap();
    let emails: Vec<&str> = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u["email"].as_str())
        .collect();
    assert_eq!(
        emails.iter().filter(|e| e.starts_with("nuevo")).count(),
        30,
        "{emails:?}"
    );
    assert_eq!(emails.iter().filter(|e| **e == taken.user.email).count(), 1);
}
