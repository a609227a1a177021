//! Putting templated email into the outbox.

use crate::people::user_locale;
use ayuda_db::ConnectionTrait;
use ayuda_db::outbox::{self, NewEmail};
use ayuda_db::users::UserRow;
use ayuda_mail::Template;
use ayuda_mail::signing::Addressee;

use crate::config::Settings;
use crate::state::AppState;

/// Queues `template` for `user`, in their language, inside the caller's transaction.
/// Automatic mail (see [`Template::is_automatic`]) over the recipient's cap is dropped.
pub async fn queue_for_user(
    conn: &impl ConnectionTrait,
    settings: &Settings,
    user: &UserRow,
    template: &Template<'_>,
) -> Result<(), ayuda_db::DbErr> {
    let mut email = compose(
        settings,
        user,
        template,
        ayuda_mail::new_message_id(&settings.support_address),
    );
    email.automatic = template.is_automatic();
    enqueue(conn, settings, email).await
}

/// Stores `email` in the outbox, unless it is automatic and its recipient already had the
/// cap's worth of automatic mail in the window (`AYUDA_AUTO_MAIL_PER_RECIPIENT`): then it
/// is dropped and logged, so nobody can use Ayuda to flood a stranger's mailbox.
async fn enqueue(
    conn: &impl ConnectionTrait,
    settings: &Settings,
    email: NewEmail,
) -> Result<(), ayuda_db::DbErr> {
    if email.automatic && !automatic_mail_allowed(conn, settings, &email.to_address).await? {
        metrics::counter!("ayuda_emails_capped_total", "kind" => email.kind.clone()).increment(1);
        tracing::warn!(kind = %email.kind, "automatic email dropped: the recipient's cap is reached");
        return Ok(());
    }
    outbox::enqueue(conn, email, chrono::Utc::now())
        .await
        .map(|_| ())
}

/// Whether `address` may get one more automatic email now (`AYUDA_AUTO_MAIL_PER_RECIPIENT`).
/// Intake asks this before it decides to answer, so its record of what it answered stays
/// true; [`enqueue`] asks it again for every automatic email.
pub async fn automatic_mail_allowed(
    conn: &impl ConnectionTrait,
    settings: &Settings,
    address: &str,
) -> Result<bool, ayuda_db::DbErr> {
    let cap = settings.quotas().auto_mail;
    let window = chrono::Duration::from_std(cap.window).unwrap_or(chrono::Duration::hours(1));
    let since = chrono::Utc::now() - window;
    Ok(outbox::automatic_since(conn, address, since).await? < u64::from(cap.max))
}

/// Queues an email to `user` about ticket `number`. Its `Message-ID` and `Reply-To` are
/// signed for this ticket and this recipient (see [`ayuda_mail::signing`]), so a reply
/// threads back to the ticket as written by them; it refers to the ticket's thread root,
/// so the recipient's mail program shows one conversation. `automatic` mail (the answer to
/// inbound email) counts against the recipient's cap.
pub async fn queue_ticket_mail(
    conn: &impl ConnectionTrait,
    state: &AppState,
    user: &UserRow,
    template: &Template<'_>,
    number: i64,
    automatic: bool,
) -> Result<(), ayuda_db::DbErr> {
    let settings = &state.settings;
    let to = Addressee {
        ticket: number,
        user: user.id,
    };
    let headers = state.mailbox.ticket_headers(to);
    let mut email = compose(settings, user, template, headers.message_id);
    email.in_reply_to = Some(headers.thread.clone());
    email.references = Some(headers.thread);
    email.reply_to = Some(headers.reply_to);
    email.automatic = automatic;
    enqueue(conn, settings, email).await
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
        automatic: false,
    }
}

/// Links in emails point at the SPA's pages.
pub fn link(settings: &Settings, path_and_query: &str) -> String {
    format!("{}{}", settings.public_url(), path_and_query)
}
