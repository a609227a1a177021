//! Reading the emails a user got from the SMTP server (maildev's REST API).

use std::time::Duration;

use serde::Deserialize;

use super::TestApp;

/// An email as maildev shows it.
#[derive(Debug, Clone, Deserialize)]
pub struct Email {
    /// Subject.
    pub subject: String,
    /// Plain-text part.
    #[serde(default)]
    pub text: String,
    /// HTML part.
    #[serde(default)]
    pub html: String,
    /// Recipients.
    pub to: Vec<Address>,
    /// Senders.
    #[serde(default)]
    pub from: Vec<Address>,
    /// Raw headers, lowercase names.
    #[serde(default)]
    pub headers: serde_json::Map<String, serde_json::Value>,
}

/// An address with its display name.
#[derive(Debug, Clone, Deserialize)]
pub struct Address {
    /// The address.
    pub address: String,
    /// The display name.
    #[serde(default)]
    pub name: String,
}

impl Email {
    /// A header's value (first one if repeated).
    pub fn header(&self, name: &str) -> Option<String> {
        match self.headers.get(&name.to_ascii_lowercase())? {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Array(values) => {
                values.first().and_then(|v| v.as_str()).map(str::to_owned)
            }
            other => Some(other.to_string()),
        }
    }

    /// The link in the text part that contains `marker` (e.g. `/activate?token=`).
    pub fn link(&self, marker: &str) -> String {
        self.text
            .split_whitespace()
            .find(|word| word.contains(marker))
            .unwrap_or_else(|| panic!("no link with {marker} in email:\n{}", self.text))
            .to_owned()
    }

    /// The token of the link containing `marker`.
    pub fn link_token(&self, marker: &str) -> String {
        let link = self.link(marker);
        link.split_once(marker)
            .map(|(_, t)| t.to_owned())
            .unwrap_or_default()
    }
}

fn maildev_url() -> String {
    std::env::var("TEST_MAILDEV_URL")
        .expect("TEST_MAILDEV_URL is not set: run the tests with `cargo xtask test`")
}

/// Every email maildev holds for `to`.
pub async fn emails_for(to: &str) -> Vec<Email> {
    let all: Vec<Email> = reqwest::get(format!("{}/email", maildev_url()))
        .await
        .expect("maildev reachable")
        .json()
        .await
        .expect("maildev email list");
    all.into_iter()
        .filter(|m| m.to.iter().any(|a| a.address.eq_ignore_ascii_case(to)))
        .collect()
}

impl TestApp {
    /// Waits (up to 15 s) for an email to `to` that `matches`.
    pub async fn wait_for_email(&self, to: &str, matches: impl Fn(&Email) -> bool) -> Email {
        for _ in 0..150 {
            if let Some(mail) = emails_for(to).await.into_iter().find(|m| matches(m)) {
                return mail;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no matching email to {to} arrived within 15 s");
    }

    /// Waits until the outbox has delivered everything queued, then returns every email
    /// `to` got: for asserting that an email was *not* sent.
    pub async fn settled_emails(&self, to: &str) -> Vec<Email> {
        for _ in 0..150 {
            if ayuda_db::outbox::queued_count(&self.db)
                .await
                .expect("outbox count")
                == 0
            {
                return emails_for(to).await;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the outbox did not drain within 15 s");
    }
}
