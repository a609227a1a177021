//! What the SPA needs beyond the resources: workspace views, the staff directory, public
//! settings and Markdown previews.

use ayuda_types::{Page, Role, Ticket, TicketCounts, UserRef};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::app::assert_problem;
use crate::helpers::spawn_app;

async fn numbers(app: &crate::helpers::TestApp, token: &str, query: &str) -> Vec<i64> {
    let res = app.get_as(token, &format!("/api/v1/tickets?{query}")).await;
    assert_eq!(res.status(), StatusCode::OK, "{query}");
    let page: Page<Ticket> = res.json().await.unwrap();
    page.items.into_iter().map(|t| t.number).collect()
}

#[tokio::test]
async fn workspace_views_list_exactly_the_tickets_their_counts_count() {
    let app = spawn_app().await;
    let customer = app.user(Role::Customer).await;
    let agent = app.user(Role::Agent).await;
    let other = app.user(Role::Agent).await;
    let (c, a) = (&customer.access_token, &agent.access_token);
    let fresh = app.open_ticket(c, "nadie lo mira", "x").await.number;
    let mine = app.open_ticket(c, "para mí", "x").await.number;
    let theirs = app.open_ticket(c, "para otro", "x").await.number;
    let waiting = app.open_ticket(c, "esperando al cliente", "x").await.number;
    let solved = app.open_ticket(c, "resuelto", "x").await.number;
    let assign = |n: i64, id: i64| {
        let app = &app;
        async move {
            let res = app
                .patch_as(
                    a,
                    &format!("/api/v1/tickets/{n}"),
                    &json!({"assignee_id": id}),
                )
                .await;
            assert_eq!(res.status(), StatusCode::OK);
        }
    };
    assign(mine, agent.user.id).await;
    assign(theirs, other.user.id).await;
    assign(waiting, agent.user.id).await;
    app.reply(a, waiting, "¿Puedes probar?", false).await; // -> pending
    let res = app
        .post_as(c, &format!("/api/v1/tickets/{solved}/resolve"), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    assert_eq!(numbers(&app, a, "view=unassigned").await, vec![fresh]);
    assert_eq!(numbers(&app, a, "view=mine").await, vec![waiting, mine]);
    assert_eq!(
        numbers(&app, a, "view=open").await,
        vec![theirs, mine, fresh]
    );
    assert_eq!(numbers(&app, a, "view=pending").await, vec![waiting]);
    assert_eq!(numbers(&app, a, "view=resolved").await, vec![solved]);
    // A view narrows the other filters, and a contradiction is an empty page, not an error.
    assert_eq!(
        numbers(&app, a, "view=mine&status=pending").await,
        vec![waiting]
    );
    assert_eq!(
        numbers(&app, a, "view=pending&status=new").await,
        Vec::<i64>::new()
    );
    assert_eq!(numbers(&app, a, "view=open&q=otro").await, vec![theirs]);
    let by_other = format!("assignee_id={}", other.user.id);
    assert_eq!(
        numbers(&app, a, &format!("view=open&{by_other}")).await,
        vec![theirs]
    );
    assert_eq!(
        numbers(&app, a, &format!("view=mine&{by_other}")).await,
        Vec::<i64>::new()
    );
    // Pages of a multi-status view follow each other without gaps.
    let res = app.get_as(a, "/api/v1/tickets?view=open&limit=2").await;
    let first: Page<Ticket> = res.json().await.unwrap();
    assert_eq!(first.items.len(), 2);
    let cursor = first.next_cursor.expect("a second page");
    assert_eq!(
        numbers(&app, a, &format!("view=open&limit=2&cursor={cursor}")).await,
        vec![fresh]
    );

    let counts: TicketCounts = app
        .get_as(a, "/api/v1/tickets/counts")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        counts,
        TicketCounts {
            unassigned: 1,
            mine: 2,
            open: 3,
            pending: 1,
            resolved: 1
        }
    );

    // Views are the agents' workspace: customers get 403; an unknown view is a bad query.
    assert_problem(
        app.get_as(c, "/api/v1/tickets?view=unassigned").await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_problem(
        app.get_as(a, "/api/v1/tickets?view=everything").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
}

#[tokio::test]
async fn agents_list_active_staff_by_name_and_customers_may_not() {
    let app = spawn_app().await;
    let agent = app.user(Role::Agent).await;
    let admin = app.user(Role::Admin).await;
    let customer = app.user(Role::Customer).await;
    let gone = app.user(Role::Agent).await;
    let res = app
        .patch_as(
            &admin.access_token,
            &format!("/api/v1/users/{}", gone.user.id),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    let res = app.get_as(&agent.access_token, "/api/v1/agents").await;
    assert_eq!(res.status(), StatusCode::OK);
    let staff: Vec<UserRef> = res.json().await.unwrap();
    let ids: Vec<i64> = staff.iter().map(|u| u.id).collect();
    assert!(
        ids.contains(&agent.user.id) && ids.contains(&admin.user.id),
        "{staff:?}"
    );
    assert!(
        !ids.contains(&gone.user.id),
        "deactivated staff are not offered"
    );
    assert!(!ids.contains(&customer.user.id), "customers are not staff");
    let names: Vec<&str> = staff.iter().map(|u| u.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);

    assert_problem(
        app.get_as(&customer.access_token, "/api/v1/agents").await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_problem(app.get("/api/v1/agents").await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn public_config_tells_the_password_rule_and_upload_limit() {
    let app = crate::helpers::app::spawn_app_with(|s| {
        s.password_min_length = 12;
        s.attachment_max_bytes = 2048;
    })
    .await;
    let res = app.get("/api/v1/config").await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body,
        json!({"password_min_length": 12, "attachment_max_bytes": 2048})
    );
}

#[tokio::test]
async fn markdown_previews_are_sanitized_like_stored_messages() {
    let app = spawn_app().await;
    let customer = app.user(Role::Customer).await;
    let c = &customer.access_token;
    let body =
        "**hola** <script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))";
    let res = app
        .post_as(c, "/api/v1/markdown/render", &json!({ "body": body }))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.json::<Value>().await.unwrap()["html"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(html.contains("<strong>hola</strong>"), "{html}");
    for bad in ["<script", "onerror", "javascript:"] {
        assert!(!html.contains(bad), "{bad} survived: {html}");
    }
    // The preview is what the stored reply shows.
    let ticket = app.open_ticket(c, "vista previa", body).await;
    let replies = app.replies(c, ticket.number).await;
    assert_eq!(replies[0].body_html, html);

    assert_problem(
        app.post("/api/v1/markdown/render", &json!({ "body": "x" }))
            .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let huge = "a".repeat(200_001);
    let problem = assert_problem(
        app.post_as(c, "/api/v1/markdown/render", &json!({ "body": huge }))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(crate::helpers::app::error_fields(&problem), vec!["body"]);
    // A missing field is named, as in every other body.
    let problem = assert_problem(
        app.post_as(c, "/api/v1/markdown/render", &json!({ "text": "x" }))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(crate::helpers::app::error_fields(&problem), vec!["body"]);
}
