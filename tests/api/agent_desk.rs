//! The agent's desk: canned replies, collision warnings, tickets opened on a customer's
//! behalf, the requester panel, and user administration that never locks an admin out.

use ayuda_types::{CannedReply, Page, Role, Ticket, User, UserRef, Viewer};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::app::{assert_problem, error_fields};
use crate::helpers::spawn_app;

#[tokio::test]
async fn agents_keep_their_own_canned_replies_and_admins_the_shared_ones() {
    let app = spawn_app().await;
    let admin = app.user(Role::Admin).await;
    let agent = app.user(Role::Agent).await;
    let other = app.user(Role::Agent).await;
    let customer = app.user(Role::Customer).await;
    let (ad, a, o, c) = (
        &admin.access_token,
        &agent.access_token,
        &other.access_token,
        &customer.access_token,
    );
    let create = |token: &str, body: serde_json::Value| {
        let (app, token) = (&app, token.to_owned());
        async move { app.post_as(&token, "/api/v1/canned-replies", &body).await }
    };
    let res = create(
        ad,
        json!({"title": "Saludo", "locale": "es", "shared": true,
               "body": "Hola {{customer.first_name}}, soy {{agent.name}}. Sobre el #{{ticket.number}}:"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let shared: CannedReply = res.json().await.unwrap();
    assert!(shared.shared && shared.owner.is_none());
    let res = create(
        a,
        json!({"title": "Mine", "locale": "en", "body": "Thanks, {{customer.name}}!"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let mine: CannedReply = res.json().await.unwrap();
    assert_eq!(mine.owner.as_ref().map(|u| u.id), Some(agent.user.id));

    // Each agent sees the shared ones and their own, by title.
    let list = |token: &str| {
        let (app, token) = (&app, token.to_owned());
        async move {
            let replies: Vec<CannedReply> = app
                .get_as(&token, "/api/v1/canned-replies")
                .await
                .json()
                .await
                .unwrap();
            replies.into_iter().map(|r| r.title).collect::<Vec<_>>()
        }
    };
    assert_eq!(list(a).await, vec!["Mine", "Saludo"]);
    assert_eq!(list(o).await, vec!["Saludo"]);

    // A typo in a placeholder would reach a customer: refused, as are blank fields.
    let problem = assert_problem(
        create(
            a,
            json!({"title": "x", "locale": "es", "body": "Hola {{custmer.name}}"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["body"]);
    let problem = assert_problem(
        create(a, json!({"title": " ", "locale": "es", "body": "x"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["title"]);
    // Only admins share; customers have none at all.
    assert_problem(
        create(
            a,
            json!({"title": "x", "locale": "es", "body": "x", "shared": true}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_problem(
        app.get_as(c, "/api/v1/canned-replies").await,
        StatusCode::FORBIDDEN,
    )
    .await;

    // Another agent's reply does not exist for them; a shared one is the admins'.
    let mine_url = format!("/api/v1/canned-replies/{}", mine.id);
    let shared_url = format!("/api/v1/canned-replies/{}", shared.id);
    assert_problem(
        app.patch_as(o, &mine_url, &json!({"title": "robado"}))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_problem(app.delete_as(o, &mine_url).await, StatusCode::NOT_FOUND).await;
    assert_problem(
        app.patch_as(a, &shared_url, &json!({"title": "cambiado"}))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let res = app
        .patch_as(
            a,
            &mine_url,
            &json!({"body": "Gracias, {{customer.name}}.", "locale": "es"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let changed: CannedReply = res.json().await.unwrap();
    assert_eq!(changed.body, "Gracias, {{customer.name}}.");
    assert_eq!(changed.title, "Mine");
    let res = app
        .patch_as(ad, &shared_url, &json!({"title": "Saludo inicial"}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        app.delete_as(a, &mine_url).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(list(a).await, vec!["Saludo inicial"]);
}

#[tokio::test]
async fn agents_on_the_same_ticket_see_each_other_and_who_is_replying() {
    let app = spawn_app().await;
    let customer = app.user(Role::Customer).await;
    let tom = app.user(Role::Agent).await;
    let ana = app.user(Role::Agent).await;
    let ticket = app
        .open_ticket(&customer.access_token, "Dos agentes", "x")
        .await;
    let url = format!("/api/v1/tickets/{}/viewers/me", ticket.number);
    let here = |token: &str, replying: bool| {
        let (app, token, url) = (&app, token.to_owned(), url.clone());
        async move {
            let res = app
                .api
                .put(app.url(&url))
                .bearer_auth(&token)
                .json(&json!({"replying": replying}))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            res.json::<Vec<Viewer>>().await.unwrap()
        }
    };
    assert!(
        here(&tom.access_token, false).await.is_empty(),
        "alone at first"
    );
    let others = here(&ana.access_token, true).await;
    assert_eq!(others.len(), 1);
    assert_eq!(others[0].user.id, tom.user.id);
    assert!(!others[0].replying);
    let others = here(&tom.access_token, false).await;
    assert_eq!(
        others
            .iter()
            .map(|v| (v.user.id, v.replying))
            .collect::<Vec<_>>(),
        vec![(ana.user.id, true)]
    );
    // Ana leaves: Tom is alone again at once.
    let res = app.delete_as(&ana.access_token, &url).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert!(here(&tom.access_token, false).await.is_empty());
    // Customers have no part in it; a ticket that does not exist is a 404.
    let res = app
        .api
        .put(app.url(&url))
        .bearer_auth(&customer.access_token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::FORBIDDEN).await;
    let res = app
        .api
        .put(app.url("/api/v1/tickets/999999/viewers/me"))
        .bearer_auth(&tom.access_token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn an_agent_opens_a_ticket_for_a_caller_who_then_gets_the_email_and_an_account() {
    let app = spawn_app().await;
    let agent = app.user(Role::Agent).await;
    let known = app.user(Role::Customer).await;
    let a = &agent.access_token;
    let type_id = app.ticket_types(a).await[0].id;
    let caller = format!("llamada-{}@example.com", uuid::Uuid::new_v4().simple());
    let res = app
        .post_as(
            a,
            "/api/v1/tickets",
            &json!({"title": "Llamó por la factura", "type_id": type_id,
                    "description": "Dice que se le cobró dos veces.",
                    "requester": {"email": caller, "name": "Rosa Teléfono"}}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let ticket: Ticket = res.json().await.unwrap();
    assert_eq!(ticket.requester.email, caller);
    assert_eq!(ticket.requester.name, "Rosa Teléfono");
    // The customer waits for the answer; the opening message is not an agent's reply.
    assert!(ticket.waiting_since.is_some());
    assert!(!ticket.last_message.unwrap().from_staff);
    // They get the "received" email with the number, and the welcome with an activation link.
    let received = app
        .wait_for_email(&caller, |m| {
            m.subject.contains(&format!("[#{}]", ticket.number))
        })
        .await;
    assert!(received.text.contains(&ticket.number.to_string()));
    let welcome = app
        .wait_for_email(&caller, |m| m.text.contains("/activate?token="))
        .await;
    let token = welcome.link_token("/activate?token=");
    let res = app
        .post(
            "/api/v1/auth/activate",
            &json!({"token": token, "password": "una frase secreta"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let theirs: Page<Ticket> = app
        .get_as(
            &res.json::<ayuda_types::LoginResponse>()
                .await
                .unwrap()
                .access_token,
            "/api/v1/tickets",
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs.items.len(), 1);
    assert_eq!(theirs.items[0].number, ticket.number);

    // An existing customer by id; the audit trail names the agent who opened it.
    let res = app
        .post_as(
            a,
            "/api/v1/tickets",
            &json!({"title": "Otra", "type_id": type_id, "description": "x",
                    "requester_id": known.user.id}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let ticket: Ticket = res.json().await.unwrap();
    assert_eq!(ticket.requester.id, known.user.id);
    let events: Page<ayuda_types::TicketEvent> = app
        .get_as(a, &format!("/api/v1/tickets/{}/events", ticket.number))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(events.items[0].kind, "created");
    assert_eq!(
        events.items[0].actor.as_ref().map(|u| u.id),
        Some(agent.user.id)
    );

    // Refused: customers opening for others, staff as requesters, both ways at once.
    assert_problem(
        app.post_as(
            &known.access_token,
            "/api/v1/tickets",
            &json!({"title": "x", "type_id": type_id, "description": "x",
                    "requester_id": agent.user.id}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    for (body, field) in [
        (json!({"requester_id": agent.user.id}), "requester_id"),
        (json!({"requester_id": 999_999}), "requester_id"),
        (
            json!({"requester": {"email": agent.user.email}}),
            "requester.email",
        ),
        (
            json!({"requester": {"email": "no es correo"}}),
            "requester.email",
        ),
        (
            json!({"requester_id": known.user.id, "requester": {"email": caller}}),
            "requester",
        ),
    ] {
        let mut request = json!({"title": "x", "type_id": type_id, "description": "x"});
        request
            .as_object_mut()
            .unwrap()
            .extend(body.as_object().unwrap().clone());
        let problem = assert_problem(
            app.post_as(a, "/api/v1/tickets", &request).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(error_fields(&problem), vec![field], "{request}");
    }
}

#[tokio::test]
async fn agents_look_up_customers_but_never_staff_and_admins_search_everyone() {
    let app = spawn_app().await;
    let admin = app.user(Role::Admin).await;
    let agent = app.user(Role::Agent).await;
    let rosa_email = format!("rosa.buscada.{}@example.com", uuid::Uuid::new_v4().simple());
    let rosa = app.register_and_activate(&rosa_email, "Rosa Buscada").await;
    let customer = app.user(Role::Customer).await;
    let search = |token: &str, q: &str| {
        let (app, token, q) = (&app, token.to_owned(), q.to_owned());
        async move {
            let res = app.get_as(&token, &format!("/api/v1/users?q={q}")).await;
            assert_eq!(res.status(), StatusCode::OK);
            let page: Page<User> = res.json().await.unwrap();
            page.items.into_iter().map(|u| u.id).collect::<Vec<_>>()
        }
    };
    assert_eq!(
        search(&agent.access_token, "BUSCADA").await,
        vec![rosa.user.id]
    );
    assert_eq!(
        search(&agent.access_token, &rosa_email).await,
        vec![rosa.user.id]
    );
    // LIKE's wildcards match only themselves.
    assert!(search(&agent.access_token, "%25").await.is_empty());
    // Agents never find staff, even by name; admins do.
    assert!(
        !search(&agent.access_token, "Test User")
            .await
            .contains(&admin.user.id)
    );
    assert!(
        search(&admin.access_token, "Test User")
            .await
            .contains(&admin.user.id)
    );
    // The requester panel: agents read a customer, not a colleague.
    let res = app
        .get_as(
            &agent.access_token,
            &format!("/api/v1/users/{}", rosa.user.id),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<User>().await.unwrap().email, rosa_email);
    assert_problem(
        app.get_as(
            &agent.access_token,
            &format!("/api/v1/users/{}", admin.user.id),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // Customers read nobody.
    assert_problem(
        app.get_as(
            &customer.access_token,
            &format!("/api/v1/users/{}", rosa.user.id),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_problem(
        app.get_as(&customer.access_token, "/api/v1/users?q=rosa")
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn admins_cannot_lock_themselves_out_and_invited_agents_are_not_assignees_yet() {
    let app = spawn_app().await;
    let admin = app.user(Role::Admin).await;
    let _second_admin = app.user(Role::Admin).await;
    let ad = &admin.access_token;
    let own = format!("/api/v1/users/{}", admin.user.id);
    for change in [json!({"active": false}), json!({"role": "agent"})] {
        assert_problem(app.patch_as(ad, &own, &change).await, StatusCode::CONFLICT).await;
    }
    let me: User = app.get_as(ad, &own).await.json().await.unwrap();
    assert!(me.active && me.role == Role::Admin, "nothing changed");
    // Harmless changes to oneself still work.
    assert_eq!(
        app.patch_as(ad, &own, &json!({"role": "admin", "active": true}))
            .await
            .status(),
        StatusCode::OK
    );

    // An invited agent who has not chosen a password yet cannot be given tickets.
    let res = app
        .post_as(
            ad,
            "/api/v1/users",
            &json!({"email": format!("invitada.{}@example.com", uuid::Uuid::new_v4().simple()),
                    "name": "Invitada Pendiente", "role": "agent"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let invited: User = res.json().await.unwrap();
    assert!(invited.activated_at.is_none());
    let agents: Vec<UserRef> = app.get_as(ad, "/api/v1/agents").await.json().await.unwrap();
    assert!(!agents.iter().any(|u| u.id == invited.id));
    assert!(agents.iter().any(|u| u.id == admin.user.id));
}

#[tokio::test]
async fn an_agent_submits_a_reply_as_resolved_and_customers_cannot_choose_the_status() {
    let app = spawn_app().await;
    let customer = app.user(Role::Customer).await;
    let agent = app.user(Role::Agent).await;
    let ticket = app
        .open_ticket(&customer.access_token, "Resuélvelo", "x")
        .await;
    let url = format!("/api/v1/tickets/{}/replies", ticket.number);
    let res = app
        .post_as(
            &agent.access_token,
            &url,
            &json!({"body": "Hecho: ya tienes el reembolso.", "status": "resolved"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let now = app.ticket(&agent.access_token, ticket.number).await;
    assert_eq!(now.status, ayuda_types::TicketStatus::Resolved);
    assert!(now.resolved_at.is_some());
    assert_eq!(now.waiting_since, None);
    // Without a status a public reply leaves it pending, as always.
    let other = app.open_ticket(&customer.access_token, "Otro", "y").await;
    app.reply(
        &agent.access_token,
        other.number,
        "¿Me mandas una captura?",
        false,
    )
    .await;
    assert_eq!(
        app.ticket(&agent.access_token, other.number).await.status,
        ayuda_types::TicketStatus::Pending
    );
    // A customer cannot pick the status, and "new" is never a status to go back to.
    assert_problem(
        app.post_as(
            &customer.access_token,
            &format!("/api/v1/tickets/{}/replies", other.number),
            &json!({"body": "gracias", "status": "resolved"}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_problem(
        app.post_as(
            &agent.access_token,
            &format!("/api/v1/tickets/{}/replies", other.number),
            &json!({"body": "x", "status": "new"}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(
        app.replies(&agent.access_token, other.number).await.len(),
        2,
        "the refused reply was not stored"
    );
}
