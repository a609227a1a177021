//! Attachments: upload limits, types from the bytes, who may download, safe headers.

use ayuda_types::{Attachment, Role};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::app::{assert_problem, error_fields};
use crate::helpers::spawn_app_with;
use crate::tickets::PNG;

#[tokio::test]
async fn uploads_are_typed_by_their_bytes_and_served_safely() {
    let app = spawn_app_with(|s| s.attachment_max_bytes = 64 * 1024).await;
    let customer = app.user(Role::Customer).await;
    let other = app.user(Role::Customer).await;
    let agent = app.user(Role::Agent).await;
    let c = &customer.access_token;

    let res = app
        .upload(c, "captura de pantalla ñ.png", PNG.to_vec())
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let png: Attachment = res.json().await.unwrap();
    assert_eq!(png.content_type, "image/png");
    assert_eq!(png.size, PNG.len() as i64);
    assert_eq!(png.filename, "captura de pantalla ñ.png");

    // An HTML page dressed as a PNG, with a name meant to break headers and paths.
    let html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>";
    let res = app.upload(c, "../../\"evil\".png", html.to_vec()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let fake: Attachment = res.json().await.unwrap();
    assert_eq!(fake.content_type, "text/html");
    assert!(fake.filename.ends_with(".png"), "{}", fake.filename);
    assert!(!fake.filename.contains(['/', '"']), "{}", fake.filename);

    // Before it is sent, only the uploader can fetch an upload.
    assert_problem(
        app.get_as(
            &agent.access_token,
            &format!("/api/v1/attachments/{}", png.id),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let res = app
        .get_as(c, &format!("/api/v1/attachments/{}", png.id))
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    let ticket = app
        .open_ticket_with(
            c,
            &json!({"title": "Captura", "type_id": app.ticket_types(c).await[0].id,
                    "description": "adjunto", "attachment_ids": [png.id, fake.id]}),
        )
        .await;
    let replies = app.replies(&agent.access_token, ticket.number).await;
    let ids: Vec<i64> = replies[0].attachments.iter().map(|a| a.id).collect();
    assert_eq!(ids, vec![png.id, fake.id]);

    // The agent sees both: the image inline, the HTML as an inert download.
    let res = app
        .get_as(
            &agent.access_token,
            &format!("/api/v1/attachments/{}", png.id),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    assert_eq!(h["content-type"], "image/png");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(
        h["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline")
    );
    assert!(
        h["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''captura%20de%20pantalla%20%C3%B1.png"),
        "{:?}",
        h["content-disposition"]
    );
    assert_eq!(res.bytes().await.unwrap().as_ref(), PNG);
    let res = app
        .get_as(
            &agent.access_token,
            &format!("/api/v1/attachments/{}", fake.id),
        )
        .await;
    let h = res.headers().clone();
    assert!(
        h["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    assert_eq!(h["x-content-type-options"], "nosniff");

    // Another customer cannot, and a sent upload cannot be sent again.
    assert_problem(
        app.get_as(
            &other.access_token,
            &format!("/api/v1/attachments/{}", png.id),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let problem = assert_problem(
        app.post_as(
            c,
            &format!("/api/v1/tickets/{}/replies", ticket.number),
            &json!({"body": "otra vez", "attachment_ids": [png.id]}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["attachment_ids"]);

    // Files that come with internal notes stay with the agents.
    let secret = app
        .upload(&agent.access_token, "nota.txt", b"solo agentes".to_vec())
        .await
        .json::<Attachment>()
        .await
        .unwrap();
    assert_eq!(secret.content_type, "text/plain");
    let res = app
        .post_as(
            &agent.access_token,
            &format!("/api/v1/tickets/{}/replies", ticket.number),
            &json!({"body": "nota", "internal": true, "attachment_ids": [secret.id]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_problem(
        app.get_as(c, &format!("/api/v1/attachments/{}", secret.id))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn oversized_empty_and_malformed_uploads_are_refused() {
    let app = spawn_app_with(|s| s.attachment_max_bytes = 64 * 1024).await;
    let customer = app.user(Role::Customer).await;
    let c = &customer.access_token;

    assert_problem(
        app.upload(c, "big.bin", vec![7u8; 64 * 1024 + 1]).await,
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;
    assert_problem(
        app.upload(c, "huge.bin", vec![7u8; 200 * 1024]).await,
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;
    let problem = assert_problem(
        app.upload(c, "empty.txt", Vec::new()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["file"]);
    // No `file` field.
    let form = reqwest::multipart::Form::new().text("other", "x");
    let res = app
        .api
        .post(app.url("/api/v1/attachments"))
        .bearer_auth(c)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&problem), vec!["file"]);
    // Not multipart at all.
    assert_problem(
        app.post_as(c, "/api/v1/attachments", &json!({"file": "x"}))
            .await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
    )
    .await;
    // A multipart body cut short.
    let res = app
        .api
        .post(app.url("/api/v1/attachments"))
        .bearer_auth(c)
        .header("content-type", "multipart/form-data; boundary=XYZ")
        .body(
            "--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nabc",
        )
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::BAD_REQUEST).await;
    // Without a token, nothing.
    let res = app
        .api
        .post(app.url("/api/v1/attachments"))
        .multipart(reqwest::multipart::Form::new().text("file", "x"))
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::UNAUTHORIZED).await;
    // Nothing half-written was left behind.
    let tmp = app.state.settings.attachments_dir().join("tmp");
    let leftovers = std::fs::read_dir(&tmp).map(|d| d.count()).unwrap_or(0);
    assert_eq!(leftovers, 0);
}
