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
    queue(conn, settings, user, template, None).await
}

/// Queues an email about ticket `number`: its Message-ID names the ticket and it refers to
/// the ticket's thread root, so the recipient's mail program shows one thread.
pub async fn queue_ticket_mail(
    conn: &impl ConnectionTrait,
    settings: &Settings,
    user: &UserRow,
    template: &Template<'_>,
    number: i64,
) -> Result<(), ayuda_db::DbErr> {
    queue(conn, settings, user, template, Some(number)).await
}

async fn queue(
    conn: &impl ConnectionTrait,
    settings: &Settings,
    user: &UserRow,
    template: &Template<'_>,
    ticket: Option<i64>,
) -> Result<(), ayuda_db::DbErr> {
    let locale = user_locale(settings, user);
    let composed = template.compose(locale);
    let from = &settings.support_address;
    let (message_id, thread) = match ticket {
        Some(number) => (
            ayuda_mail::ticket_message_id(number, from),
            Some(ayuda_mail::ticket_thread_id(number, from)),
        ),
        None => (ayuda_mail::new_message_id(from), None),
    };
    let email = NewEmail {
        kind: template.kind().to_owned(),
        to_address: user.email.clone(),
        to_name: user.name.clone(),
        subject: composed.subject,
        text_body: composed.text,
        html_body: composed.html,
        message_id,
        in_reply_to: thread.clone(),
        references: thread,
        reply_to: ticket.map(|_| from.clone()),
    };
    outbox::enqueue(conn, email, chrono::Utc::now())
        .await
        .map(|_| ())
}

/// The language to write to `user` in.
pub fn user_locale(settings: &Settings, user: &UserRow) -> Locale {
    Locale::parse(&user.locale).unwrap_or_else(|| settings.default_locale())
}

/// Links in emails point at the SPA's pages.
pub fn link(settings: &Settings, path_and_query: &str) -> String {
    format!("{}{}", settings.public_url(), path_and_query)
}
