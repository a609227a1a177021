//! Bad input: always a clear problem+json answer, never a 500.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::app::{assert_problem, error_fields};
use crate::helpers::spawn_app;

#[tokio::test]
async fn every_invalid_registration_field_is_reported_at_once() {
    let app = spawn_app().await;
    let res = app
        .post(
            "/api/v1/auth/register",
            &json!({"email": "not-an-email", "name": "", "username": "a", "phone": "600 123"}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["type"], "urn:ayuda:problem:validation");
    assert_eq!(
        error_fields(&problem),
        vec!["email", "name", "phone", "username"]
    );
    for error in problem["errors"].as_array().expect("errors") {
        assert!(!error["message"].as_str().unwrap_or_default().is_empty());
    }
    // Each says what is wrong for programs too, so a client words it in its own language.
    let codes: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["code"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(codes, vec!["invalid_email", "blank", "phone", "username"]);
}

#[tokio::test]
async fn a_too_long_field_names_its_limit_and_never_echoes_the_value() {
    let app = spawn_app().await;
    let res = app
        .post(
            "/api/v1/auth/register",
            &json!({"email": "long@example.com", "name": "ñ".repeat(10_000)}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let error = &problem["errors"][0];
    assert_eq!(error["field"], "name");
    assert_eq!(error["code"], "too_long");
    assert_eq!(error["params"], json!({"max": 200}));
    assert!(!problem.to_string().contains("ññññ"));
    // A limit out of range on a list query names the range.
    let customer = app.user(ayuda_types::Role::Customer).await;
    let res = app
        .get_as(&customer.access_token, "/api/v1/tickets?limit=5000")
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["code"], "out_of_range");
    assert_eq!(problem["errors"][0]["params"]["min"], 1);
}

#[tokio::test]
async fn oversized_and_hostile_field_values_are_refused_or_stored_verbatim() {
    let app = spawn_app().await;
    let long_name = app
        .post(
            "/api/v1/auth/register",
            &json!({"email": "long@example.com", "name": "ñ".repeat(10_000)}),
        )
        .await;
    assert_eq!(
        error_fields(&assert_problem(long_name, StatusCode::UNPROCESSABLE_ENTITY).await),
        vec!["name"]
    );

    let long_email = format!("{}@example.com", "a".repeat(300));
    let res = app
        .post(
            "/api/v1/auth/register",
            &json!({"email": long_email, "name": "X"}),
        )
        .await;
    assert_eq!(
        error_fields(&assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await),
        vec!["email"]
    );

    // SQL-looking login strings are just wrong logins.
    for login in [
        "' OR '1'='1",
        "admin'--",
        "\"; DROP TABLE users; --",
        "%",
        "_",
    ] {
        let res = app
            .post(
                "/api/v1/auth/login",
                &json!({"login": login, "password": "' OR '1'='1"}),
            )
            .await;
        assert_problem(res, StatusCode::UNAUTHORIZED).await;
    }
    // Control characters in a name are refused.
    let res = app
        .post(
            "/api/v1/auth/register",
            &json!({"email": "ctl@example.com", "name": "a\u{0000}b"}),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
}

#[tokio::test]
async fn malformed_json_is_a_400() {
    let app = spawn_app().await;
    let res = app
        .api
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{\"login\": \"x\", ")
        .send()
        .await
        .expect("request");
    let problem = assert_problem(res, StatusCode::BAD_REQUEST).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("malformed JSON")
    );
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_a_422() {
    let app = spawn_app().await;
    let res = app.post("/api/v1/auth/login", &json!({"login": 42})).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let res = app
        .post("/api/v1/auth/register", &json!(["not", "an", "object"]))
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
}

#[tokio::test]
async fn a_wrong_content_type_is_a_415() {
    let app = spawn_app().await;
    let res = app
        .api
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "text/plain")
        .body("{\"login\":\"a\",\"password\":\"b\"}")
        .send()
        .await
        .expect("request");
    assert_problem(res, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    let res = app
        .api
        .post(app.url("/api/v1/auth/refresh"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("refresh_token=abc")
        .send()
        .await
        .expect("request");
    assert_problem(res, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
}

#[tokio::test]
async fn an_oversized_body_is_a_413() {
    let app = spawn_app().await;
    let huge = json!({"email": "big@example.com", "name": "x".repeat(300 * 1024)});
    let res = app.post("/api/v1/auth/register", &huge).await;
    assert_problem(res, StatusCode::PAYLOAD_TOO_LARGE).await;
    let res = app
        .api
        .post(app.url("/api/v1/auth/refresh"))
        .header("content-type", "application/json")
        .body(format!(
            "{{\"refresh_token\": \"{}\"}}",
            "x".repeat(300 * 1024)
        ))
        .send()
        .await
        .expect("request");
    assert_problem(res, StatusCode::PAYLOAD_TOO_LARGE).await;
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_problem_json() {
    let app = spawn_app().await;
    let problem = assert_problem(app.get("/api/v1/nope").await, StatusCode::NOT_FOUND).await;
    assert_eq!(problem["type"], "urn:ayuda:problem:not-found");
    assert_problem(app.get("/api/nothing/here").await, StatusCode::NOT_FOUND).await;
    let res = app
        .api
        .get(app.url("/api/v1/auth/login"))
        .send()
        .await
        .expect("request");
    assert_eq!(allow_header(&res), "POST");
    assert_problem(res, StatusCode::METHOD_NOT_ALLOWED).await;
    let res = app
        .api
        .delete(app.url("/api/v1/me"))
        .send()
        .await
        .expect("request");
    assert_eq!(allow_header(&res), "GET, PATCH");
    assert_problem(res, StatusCode::METHOD_NOT_ALLOWED).await;
    let res = app
        .api
        .delete(app.url("/api/v1/users/42"))
        .send()
        .await
        .expect("request");
    assert_eq!(allow_header(&res), "GET, PATCH");
    assert_problem(res, StatusCode::METHOD_NOT_ALLOWED).await;
}

#[tokio::test]
async fn bad_path_and_query_values_are_clear_errors() {
    let app = spawn_app().await;
    let admin = app.user(ayuda_types::Role::Admin).await;
    assert_problem(
        app.get_as(&admin.access_token, "/api/v1/users/abc").await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_problem(
        app.get_as(&admin.access_token, "/api/v1/users/99999999")
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_problem(
        app.get_as(&admin.access_token, "/api/v1/users?limit=abc")
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_problem(
        app.get_as(&admin.access_token, "/api/v1/users?limit=1000")
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_problem(
        app.get_as(&admin.access_token, "/api/v1/users?cursor=garbage!")
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_problem(
        app.get_as(&admin.access_token, "/api/v1/users?role=superuser")
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
}

#[tokio::test]
async fn the_spa_is_served_for_client_side_routes_but_not_for_api_paths_or_missing_files() {
    let app = spawn_app().await;
    for path in ["/", "/tickets/1042", "/activate?token=abc"] {
        let res = app.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert!(res.text().await.unwrap_or_default().contains("Ayuda SPA"));
    }
    assert_problem(app.get("/api/v1/tickets-typo").await, StatusCode::NOT_FOUND).await;
    // A missing file is a 404, not the app's HTML (browsers asked for `/favicon.ico` and
    // got a page).
    for path in [
        "/favicon.ico",
        "/old-build-0123456789abcdef.js",
        "/forum/x.png",
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(!res.text().await.unwrap_or_default().contains("Ayuda SPA"));
    }
}

fn allow_header(res: &reqwest::Response) -> String {
    res.headers()
        .get("allow")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn without_a_built_spa_browsers_get_a_page_that_says_how_to_build_it() {
    let app = crate::helpers::spawn_app_with(|s| s.dist_dir = "/nonexistent/dist".into()).await;
    let res = app.get("/tickets").await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        res.text()
            .await
            .unwrap_or_default()
            .contains("cargo xtask run")
    );
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
}
