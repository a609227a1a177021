//! User administration: who may, what an invitation does, what cannot be undone.

use std::collections::HashSet;

use ayuda_types::{LoginResponse, Page, Role, User};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::app::{PASSWORD, assert_problem};
use crate::helpers::spawn_app;

#[tokio::test]
async fn only_admins_reach_user_management() {
    let app = spawn_app().await;
    let customer = app.user(Role::Customer).await;
    let agent = app.user(Role::Agent).await;
    let admin = app.user(Role::Admin).await;
    let target = customer.user.id;
    let create = json!({"email": "new.agent@example.com", "name": "New", "role": "agent"});

    // Customers read no one; agents read customers only (see `agent_desk`).
    let t = &customer.access_token;
    assert_problem(app.get_as(t, "/api/v1/users").await, StatusCode::FORBIDDEN).await;
    assert_problem(
        app.get_as(t, &format!("/api/v1/users/{target}")).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let staff: Page<User> = app
        .get_as(&agent.access_token, "/api/v1/users?role=admin")
        .await
        .json()
        .await
        .expect("page");
    assert!(staff.items.iter().all(|u| u.role == Role::Customer));
    for who in [&customer, &agent] {
        let t = &who.access_token;
        assert_problem(
            app.post_as(t, "/api/v1/users", &create).await,
            StatusCode::FORBIDDEN,
        )
        .await;
        let res = app
            .patch_as(
                t,
                &format!("/api/v1/users/{target}"),
                &json!({"role": "admin"}),
            )
            .await;
        assert_problem(res, StatusCode::FORBIDDEN).await;
    }
    // Nobody became anything.
    let me: User = app
        .get_as(&customer.access_token, "/api/v1/me")
        .await
        .json()
        .await
        .expect("me");
    assert_eq!(me.role, Role::Customer);

    let res = app
        .api
        .get(app.url("/api/v1/users"))
        .send()
        .await
        .expect("request");
    assert_problem(res, StatusCode::UNAUTHORIZED).await;
    assert_eq!(
        app.get_as(&admin.access_token, "/api/v1/users")
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_invited_agent_activates_from_the_email_and_works_as_an_agent() {
    let app = spawn_app().await;
    let admin = app.user(Role::Admin).await;
    let email = format!("lucia-{}@example.com", uuid::Uuid::new_v4().simple());

    let res = app
        .post_as(
            &admin.access_token,
            "/api/v1/users",
            &json!({"email": email, "name": "Lucía", "role": "agent", "locale": "es"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let created: User = res.json().await.expect("user");
    assert_eq!(location, format!("/api/v1/users/{}", created.id));
    assert_eq!(created.role, Role::Agent);
    assert!(created.activated_at.is_none());

    let mail = app.wait_for_email(&email, |_| true).await;
    assert_eq!(mail.subject, "Te han invitado a Ayuda");
    assert!(mail.text.contains("agente"));
    let token = mail.link_token("/activate?token=");
    let res = app
        .post(
            "/api/v1/auth/activate",
            &json!({"token": token, "password": PASSWORD}),
        )
        .await;
    let session: LoginResponse = res.json().await.expect("session");
    assert_eq!(session.user.role, Role::Agent);

    let dup = app
        .post_as(
            &admin.access_token,
            "/api/v1/users",
            &json!({"email": email.to_uppercase(), "name": "Again", "role": "customer"}),
        )
        .await;
    assert_problem(dup, StatusCode::CONFLICT).await;
}

#[tokio::test]
async fn roles_change_at_once_and_deactivation_ends_sessions() {
    let app = spawn_app().await;
    let admin = app.user(Role::Admin).await;
    let customer = app.user(Role::Customer).await;
    let path = format!("/api/v1/users/{}", customer.user.id);

    let res = app
        .patch_as(&admin.access_token, &path, &json!({"role": "agent"}))
        .await;
    assert_eq!(res.json::<User>().await.expect("user").role, Role::Agent);
    // The role is read per request, not from the token.
    let me: User = app
        .get_as(&customer.access_token, "/api/v1/me")
        .await
        .json()
        .await
        .expect("me");
    assert_eq!(me.role, Role::Agent);

    let res = app
        .patch_as(&admin.access_token, &path, &json!({"active": false}))
        .await;
    assert!(!res.json::<User>().await.expect("user").active);
    assert_problem(
        app.get_as(&customer.access_token, "/api/v1/me").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let res = app
        .post(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": customer.refresh_token}),
        )
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED).await;
    let res = app
        .post(
            "/api/v1/auth/login",
            &json!({"login": customer.user.email, "password": PASSWORD}),
        )
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED).await;

    app.patch_as(&admin.access_token, &path, &json!({"active": true}))
        .await;
    app.login(&customer.user.email, PASSWORD).await;
}

#[tokio::test]
async fn the_last_admin_cannot_be_demoted_or_deactivated() {
    let app = spawn_app().await;
    let admin = app.user(Role::Admin).await;
    let path = format!("/api/v1/users/{}", admin.user.id);
    for change in [json!({"role": "agent"}), json!({"active": false})] {
        let res = app.patch_as(&admin.access_token, &path, &change).await;
        assert_problem(res, StatusCode::CONFLICT).await;
    }
    // With a second admin, that one may demote the first (nobody demotes themselves).
    let second = app.user(Role::Admin).await;
    let res = app
        .patch_as(&second.access_token, &path, &json!({"role": "agent"}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_user_list_pages_by_cursor_without_gaps_or_repeats() {
    let app = spawn_app().await;
    let admin = app.user(Role::Admin).await;
    for _ in 0..6 {
        app.user(Role::Customer).await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/users?role=customer&limit=4&cursor={c}"),
            None => "/api/v1/users?role=customer&limit=4".to_owned(),
        };
        let page: Page<User> = app
            .get_as(&admin.access_token, &path)
            .await
            .json()
            .await
            .expect("page");
        assert!(page.items.iter().all(|u| u.role == Role::Customer));
        seen.extend(page.items.iter().map(|u| u.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len(), 6);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 6, "no repeats");
    assert!(seen.windows(2).all(|w| w[0] > w[1]), "newest first");
}

#[tokio::test]
async fn invalid_new_users_are_refused_field_by_field() {
    let app = spawn_app().await;
    let admin = app.user(Role::Admin).await;
    let res = app
        .post_as(
            &admin.access_token,
            "/api/v1/users",
            &json!({"email": "nope", "name": " ", "role": "agent"}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(
        crate::helpers::app::error_fields(&problem),
        vec!["email", "name"]
    );
    let res = app
        .post_as(
            &admin.access_token,
            "/api/v1/users",
            &json!({"email": "x@example.com", "name": "X", "role": "root"}),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    // Nothing was created by the refused requests.
    let page: Page<User> = app
        .get_as(&admin.access_token, "/api/v1/users")
        .await
        .json()
        .await
        .expect("page");
    assert!(page.items.iter().all(|u| u.email != "x@example.com"));
}
