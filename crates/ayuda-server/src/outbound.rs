//! Putting templated email into the outbox.

use ayuda_db::ConnectionTrait;
use ayuda_db::outbox::{self, NewEmail};
use ayuda_db::users::UserRow;
use ayuda_mail::Template;
use ayuda_types::Locale;

use crate::config::Settings;

/// Queues `template` for `user`, in their language, inside the caller's transaction.
pub async fn queue_for_user(
    conn: &impl ConnectionTrait,
    settings: &Settings,
    user: &UserRow,
    template: &Template<'_>,
) -> Result<(), ayuda_db::DbErr> {
    let locale = Locale::parse(&user.locale).unwrap_or_else(|| settings.default_locale());
    let composed = template.compose(locale);
    let email = NewEmail {
        kind: template.kind().to_owned(),
        to_address: user.email.clone(),
        to_name: user.name.clone(),
        subject: composed.subject,
        text_body: composed.text,
        html_body: composed.html,
        message_id: ayuda_mail::new_message_id(&settings.support_address),
        in_reply_to: None,
        references: None,
        reply_to: None,
    };
    outbox::enqueue(conn, email, chrono::Utc::now())
        .await
        .map(|_| ())
}

/// Links in emails point at the SPA's pages.
pub fn link(settings: &Settings, path_and_query: &str) -> String {
    format!("{}{}", settings.public_url(), path_and_query)
}
