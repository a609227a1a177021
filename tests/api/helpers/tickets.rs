//! Opening tickets and writing replies the way a client does.

use ayuda_types::{Reply, Ticket, TicketType};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::TestApp;

impl TestApp {
    /// The active ticket types as `token`'s user sees them.
    pub async fn ticket_types(&self, token: &str) -> Vec<TicketType> {
        let res = self.get_as(token, "/api/v1/ticket-types").await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.expect("types")
    }

    /// The id of the seeded type with this English name.
    pub async fn type_id(&self, token: &str, english_name: &str) -> i64 {
        self.ticket_types(token)
            .await
            .iter()
            .find(|t| t.translations.en.as_ref().map(|e| e.name.as_str()) == Some(english_name))
            .map(|t| t.id)
            .unwrap_or_else(|| panic!("no ticket type named {english_name}"))
    }

    /// Opens a ticket of the first active type, expecting 201.
    pub async fn open_ticket(&self, token: &str, title: &str, description: &str) -> Ticket {
        let type_id = self.ticket_types(token).await[0].id;
        self.open_ticket_with(
            token,
            &json!({"title": title, "type_id": type_id, "description": description}),
        )
        .await
    }

    /// Opens a ticket from a raw body, expecting 201.
    pub async fn open_ticket_with(&self, token: &str, body: &Value) -> Ticket {
        let res = self.post_as(token, "/api/v1/tickets", body).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{:?}", res.text().await);
        res.json().await.expect("ticket")
    }

    /// Writes a reply (or note), expecting 201.
    pub async fn reply(&self, token: &str, number: i64, body: &str, internal: bool) -> Reply {
        let res = self
            .post_as(
                token,
                &format!("/api/v1/tickets/{number}/replies"),
                &json!({"body": body, "internal": internal}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "{:?}", res.text().await);
        res.json().await.expect("reply")
    }

    /// A ticket as `token`'s user sees it, expecting 200.
    pub async fn ticket(&self, token: &str, number: i64) -> Ticket {
        let res = self
            .get_as(token, &format!("/api/v1/tickets/{number}"))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.expect("ticket")
    }

    /// The whole conversation as `token`'s user sees it.
    pub async fn replies(&self, token: &str, number: i64) -> Vec<Reply> {
        let res = self
            .get_as(
                token,
                &format!("/api/v1/tickets/{number}/replies?limit=100"),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let page: ayuda_types::Page<Reply> = res.json().await.expect("replies");
        page.items
    }

    /// Uploads `bytes` as `filename`, returning the response.
    pub async fn upload(&self, token: &str, filename: &str, bytes: Vec<u8>) -> reqwest::Response {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(filename.to_owned())
            .mime_str("image/png")
            .expect("mime");
        let form = reqwest::multipart::Form::new().part("file", part);
        self.api
            .post(self.url("/api/v1/attachments"))
            .bearer_auth(token)
            .multipart(form)
            .send()
            .await
            .expect("upload")
    }

    /// Uploads a small PNG as `filename` and returns its id.
    pub async fn upload_png(&self, token: &str, filename: &str) -> i64 {
        let res = self
            .upload(token, filename, crate::tickets::PNG.to_vec())
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let file: serde_json::Value = res.json().await.expect("upload answer");
        file["id"].as_i64().expect("upload id")
    }
}
