//! Register, activate, log in, refresh, log out, reset: SPEC section 4, as a user does it.

use ayuda_types::{LoginResponse, Role, User};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::app::{PASSWORD, assert_problem, error_fields};
use crate::helpers::spawn_app;

/// The `Set-Cookie` header of `res` that sets the cookie named in `prefix` (`name=`).
fn set_cookie(res: &reqwest::Response, prefix: &str) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(prefix))
        .unwrap_or_default()
        .to_owned()
}

/// The value of the hint cookie `ayuda_signed_in` set by `res`.
fn signed_in_tag(res: &reqwest::Response) -> String {
    let hint = set_cookie(res, "ayuda_signed_in=");
    let value = hint.trim_start_matches("ayuda_signed_in=");
    value.split(';').next().unwrap_or_default().to_owned()
}

fn unique_email(prefix: &str) -> String {
    format!("{prefix}-{}@example.com", uuid::Uuid::new_v4().simple())
}

#[tokio::test]
async fn a_new_customer_registers_activates_from_the_email_and_uses_the_session() {
    let app = spawn_app().await;
    let email = unique_email("maria");

    // Register: 202, nothing more is said.
    let res = app
        .post("/api/v1/auth/register", &json!({"email": email, "name": "María López", "username": "maria.l", "phone": "+34 600 123 456"}))
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);

    // The welcome email arrives, in Spanish by default, with a working link.
    let mail = app.wait_for_email(&email, |_| true).await;
    assert_eq!(mail.subject, "Bienvenido a Ayuda: activa tu cuenta");
    assert_eq!(mail.to[0].name, "María López");
    assert_eq!(mail.from[0].address, "support@ayuda.test");
    assert!(
        mail.header("message-id")
            .is_some_and(|id| id.ends_with("@ayuda.test>")),
        "{:?}",
        mail.headers
    );
    assert!(mail.header("date").is_some());
    assert!(mail.header("reply-to").is_some());
    assert!(mail.html.contains("/activate?token="));
    let link = mail.link("/activate?token=");
    assert!(
        link.starts_with(&format!("{}/activate?token=", app.address)),
        "{link}"
    );
    let page = app.api.get(&link).send().await.expect("follow link");
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap_or_default().contains("Ayuda SPA"));

    // Activate: chooses the password and logs in.
    let token = mail.link_token("/activate?token=");
    let res = app
        .post(
            "/api/v1/auth/activate",
            &json!({"token": token, "password": PASSWORD}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = set_cookie(&res, "ayuda_refresh=");
    assert!(cookie.starts_with("ayuda_refresh="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Path=/api/v1/auth"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain-http public URL must not set Secure: {cookie}"
    );
    // Beside it, a hint the web app can read (no secret in it): someone signed in here,
    // and which refresh cookie they hold (a tag that changes with it).
    let hint = set_cookie(&res, "ayuda_signed_in=");
    let tag = signed_in_tag(&res);
    assert!(
        tag.len() == 16
            && tag.bytes().all(|b| b.is_ascii_hexdigit())
            && !cookie.contains(&tag)
            && !hint.contains("HttpOnly")
            && hint.contains("Path=/;"),
        "{hint}"
    );
    let session: LoginResponse = res.json().await.expect("session");
    assert_eq!(session.token_type, "Bearer");
    assert_eq!(session.expires_in, 900);
    assert_eq!(session.user.email, email);
    assert_eq!(session.user.role, Role::Customer);
    assert_eq!(session.user.username.as_deref(), Some("maria.l"));
    assert_eq!(session.user.phone.as_deref(), Some("+34600123456"));

    // The link works once.
    let again = app
        .post(
            "/api/v1/auth/activate",
            &json!({"token": token, "password": PASSWORD}),
        )
        .await;
    let problem = assert_problem(again, StatusCode::BAD_REQUEST).await;
    assert_eq!(problem["type"], "urn:ayuda:problem:invalid-token");

    // Log in with the password, call /me.
    let login = app.login(&email, PASSWORD).await;
    let me: User = app
        .get_as(&login.access_token, "/api/v1/me")
        .await
        .json()
        .await
        .expect("me");
    assert_eq!(me.email, email);
    assert_eq!(me.name, "María López");
    assert!(me.activated_at.is_some());

    // Refresh with the body: new tokens, the old refresh token is spent.
    let res = app
        .post(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": login.refresh_token}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    // The hint names the new refresh cookie: a page can tell the new one has arrived.
    let next_tag = signed_in_tag(&res);
    assert!(
        next_tag.len() == 16 && next_tag != tag,
        "{next_tag} after {tag}"
    );
    let refreshed: LoginResponse = res.json().await.expect("refreshed");
    assert_ne!(refreshed.refresh_token, login.refresh_token);
    assert_eq!(
        app.get_as(&refreshed.access_token, "/api/v1/me")
            .await
            .status(),
        StatusCode::OK
    );

    // Log out: that session's refresh token no longer works.
    let res = app
        .post_as(
            &refreshed.access_token,
            "/api/v1/auth/logout",
            &json!({"refresh_token": refreshed.refresh_token}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = app
        .post(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": refreshed.refresh_token}),
        )
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn reusing_a_spent_refresh_token_revokes_the_whole_session() {
    let app = spawn_app().await;
    let session = app
        .register_and_activate(&unique_email("reuse"), "Reuse")
        .await;
    let first = session.refresh_token;

    let res = app
        .post("/api/v1/auth/refresh", &json!({"refresh_token": first}))
        .await;
    let second: LoginResponse = res.json().await.expect("rotated");

    // An attacker replays the first token: refused, and the family is revoked...
    let replay = app
        .post("/api/v1/auth/refresh", &json!({"refresh_token": first}))
        .await;
    assert_problem(replay, StatusCode::UNAUTHORIZED).await;
    // ...so the legitimate holder of the second token must log in again.
    let res = app
        .post(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": second.refresh_token}),
        )
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn the_spa_refreshes_and_logs_out_with_the_cookie_alone() {
    let app = spawn_app().await;
    let email = unique_email("cookie");
    app.register_and_activate(&email, "Cookie Monster").await; // the client's jar now holds the cookie

    let res = app
        .api
        .post(app.url("/api/v1/auth/refresh"))
        .send()
        .await
        .expect("refresh");
    assert_eq!(res.status(), StatusCode::OK);
    let session: LoginResponse = res.json().await.expect("session");
    assert_eq!(session.user.email, email);

    let res = app
        .api
        .post(app.url("/api/v1/auth/logout"))
        .send()
        .await
        .expect("logout");
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let removal = set_cookie(&res, "ayuda_refresh=");
    assert!(
        removal.starts_with("ayuda_refresh=;") && removal.contains("Max-Age=0"),
        "{removal}"
    );
    let hint_removal = set_cookie(&res, "ayuda_signed_in=");
    assert!(hint_removal.contains("Max-Age=0"), "{hint_removal}");
    // The session is revoked server-side, not only forgotten by the browser.
    let res = app
        .post(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": session.refresh_token}),
        )
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED).await;
    let res = app
        .api
        .post(app.url("/api/v1/auth/refresh"))
        .send()
        .await
        .expect("refresh");
    assert_problem(res, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn login_works_with_email_username_or_phone_and_fails_alike_otherwise() {
    let app = spawn_app().await;
    let email = unique_email("ana");
    let res = app
        .post("/api/v1/auth/register", &json!({"email": email, "name": "Ana", "username": "Ana.Ruiz", "phone": "+34 611-222-333"}))
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let token = app
        .wait_for_email(&email, |_| true)
        .await
        .link_token("/activate?token=");
    app.post(
        "/api/v1/auth/activate",
        &json!({"token": token, "password": PASSWORD}),
    )
    .await;

    for login in [
        email.to_uppercase().as_str(),
        "ana.ruiz",
        "ANA.RUIZ",
        "+34611222333",
        "+34 611 222 333",
    ] {
        let session = app.login(login, PASSWORD).await;
        assert_eq!(session.user.email, email, "login {login}");
    }

    let wrong_password = app
        .post(
            "/api/v1/auth/login",
            &json!({"login": email, "password": "not it at all"}),
        )
        .await;
    let wrong_password = assert_problem(wrong_password, StatusCode::UNAUTHORIZED).await;
    let unknown_user = app
        .post(
            "/api/v1/auth/login",
            &json!({"login": "nobody@example.com", "password": "not it at all"}),
        )
        .await;
    let unknown_user = assert_problem(unknown_user, StatusCode::UNAUTHORIZED).await;
    assert_eq!(
        wrong_password, unknown_user,
        "the two failures must be indistinguishable"
    );
}

#[tokio::test]
async fn an_account_not_yet_activated_cannot_log_in() {
    let app = spawn_app().await;
    let email = unique_email("pending");
    app.post(
        "/api/v1/auth/register",
        &json!({"email": email, "name": "Pending"}),
    )
    .await;
    app.wait_for_email(&email, |_| true).await;
    let res = app
        .post(
            "/api/v1/auth/login",
            &json!({"login": email, "password": PASSWORD}),
        )
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn registering_a_known_address_answers_the_same_and_tells_only_the_owner() {
    let app = spawn_app().await;
    let email = unique_email("known");
    app.register_and_activate(&email, "Known").await;

    let fresh = app
        .post(
            "/api/v1/auth/register",
            &json!({"email": unique_email("fresh"), "name": "Fresh"}),
        )
        .await;
    let fresh_status = fresh.status();
    let fresh_body: Value = fresh.json().await.expect("body");
    let known = app
        .post(
            "/api/v1/auth/register",
            &json!({"email": email.to_uppercase(), "name": "Impostor"}),
        )
        .await;
    assert_eq!(known.status(), fresh_status);
    assert_eq!(known.json::<Value>().await.expect("body"), fresh_body);

    // The owner hears about it; no second account, no new activation link.
    let mail = app
        .wait_for_email(&email, |m| m.subject.contains("Ya tienes una cuenta"))
        .await;
    assert!(mail.text.contains("/forgot-password"));
    assert!(!mail.text.contains("/activate?token="));
    let session = app.login(&email, PASSWORD).await;
    assert_eq!(session.user.name, "Known");
}

#[tokio::test]
async fn registering_again_before_activation_sends_a_fresh_link_and_spends_the_old_one() {
    let app = spawn_app().await;
    let email = unique_email("twice");
    app.post(
        "/api/v1/auth/register",
        &json!({"email": email, "name": "Twice"}),
    )
    .await;
    let first = app
        .wait_for_email(&email, |_| true)
        .await
        .link_token("/activate?token=");
    app.post(
        "/api/v1/auth/register",
        &json!({"email": email, "name": "Twice"}),
    )
    .await;
    let second = app
        .wait_for_email(&email, |m| {
            !m.text.contains(&first) && m.text.contains("/activate?token=")
        })
        .await
        .link_token("/activate?token=");
    let old = app
        .post(
            "/api/v1/auth/activate",
            &json!({"token": first, "password": PASSWORD}),
        )
        .await;
    assert_problem(old, StatusCode::BAD_REQUEST).await;
    let new = app
        .post(
            "/api/v1/auth/activate",
            &json!({"token": second, "password": PASSWORD}),
        )
        .await;
    assert_eq!(new.status(), StatusCode::OK);
}

#[tokio::test]
async fn forgot_password_answers_alike_and_resets_with_the_emailed_link() {
    let app = spawn_app().await;
    let email = unique_email("forgot");
    let old_session = app.register_and_activate(&email, "Forgetful").await;

    let ghost = unique_email("ghost");
    let unknown = app
        .post("/api/v1/auth/password/forgot", &json!({"email": ghost}))
        .await;
    let known = app
        .post("/api/v1/auth/password/forgot", &json!({"email": email}))
        .await;
    assert_eq!(unknown.status(), StatusCode::ACCEPTED);
    assert_eq!(known.status(), StatusCode::ACCEPTED);
    assert_eq!(
        unknown.json::<Value>().await.expect("body"),
        known.json::<Value>().await.expect("body")
    );

    let mail = app
        .wait_for_email(&email, |m| m.subject.contains("Restablecer"))
        .await;
    assert!(
        app.settled_emails(&ghost).await.is_empty(),
        "nothing goes to an unknown address"
    );
    let token = mail.link_token("/reset-password?token=");
    let res = app
        .post(
            "/api/v1/auth/password/reset",
            &json!({"token": token, "password": "a brand new secret"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    // New password in, old password out, other sessions ended, link spent.
    app.login(&email, "a brand new secret").await;
    let old = app
        .post(
            "/api/v1/auth/login",
            &json!({"login": email, "password": PASSWORD}),
        )
        .await;
    assert_problem(old, StatusCode::UNAUTHORIZED).await;
    let res = app
        .post(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": old_session.refresh_token}),
        )
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED).await;
    let again = app
        .post(
            "/api/v1/auth/password/reset",
            &json!({"token": token, "password": "yet another one"}),
        )
        .await;
    assert_problem(again, StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn a_too_short_password_is_refused_without_spending_the_link() {
    let app = spawn_app().await;
    let email = unique_email("short");
    app.post(
        "/api/v1/auth/register",
        &json!({"email": email, "name": "Short"}),
    )
    .await;
    let token = app
        .wait_for_email(&email, |_| true)
        .await
        .link_token("/activate?token=");

    let res = app
        .post(
            "/api/v1/auth/activate",
            &json!({"token": token, "password": "1234567"}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&problem), vec!["password"]);
    assert_eq!(
        problem["errors"][0]["message"],
        "must be at least 8 characters"
    );
    assert_eq!(problem["errors"][0]["code"], "too_short");
    assert_eq!(problem["errors"][0]["params"]["min"], 8);

    let res = app
        .post(
            "/api/v1/auth/activate",
            &json!({"token": token, "password": "12345678"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_minimum_password_length_is_a_setting() {
    let app = crate::helpers::spawn_app_with(|s| s.password_min_length = 5).await;
    let email = unique_email("five");
    app.post(
        "/api/v1/auth/register",
        &json!({"email": email, "name": "Five"}),
    )
    .await;
    let token = app
        .wait_for_email(&email, |_| true)
        .await
        .link_token("/activate?token=");
    let res = app
        .post(
            "/api/v1/auth/activate",
            &json!({"token": token, "password": "1234"}),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let res = app
        .post(
            "/api/v1/auth/activate",
            &json!({"token": token, "password": "12345"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_expired_activation_link_is_refused() {
    let app = crate::helpers::spawn_app_with(|s| s.activation_ttl_hours = 0).await;
    let email = unique_email("late");
    app.post(
        "/api/v1/auth/register",
        &json!({"email": email, "name": "Late"}),
    )
    .await;
    let token = app
        .wait_for_email(&email, |_| true)
        .await
        .link_token("/activate?token=");
    let res = app
        .post(
            "/api/v1/auth/activate",
            &json!({"token": token, "password": PASSWORD}),
        )
        .await;
    assert_problem(res, StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn emails_follow_the_chosen_language() {
    let app = spawn_app().await;
    let email = unique_email("emma");
    app.post(
        "/api/v1/auth/register",
        &json!({"email": email, "name": "Emma", "locale": "en"}),
    )
    .await;
    let mail = app.wait_for_email(&email, |_| true).await;
    assert_eq!(mail.subject, "Welcome to Ayuda: activate your account");
    assert!(mail.text.starts_with("Hello Emma,"));
}

#[tokio::test]
async fn repeated_failed_logins_are_rate_limited_per_account() {
    let app = crate::helpers::spawn_app_with(|s| {
        s.rate_login_account = ayuda_server::config::SettingValue::read("3/300").unwrap()
    })
    .await;
    let email = unique_email("brute");
    app.register_and_activate(&email, "Brute").await;
    for _ in 0..3 {
        let res = app
            .post(
                "/api/v1/auth/login",
                &json!({"login": email, "password": "wrong guess"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    // Now even the right password is refused until the window passes.
    let res = app
        .post(
            "/api/v1/auth/login",
            &json!({"login": email, "password": PASSWORD}),
        )
        .await;
    let retry_after: u64 = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=300).contains(&retry_after));
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS).await;
    // Another account from the same address is unaffected.
    let other = unique_email("other");
    app.register_and_activate(&other, "Other").await;
    app.login(&other, PASSWORD).await;
}

#[tokio::test]
async fn registration_and_forgot_are_rate_limited_per_address() {
    let app = crate::helpers::spawn_app_with(|s| {
        s.rate_register = ayuda_server::config::SettingValue::read("2/3600").unwrap();
        s.rate_forgot = ayuda_server::config::SettingValue::read("1/3600").unwrap();
    })
    .await;
    for _ in 0..2 {
        let res = app
            .post(
                "/api/v1/auth/register",
                &json!({"email": unique_email("r"), "name": "R"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::ACCEPTED);
    }
    let res = app
        .post(
            "/api/v1/auth/register",
            &json!({"email": unique_email("r"), "name": "R"}),
        )
        .await;
    assert!(res.headers().get("retry-after").is_some());
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS).await;

    let res = app
        .post(
            "/api/v1/auth/password/forgot",
            &json!({"email": unique_email("f")}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let res = app
        .post(
            "/api/v1/auth/password/forgot",
            &json!({"email": unique_email("f")}),
        )
        .await;
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS).await;
}

#[tokio::test]
async fn me_can_change_name_and_language_including_unicode_and_rtl_text() {
    let app = spawn_app().await;
    let session = app.register_and_activate(&unique_email("me"), "Me").await;
    let token = &session.access_token;

    for name in [
        "José Ñúñez 🎧",
        "مريم العربية",
        "Robert'); DROP TABLE users;--",
        "<b>bold</b>",
    ] {
        let res = app
            .patch_as(token, "/api/v1/me", &json!({"name": name, "locale": "en"}))
            .await;
        assert_eq!(res.status(), StatusCode::OK, "{name}");
        let me: User = app
            .get_as(token, "/api/v1/me")
            .await
            .json()
            .await
            .expect("me");
        assert_eq!(me.name, name, "stored exactly as given");
        assert_eq!(me.locale, ayuda_types::Locale::En);
    }

    let res = app
        .patch_as(token, "/api/v1/me", &json!({"name": "x".repeat(10_000)}))
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&problem), vec!["name"]);
    let res = app
        .patch_as(token, "/api/v1/me", &json!({"name": "   "}))
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let res = app
        .patch_as(token, "/api/v1/me", &json!({"locale": "fr"}))
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    // Nothing already stored was lost by the refused requests.
    let me: User = app
        .get_as(token, "/api/v1/me")
        .await
        .json()
        .await
        .expect("me");
    assert_eq!(me.name, "<b>bold</b>");
}

#[tokio::test]
async fn me_requires_a_valid_access_token() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/me").await;
    assert!(res.headers().get("www-authenticate").is_some());
    assert_problem(res, StatusCode::UNAUTHORIZED).await;
    assert_problem(
        app.get_as("not.a.jwt", "/api/v1/me").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let forged = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIiwicm9sZSI6ImFkbWluIiwiaWF0IjoxLCJleHAiOjQxMDI0NDQ4MDB9.c2lnbmF0dXJl";
    assert_problem(
        app.get_as(forged, "/api/v1/me").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

/// Issue 12, item 7: customers could not change their password at all.
#[tokio::test]
async fn users_change_their_password_and_their_other_sessions_end() {
    let app = spawn_app().await;
    let here = app.user(Role::Customer).await;
    let there = app.login(&here.user.email, PASSWORD).await;
    let path = "/api/v1/me/password";
    let t = &here.access_token;

    let problem = assert_problem(
        app.post_as(
            t,
            path,
            &json!({"current_password": "not it", "new_password": "una clave nueva"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["current_password"]);
    let problem = assert_problem(
        app.post_as(
            t,
            path,
            &json!({"current_password": PASSWORD, "new_password": "corta"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["new_password"]);

    let res = app
        .post_as(
            t,
            path,
            &json!({"current_password": PASSWORD, "new_password": "una clave nueva"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    // This session goes on; the other one ends at once, refresh token and all.
    assert_eq!(app.get_as(t, "/api/v1/me").await.status(), StatusCode::OK);
    assert_eq!(
        app.get_as(&there.access_token, "/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let res = app
        .post(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": there.refresh_token}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let old = app
        .post(
            "/api/v1/auth/login",
            &json!({"login": here.user.email, "password": PASSWORD}),
        )
        .await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    app.login(&here.user.email, "una clave nueva").await;
    // Without a login, nothing to change.
    assert_problem(
        app.post(path, &json!({"current_password": "x", "new_password": "y"}))
            .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn a_customer_moves_to_a_new_address_once_the_link_sent_there_is_opened() {
    let app = spawn_app().await;
    let id = uuid::Uuid::new_v4().simple().to_string();
    let (old, new) = (
        format!("vieja-{id}@example.com"),
        format!("nueva-{id}@example.com"),
    );
    let me = app.register_and_activate(&old, "Inés Mudanza").await;
    let t = &me.access_token;
    let change = |body: Value| {
        let app = &app;
        async move { app.post_as(t, "/api/v1/me/email", &body).await }
    };
    for (body, field) in [
        (
            json!({"new_email": new, "current_password": "not it"}),
            "current_password",
        ),
        (
            json!({"new_email": "no es correo", "current_password": PASSWORD}),
            "new_email",
        ),
        (
            json!({"new_email": old, "current_password": PASSWORD}),
            "new_email",
        ),
    ] {
        let problem = assert_problem(change(body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_fields(&problem), vec![field]);
    }
    assert_eq!(
        change(json!({"new_email": new.to_uppercase(), "current_password": PASSWORD}))
            .await
            .status(),
        StatusCode::ACCEPTED
    );
    // The old address is told; the new one gets the link. Nothing changed yet.
    let notice = app.wait_for_email(&old, |m| m.text.contains(&new)).await;
    assert!(
        !notice.text.contains("/confirm-email"),
        "no link to the old address"
    );
    let confirm = app
        .wait_for_email(&new, |m| m.text.contains("/confirm-email?token="))
        .await;
    let token = confirm.link_token("/confirm-email?token=");
    let res = app
        .post(
            "/api/v1/auth/login",
            &json!({"login": new, "password": PASSWORD}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    let res = app
        .post("/api/v1/auth/email/confirm", &json!({"token": token}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<User>().await.unwrap().email, new);
    app.login(&new, PASSWORD).await;
    let res = app
        .post(
            "/api/v1/auth/login",
            &json!({"login": old, "password": PASSWORD}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // The link works once.
    assert_problem(
        app.post("/api/v1/auth/email/confirm", &json!({"token": token}))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;

    // An address with an account of its own: the same answer, but no link goes there and
    // nothing changes.
    let other = app.user(Role::Customer).await;
    assert_eq!(
        change(json!({"new_email": other.user.email, "current_password": PASSWORD}))
            .await
            .status(),
        StatusCode::ACCEPTED
    );
    let theirs = app.settled_emails(&other.user.email).await;
    assert!(
        theirs.iter().all(|m| !m.text.contains("/confirm-email")),
        "no confirmation link to an address in use"
    );
    let now: User = app.get_as(t, "/api/v1/me").await.json().await.unwrap();
    assert_eq!(now.email, new);
}
