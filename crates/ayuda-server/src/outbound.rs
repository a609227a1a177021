//! Putting templated email into the outbox.

use ayuda_db::ConnectionTrait;
use ayuda_db::outbox::{self, NewEmail};
use ayuda_db::users::UserRow;
use ayuda_mail::Template;
use ayuda_mail::signing::{self, Addressee};
use ayuda_types::Locale;

use crate::config::Settings;
use crate::state::AppState;

/// Queues `template` for `user`, in their language, inside the caller's transaction.
pub async fn queue_for_user(
    conn: &impl ConnectionTrait,
    settings: &Settings,
    user: &UserRow,
    template: &Template<'_>,
) -> Result<(), ayuda_db::DbErr> {
    let email = compose(
        settings,
        user,
        template,
        ayuda_mail::new_message_id(&settings.support_address),
    );
    outbox::enqueue(conn, email, chrono::Utc::now())
        .await
        .map(|_| ())
}

/// Queues an email to `user` about ticket `number`. Its `Message-ID` and `Reply-To` are
/// signed for this ticket and this recipient (see [`ayuda_mail::signing`]), so a reply
/// threads back to the ticket as written by them; it refers to the ticket's thread root,
/// so the recipient's mail program shows one conversation.
pub async fn queue_ticket_mail(
    conn: &impl ConnectionTrait,
    state: &AppState,
    user: &UserRow,
    template: &Template<'_>,
    number: i64,
) -> Result<(), ayuda_db::DbErr> {
    let settings = &state.settings;
    let to = Addressee {
        ticket: number,
        user: user.id,
    };
    let mut email = compose(
        settings,
        user,
        template,
        state.signer.message_id(to, settings.mail_domain()),
    );
    let thread = ayuda_mail::ticket_thread_id(number, &settings.support_address);
    email.in_reply_to = Some(thread.clone());
    email.references = Some(thread);
    email.reply_to = Some(signing::reply_address(
        &settings.reply_to_pattern(),
        &state.signer.reply_token(to),
    ));
    outbox::enqueue(conn, email, chrono::Utc::now())
        .await
        .map(|_| ())
}

fn compose(
    settings: &Settings,
    user: &UserRow,
    template: &Template<'_>,
    message_id: String,
) -> NewEmail {
    let composed = template.compose(user_locale(settings, user));
    NewEmail {
        kind: template.kind().to_owned(),
        to_address: user.email.clone(),
        to_name: user.name.clone(),
        subject: composed.subject,
        text_body: composed.text,
        html_body: composed.html,
        message_id,
        in_reply_to: None,
        references: None,
        reply_to: None,
    }
}

/// The language to write to `user` in.
pub fn user_locale(settings: &Settings, user: &UserRow) -> Locale {
    Locale::parse(&user.locale).unwrap_or_else(|| settings.default_locale())
}

/// Links in emails point at the SPA's pages.
pub fn link(settings: &Settings, path_and_query: &str) -> String {
    format!("{}{}", settings.public_url(), path_and_query)
}
