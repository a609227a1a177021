//! Tickets by API: opening, the lifecycle, replies and notes, notifications, the audit
//! trail, and one customer never reaching another's tickets.

use ayuda_db::ConnectionTrait;
use ayuda_types::{BulkOutcome, Page, Priority, Role, Ticket, TicketEvent, TicketStatus};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::app::{assert_problem, error_fields};
use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn a_customer_opens_a_ticket_gets_its_number_and_the_agents_are_told() {
    let app = spawn_app().await;
    let agent = app.user(Role::Agent).await;
    let customer = app
        .register_and_activate(
            &format!("ana-{}@example.com", uuid::Uuid::new_v4().simple()),
            "Ana",
        )
        .await;
    let t = &customer.access_token;
    let billing = app.type_id(t, "Billing").await;
    let res = app
        .post_as(
            t,
            "/api/v1/tickets",
            &json!({"title": "  Me cobraron dos veces ", "type_id": billing,
                    "description": "Dos cargos de **19 €** el 3 de noviembre."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let ticket: Ticket = res.json().await.unwrap();
    assert!(ticket.number >= 1000);
    assert_eq!(location, format!("/api/v1/tickets/{}", ticket.number));
    assert_eq!(ticket.title, "Me cobraron dos veces");
    assert_eq!(ticket.status, TicketStatus::New);
    // The customer's language is Spanish (the default): the type is named in Spanish.
    assert_eq!(ticket.ticket_type.name, "Facturación");
    assert_eq!(ticket.requester.id, customer.user.id);
    assert!(ticket.assignee.is_none());

    let received = app
        .wait_for_email(&customer.user.email, |m| m.subject.contains("[#"))
        .await;
    assert!(
        received
            .subject
            .starts_with(&format!("[#{}] ", ticket.number)),
        "{}",
        received.subject
    );
    assert!(received.text.contains(&ticket.number.to_string()));
    assert!(
        received
            .text
            .contains(&format!("/tickets/{}", ticket.number))
    );
    let thread = format!("<ticket-{}@ayuda.test>", ticket.number);
    assert_eq!(
        received.header("in-reply-to").as_deref(),
        Some(thread.as_str())
    );

    let told = app
        .wait_for_email(&agent.user.email, |m| {
            m.subject.contains(&format!("[#{}]", ticket.number))
        })
        .await;
    assert!(
        told.text.contains("Dos cargos de **19 €**"),
        "{}",
        told.text
    );
    assert!(told.html.contains("<strong>19 €</strong>"), "{}", told.html);

    // The description is the first message of the conversation, rendered safely.
    let replies = app.replies(t, ticket.number).await;
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].body, "Dos cargos de **19 €** el 3 de noviembre.");
    assert!(replies[0].body_html.contains("<strong>19 €</strong>"));
    assert_eq!(replies[0].author.role, Role::Customer);
}

#[tokio::test]
async fn bad_tickets_are_refused_field_by_field_and_nothing_is_stored() {
    let app = spawn_app().await;
    let customer = app.user(Role::Customer).await;
    let t = &customer.access_token;
    let type_id = app.ticket_types(t).await[0].id;
    let cases = [
        (
            json!({"title": "", "type_id": type_id, "description": "x"}),
            "title",
        ),
        (
            json!({"title": "a\nb", "type_id": type_id, "description": "x"}),
            "title",
        ),
        (
            json!({"title": "x".repeat(201), "type_id": type_id, "description": "x"}),
            "title",
        ),
        (
            json!({"title": "ok", "type_id": type_id, "description": "   "}),
            "description",
        ),
        (
            json!({"title": "ok", "type_id": type_id, "description": "y".repeat(100_001)}),
            "description",
        ),
        (
            json!({"title": "ok", "type_id": type_id, "description": "nul \u{0} inside"}),
            "description",
        ),
        (
            json!({"title": "ok", "type_id": 999_999, "description": "x"}),
            "type_id",
        ),
        (
            json!({"title": "ok", "type_id": type_id, "description": "x", "attachment_ids": [424_242]}),
            "attachment_ids",
        ),
    ];
    for (body, field) in cases {
        let problem = assert_problem(
            app.post_as(t, "/api/v1/tickets", &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(error_fields(&problem), vec![field.to_owned()], "{body}");
    }
    assert_problem(
        app.post_as(t, "/api/v1/tickets", &json!({"title": "ok"}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let res = app
        .api
        .post(app.url("/api/v1/tickets"))
        .bearer_auth(t)
        .header("content-type", "application/json")
        .body("{\"title\": ")
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::BAD_REQUEST).await;
    assert_problem(
        app.post("/api/v1/tickets", &json!({"title": "x"})).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let page: Page<Ticket> = app.get_as(t, "/api/v1/tickets").await.json().await.unwrap();
    assert!(page.items.is_empty(), "nothing was stored");
}

#[tokio::test]
async fn customers_never_reach_another_customers_ticket() {
    let app = spawn_app().await;
    let a = app.user(Role::Customer).await;
    let b = app.user(Role::Customer).await;
    let agent = app.user(Role::Agent).await;
    let upload = app
        .upload(&a.access_token, "shot.png", PNG.to_vec())
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let type_id = app.ticket_types(&a.access_token).await[0].id;
    let ticket = app
        .open_ticket_with(
            &a.access_token,
            &json!({"title": "Secreto de Ana zanahoria", "type_id": type_id,
                    "description": "texto privado zanahoria", "attachment_ids": [upload["id"]]}),
        )
        .await;
    let n = ticket.number;
    app.reply(&agent.access_token, n, "respuesta zanahoria", false)
        .await;
    let mine = app.open_ticket(&b.access_token, "Lo mío", "nada").await;

    let bt = &b.access_token;
    for path in [
        format!("/api/v1/tickets/{n}"),
        format!("/api/v1/tickets/{n}/replies"),
        format!("/api/v1/tickets/{n}/events"),
        format!("/api/v1/attachments/{}", upload["id"]),
    ] {
        assert_problem(app.get_as(bt, &path).await, StatusCode::NOT_FOUND).await;
    }
    for (path, body) in [
        (
            format!("/api/v1/tickets/{n}/replies"),
            json!({"body": "hola"}),
        ),
        (format!("/api/v1/tickets/{n}/resolve"), json!({})),
        (format!("/api/v1/tickets/{n}/reopen"), json!({})),
    ] {
        assert_problem(app.post_as(bt, &path, &body).await, StatusCode::NOT_FOUND).await;
    }
    assert_problem(
        app.patch_as(
            bt,
            &format!("/api/v1/tickets/{n}"),
            &json!({"priority": "high"}),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // Neither lists nor searches nor filters by requester reveal it.
    for query in [
        "".to_owned(),
        "?q=zanahoria".to_owned(),
        format!("?requester_id={}", a.user.id),
        "?status=pending".to_owned(),
    ] {
        let page: Page<Ticket> = app
            .get_as(bt, &format!("/api/v1/tickets{query}"))
            .await
            .json()
            .await
            .unwrap();
        assert!(
            page.items.iter().all(|t| t.number == mine.number),
            "{query}: {:?}",
            page.items
        );
    }
    // B cannot send A's upload as their own.
    let problem = assert_problem(
        app.post_as(
            bt,
            &format!("/api/v1/tickets/{}/replies", mine.number),
            &json!({"body": "mira", "attachment_ids": [upload["id"]]}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["attachment_ids"]);
    // Nothing B did changed A's ticket.
    let after = app.ticket(&a.access_token, n).await;
    assert_eq!(after.status, TicketStatus::Pending);
    assert_eq!(app.replies(&a.access_token, n).await.len(), 2);
    // The owner may not use agent powers on their own ticket either.
    assert_problem(
        app.patch_as(
            &a.access_token,
            &format!("/api/v1/tickets/{n}"),
            &json!({"priority": "urgent"}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_problem(
        app.get_as(&a.access_token, &format!("/api/v1/tickets/{n}/events"))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn the_lifecycle_follows_replies_resolve_reopen_and_auto_close() {
    let app = spawn_app().await;
    let customer = app.user(Role::Customer).await;
    let agent = app.user(Role::Agent).await;
    let (c, a) = (&customer.access_token, &agent.access_token);
    let n = app
        .open_ticket(c, "No puedo entrar", "Error 500")
        .await
        .number;
    let status = |t: Ticket| t.status;

    app.reply(c, n, "Más datos", false).await;
    assert_eq!(status(app.ticket(c, n).await), TicketStatus::New);
    app.reply(a, n, "¿Has probado a borrar la caché?", false)
        .await;
    assert_eq!(status(app.ticket(c, n).await), TicketStatus::Pending);
    app.reply(c, n, "Sí, sigue igual", false).await;
    assert_eq!(status(app.ticket(c, n).await), TicketStatus::Open);

    // Illegal moves are conflicts.
    for (body, expect) in [
        (json!({"status": "new"}), StatusCode::CONFLICT),
        (json!({"status": "bogus"}), StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        assert_problem(
            app.patch_as(a, &format!("/api/v1/tickets/{n}"), &body)
                .await,
            expect,
        )
        .await;
    }
    assert_problem(
        app.post_as(c, &format!("/api/v1/tickets/{n}/reopen"), &json!({}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;

    let res = app
        .post_as(a, &format!("/api/v1/tickets/{n}/resolve"), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let resolved: Ticket = res.json().await.unwrap();
    assert_eq!(resolved.status, TicketStatus::Resolved);
    assert!(resolved.resolved_at.is_some());
    app.wait_for_email(&customer.user.email, |m| {
        m.subject.starts_with(&format!("[#{n}] Resuelto"))
    })
    .await;
    assert_problem(
        app.post_as(c, &format!("/api/v1/tickets/{n}/resolve"), &json!({}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;

    // A customer's reply reopens a resolved ticket; so does Reopen.
    app.reply(c, n, "Ha vuelto a pasar", false).await;
    assert_eq!(status(app.ticket(c, n).await), TicketStatus::Open);
    app.post_as(c, &format!("/api/v1/tickets/{n}/resolve"), &json!({}))
        .await;
    let res = app
        .post_as(c, &format!("/api/v1/tickets/{n}/reopen"), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(status(res.json().await.unwrap()), TicketStatus::Open);
    app.post_as(c, &format!("/api/v1/tickets/{n}/resolve"), &json!({}))
        .await;

    // Not yet due: nothing closes. Eight days later: closed, by nobody.
    let now = chrono::Utc::now();
    assert_eq!(
        ayuda_server::workers::auto_close::close_due(&app.state, now)
            .await
            .unwrap(),
        0
    );
    let later = now + chrono::Duration::days(8);
    assert_eq!(
        ayuda_server::workers::auto_close::close_due(&app.state, later)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        ayuda_server::workers::auto_close::close_due(&app.state, later)
            .await
            .unwrap(),
        0,
        "a second run (or instance) closes nothing twice"
    );
    let closed = app.ticket(c, n).await;
    assert_eq!(closed.status, TicketStatus::Closed);
    assert!(closed.closed_at.is_some());
    let events: Page<TicketEvent> = app
        .get_as(a, &format!("/api/v1/tickets/{n}/events?limit=100"))
        .await
        .json()
        .await
        .unwrap();
    let last = events.items.last().unwrap();
    assert_eq!(
        (last.actor.as_ref(), last.kind.as_str(), last.to.as_deref()),
        (None, "changed", Some("closed"))
    );

    // Closed is final for agents; a customer's reply opens a linked follow-up ticket.
    for res in [
        app.post_as(
            a,
            &format!("/api/v1/tickets/{n}/replies"),
            &json!({"body": "x"}),
        )
        .await,
        app.patch_as(
            a,
            &format!("/api/v1/tickets/{n}"),
            &json!({"status": "open"}),
        )
        .await,
        app.post_as(c, &format!("/api/v1/tickets/{n}/reopen"), &json!({}))
            .await,
    ] {
        assert_problem(res, StatusCode::CONFLICT).await;
    }
    let follow_up = app.reply(c, n, "Otra vez lo mismo", false).await;
    assert_ne!(follow_up.ticket_number, n);
    let new_ticket = app.ticket(c, follow_up.ticket_number).await;
    assert_eq!(new_ticket.parent_number, Some(n));
    assert_eq!(new_ticket.status, TicketStatus::New);
    assert_eq!(
        app.replies(c, follow_up.ticket_number).await[0].body,
        "Otra vez lo mismo"
    );
    assert_eq!(app.ticket(c, n).await.status, TicketStatus::Closed);
}

#[tokio::test]
async fn internal_notes_never_reach_the_customer() {
    let app = spawn_app().await;
    let customer = app.user(Role::Customer).await;
    let agent = app.user(Role::Agent).await;
    let (c, a) = (&customer.access_token, &agent.access_token);
    let n = app.open_ticket(c, "Factura", "¿Dónde está?").await.number;
    app.wait_for_email(&customer.user.email, |m| m.subject.contains("[#"))
        .await;

    let note = app
        .reply(a, n, "Cliente moroso, ojo: berenjena", true)
        .await;
    assert!(note.internal);
    // A note on a new ticket means someone is on it.
    assert_eq!(app.ticket(c, n).await.status, TicketStatus::Open);
    assert!(app.replies(c, n).await.iter().all(|r| !r.internal));
    assert_eq!(app.replies(a, n).await.len(), 2);
    let search = |token: String| {
        let app = &app;
        async move {
            app.get_as(&token, "/api/v1/tickets?q=berenjena")
                .await
                .json::<Page<Ticket>>()
                .await
                .unwrap()
                .items
                .len()
        }
    };
    assert_eq!(search(c.clone()).await, 0, "customers do not search notes");
    assert_eq!(search(a.clone()).await, 1, "agents do");
    assert_problem(
        app.post_as(
            c,
            &format!("/api/v1/tickets/{n}/replies"),
            &json!({"body": "yo también", "internal": true}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let mails = app.settled_emails(&customer.user.email).await;
    assert_eq!(mails.len(), 1, "only the ticket-received email");
    assert!(mails.iter().all(|m| !m.text.contains("berenjena")));

    // A public reply does reach them, threaded, with the number.
    app.reply(a, n, "La tienes en tu **perfil**.", false).await;
    let mail = app
        .wait_for_email(&customer.user.email, |m| m.subject.contains("Re:"))
        .await;
    assert_eq!(mail.subject, format!("[#{n}] Re: Factura"));
    assert!(mail.html.contains("<strong>perfil</strong>"));
    assert_eq!(
        mail.header("references").as_deref(),
        Some(format!("<ticket-{n}@ayuda.test>").as_str())
    );
}

#[tokio::test]
async fn customer_replies_go_to_the_assignee_and_changes_are_audited() {
    let app = spawn_app().await;
    let customer = app.user(Role::Customer).await;
    let agent = app.user(Role::Agent).await;
    let other_agent = app.user(Role::Agent).await;
    let admin = app.user(Role::Admin).await;
    let (c, a) = (&customer.access_token, &agent.access_token);
    let technical = app.type_id(c, "Technical").await;
    let billing = app.type_id(c, "Billing").await;
    let n = app
        .open_ticket_with(
            c,
            &json!({"title": "Pantalla en blanco", "type_id": billing, "description": "Nada"}),
        )
        .await
        .number;

    let res = app
        .patch_as(
            a,
            &format!("/api/v1/tickets/{n}"),
            &json!({"assignee_id": agent.user.id, "priority": "high", "type_id": technical}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let ticket: Ticket = res.json().await.unwrap();
    assert_eq!(ticket.assignee.as_ref().map(|u| u.id), Some(agent.user.id));
    assert_eq!(ticket.status, TicketStatus::Open, "picking it up opens it");
    assert_eq!(ticket.ticket_type.id, technical);

    // Only active staff can be assigned.
    let problem = assert_problem(
        app.patch_as(
            a,
            &format!("/api/v1/tickets/{n}"),
            &json!({"assignee_id": customer.user.id}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["assignee_id"]);

    // A field left out keeps its value: changing the priority keeps the assignee. `null`
    // unassigns, and only the assignee may be `null` (for another field it is refused,
    // never read as "no change").
    let res = app
        .patch_as(
            a,
            &format!("/api/v1/tickets/{n}"),
            &json!({"priority": "urgent"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let ticket: Ticket = res.json().await.unwrap();
    assert_eq!(ticket.assignee.as_ref().map(|u| u.id), Some(agent.user.id));
    for field in ["status", "priority", "type_id"] {
        assert_problem(
            app.patch_as(a, &format!("/api/v1/tickets/{n}"), &json!({field: null}))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    assert_eq!(
        app.ticket(a, n).await.assignee.map(|u| u.id),
        Some(agent.user.id)
    );

    app.reply(c, n, "Sigue en blanco", false).await;
    app.wait_for_email(&agent.user.email, |m| {
        m.subject == format!("[#{n}] Re: Pantalla en blanco")
    })
    .await;
    let others = app.settled_emails(&other_agent.user.email).await;
    assert!(
        others.iter().all(|m| !m.subject.contains("Re:")),
        "only the assignee hears of the customer's reply"
    );

    let res = app
        .patch_as(
            &admin.access_token,
            &format!("/api/v1/tickets/{n}"),
            &json!({"assignee_id": null}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    let events: Page<TicketEvent> = app
        .get_as(a, &format!("/api/v1/tickets/{n}/events?limit=100"))
        .await
        .json()
        .await
        .unwrap();
    type Entry = (String, Option<String>, Option<String>, Option<String>);
    let trail: Vec<Entry> = events
        .items
        .iter()
        .map(|e| {
            (
                e.kind.clone(),
                e.field.clone(),
                e.from.clone(),
                e.to.clone(),
            )
        })
        .collect();
    let s = |v: &str| Some(v.to_owned());
    assert_eq!(
        trail,
        vec![
            ("created".into(), None, None, None),
            ("changed".into(), s("status"), s("new"), s("open")),
            ("changed".into(), s("priority"), s("normal"), s("high")),
            ("changed".into(), s("type"), s("Billing"), s("Technical")),
            ("changed".into(), s("assignee"), None, s("Test User")),
            ("changed".into(), s("priority"), s("high"), s("urgent")),
            ("replied".into(), None, None, None),
            ("changed".into(), s("assignee"), s("Test User"), None),
        ]
    );
    assert_eq!(
        events.items[0].actor.as_ref().map(|u| u.id),
        Some(customer.user.id)
    );
    assert_eq!(
        events.items[1].actor.as_ref().map(|u| u.id),
        Some(agent.user.id)
    );
}

#[tokio::test]
async fn new_tickets_reach_the_agents_subscribed_to_their_type() {
    let app = spawn_app().await;
    let billing_agent = app.user(Role::Agent).await;
    let other_agent = app.user(Role::Agent).await;
    let customer = app.user(Role::Customer).await;
    let c = &customer.access_token;
    let billing = app.type_id(c, "Billing").await;
    let technical = app.type_id(c, "Technical").await;
    let path = format!("/api/v1/users/{}/subscriptions", billing_agent.user.id);
    let res = app
        .api
        .put(app.url(&path))
        .bearer_auth(&billing_agent.access_token)
        .json(&json!({"type_ids": [billing]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let subs: serde_json::Value = app
        .get_as(&billing_agent.access_token, &path)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(subs["type_ids"], json!([billing]));
    // Customers have no say, and agents only over themselves.
    for token in [c, &other_agent.access_token] {
        assert_problem(app.get_as(token, &path).await, StatusCode::FORBIDDEN).await;
    }

    let bill = app
        .open_ticket_with(
            c,
            &json!({"title": "Cobro", "type_id": billing, "description": "x"}),
        )
        .await
        .number;
    let tech = app
        .open_ticket_with(
            c,
            &json!({"title": "Error", "type_id": technical, "description": "x"}),
        )
        .await
        .number;
    let subjects = |mails: Vec<crate::helpers::mail::Email>| {
        let mut s: Vec<String> = mails.into_iter().map(|m| m.subject).collect();
        s.sort();
        s
    };
    let mut expected_billing = vec![
        format!("[#{bill}] Nuevo ticket: Cobro"),
        format!("[#{tech}] Nuevo ticket: Error"),
    ];
    expected_billing.sort();
    assert_eq!(
        subjects(app.settled_emails(&billing_agent.user.email).await),
        expected_billing
    );
    assert_eq!(
        subjects(app.settled_emails(&other_agent.user.email).await),
        vec![format!("[#{tech}] Nuevo ticket: Error")],
        "nobody subscribed to Technical: every agent hears of it"
    );
}

#[tokio::test]
async fn ticket_numbers_stay_unique_under_concurrent_creation() {
    let app = spawn_app_with(|s| s.db_max_connections = 8).await;
    let customer = app.user(Role::Customer).await;
    let c = customer.access_token.clone();
    let type_id = app.ticket_types(&c).await[0].id;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let api = app.api.clone();
        let url = app.url("/api/v1/tickets");
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            let res = api
                .post(url)
                .bearer_auth(c)
                .json(&json!({"title": format!("t{i}"), "type_id": type_id, "description": "x"}))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::CREATED);
            res.json::<Ticket>().await.unwrap().number
        }));
    }
    let mut numbers = Vec::new();
    for t in tasks {
        numbers.push(t.await.unwrap());
    }
    numbers.sort_unstable();
    numbers.dedup();
    assert_eq!(numbers.len(), 24, "no duplicate numbers");
    assert!(numbers.iter().all(|n| *n >= 1000));
}

#[tokio::test]
async fn ticket_types_are_managed_by_admins_and_deactivated_not_deleted() {
    let app = spawn_app().await;
    let admin = app.user(Role::Admin).await;
    let customer = app.user(Role::Customer).await;
    let (ad, c) = (&admin.access_token, &customer.access_token);
    let types = app.ticket_types(c).await;
    let names: Vec<&str> = types.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, vec!["Facturación", "Técnico", "Consulta general"]);
    // The stored base name travels along, for editing.
    let base: Vec<&str> = types.iter().map(|t| t.base_name.as_str()).collect();
    assert_eq!(base, vec!["Billing", "Technical", "General query"]);
    app.patch_as(c, "/api/v1/me", &json!({"locale": "en"}))
        .await;
    let names: Vec<String> = app
        .ticket_types(c)
        .await
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, vec!["Billing", "Technical", "General query"]);

    let body = json!({"name": "Returns", "description": "Sending things back",
                      "translations": {"es": {"name": "Devoluciones", "description": "Devolver cosas"}}});
    assert_problem(
        app.post_as(c, "/api/v1/ticket-types", &body).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let res = app.post_as(ad, "/api/v1/ticket-types", &body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: ayuda_types::TicketType = res.json().await.unwrap();
    assert_eq!(created.name, "Devoluciones", "the admin reads Spanish");
    assert_problem(
        app.post_as(ad, "/api/v1/ticket-types", &body).await,
        StatusCode::CONFLICT,
    )
    .await;
    let problem = assert_problem(
        app.post_as(ad, "/api/v1/ticket-types", &json!({"name": "  "}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["name"]);

    let ticket = app
        .open_ticket_with(
            c,
            &json!({"title": "Devolver", "type_id": created.id, "description": "x"}),
        )
        .await;
    let res = app
        .patch_as(
            ad,
            &format!("/api/v1/ticket-types/{}", created.id),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(app.ticket_types(c).await.iter().all(|t| t.id != created.id));
    let all: Vec<ayuda_types::TicketType> = app
        .get_as(ad, "/api/v1/ticket-types?include_inactive=true")
        .await
        .json()
        .await
        .unwrap();
    assert!(all.iter().any(|t| t.id == created.id && !t.active));
    let problem = assert_problem(
        app.post_as(
            c,
            "/api/v1/tickets",
            &json!({"title": "x", "type_id": created.id, "description": "x"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["type_id"]);
    // The old ticket keeps its type.
    assert_eq!(
        app.ticket(c, ticket.number).await.ticket_type.id,
        created.id
    );
    assert_problem(
        app.patch_as(ad, "/api/v1/ticket-types/999999", &json!({"active": false}))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn markup_in_user_text_comes_back_inert() {
    let app = spawn_app().await;
    let customer = app.user(Role::Customer).await;
    let agent = app.user(Role::Agent).await;
    let c = &customer.access_token;
    let title = "<img src=x onerror=alert(1)> ayuda";
    let ticket = app
        .open_ticket(
            c,
            title,
            "<script>alert('x')</script>\n\n**hola** [x](javascript:alert(1)) <a href=\"javascript:alert(2)\" onclick=\"x()\">y</a>",
        )
        .await;
    // Titles are plain text: stored and returned as written, for the SPA to escape.
    assert_eq!(ticket.title, title);
    let first = &app.replies(c, ticket.number).await[0];
    assert!(!first.body_html.contains("<script"), "{}", first.body_html);
    assert!(
        !first.body_html.contains("href=\"javascript"),
        "{}",
        first.body_html
    );
    assert!(!first.body_html.contains("onclick"), "{}", first.body_html);
    assert!(first.body_html.contains("<strong>hola</strong>"));
    // In the agent's email the title is escaped in the HTML part.
    let mail = app
        .wait_for_email(&agent.user.email, |m| {
            m.subject.contains(&format!("[#{}]", ticket.number))
        })
        .await;
    assert!(!mail.html.contains("<img src=x onerror"), "{}", mail.html);
    assert!(!mail.html.contains("<script>alert"), "{}", mail.html);
}

/// A 1×1 PNG.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

#[tokio::test]
async fn agents_change_many_tickets_at_once_and_each_refusal_is_reported() {
    let app = spawn_app().await;
    let customer = app.user(Role::Customer).await;
    let agent = app.user(Role::Agent).await;
    let (c, a) = (&customer.access_token, &agent.access_token);
    let one = app.open_ticket(c, "Uno", "x").await;
    let two = app.open_ticket(c, "Dos", "y").await;
    let res = app
        .post_as(
            a,
            "/api/v1/tickets/bulk",
            &json!({
                "numbers": [one.number, two.number, 999_999, one.number],
                "changes": {"assignee_id": agent.user.id, "priority": "high"}
            }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let outcome: BulkOutcome = res.json().await.unwrap();
    let changed: Vec<i64> = outcome.updated.iter().map(|t| t.number).collect();
    assert_eq!(changed, vec![one.number, two.number], "each ticket once");
    for ticket in &outcome.updated {
        assert_eq!(ticket.assignee.as_ref().map(|u| u.id), Some(agent.user.id));
        assert_eq!(ticket.priority, Priority::High);
        assert_eq!(ticket.status, TicketStatus::Open, "picking up opens it");
    }
    assert_eq!(outcome.failed.len(), 1);
    assert_eq!(outcome.failed[0].number, 999_999);
    assert_eq!(outcome.failed[0].problem.status, 404);
    // Each change is in that ticket's audit trail, as if made one by one.
    let events: Page<TicketEvent> = app
        .get_as(a, &format!("/api/v1/tickets/{}/events", two.number))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        events
            .items
            .iter()
            .any(|e| e.field.as_deref() == Some("priority"))
    );

    // A change the lifecycle refuses (a closed ticket) is refused per ticket, with the reason.
    // (Closed as the auto-close job would after the configured days.)
    app.db
        .execute_unprepared(&format!(
            "UPDATE tickets SET status = 'closed' WHERE id = {}",
            one.number
        ))
        .await
        .unwrap();
    let res = app
        .post_as(
            a,
            "/api/v1/tickets/bulk",
            &json!({"numbers": [one.number, two.number], "changes": {"status": "pending"}}),
        )
        .await;
    let outcome: BulkOutcome = res.json().await.unwrap();
    assert_eq!(outcome.updated.len(), 1);
    assert_eq!(outcome.updated[0].status, TicketStatus::Pending);
    assert_eq!(
        outcome
            .failed
            .iter()
            .map(|f| (f.number, f.problem.status))
            .collect::<Vec<_>>(),
        vec![(one.number, 409)]
    );

    // Customers may not; an empty or oversized list is a 422.
    assert_problem(
        app.post_as(
            c,
            "/api/v1/tickets/bulk",
            &json!({"numbers": [one.number], "changes": {"priority": "low"}}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    for numbers in [json!([]), json!((1..=101).collect::<Vec<i64>>())] {
        let problem = assert_problem(
            app.post_as(
                a,
                "/api/v1/tickets/bulk",
                &json!({"numbers": numbers, "changes": {"priority": "low"}}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(error_fields(&problem), vec!["numbers"]);
    }
}
