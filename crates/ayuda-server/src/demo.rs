//! `ayuda demo`: people to try Ayuda with. Idempotent: running it twice changes nothing.

use ayuda_db::users::{self, Lookup, NewUser};
use ayuda_domain::Password;
use ayuda_types::{Locale, Role};

use crate::auth::password;
use crate::state::AppState;

/// Password of every demo account.
pub const DEMO_PASSWORD: &str = "ayuda-demo";

/// One demo person: email, name, username, phone, role, language.
type Person = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Role,
    Locale,
);

/// The demo people.
const PEOPLE: &[Person] = &[
    (
        "admin@demo.ayuda",
        "Admin Demo",
        Some("admin"),
        None,
        Role::Admin,
        Locale::Es,
    ),
    (
        "lucia@demo.ayuda",
        "Lucía Fernández",
        Some("lucia"),
        Some("+34600111222"),
        Role::Agent,
        Locale::Es,
    ),
    (
        "tom@demo.ayuda",
        "Tom Walker",
        Some("tom"),
        None,
        Role::Agent,
        Locale::En,
    ),
    (
        "maria@demo.ayuda",
        "María López",
        Some("maria"),
        Some("+34611222333"),
        Role::Customer,
        Locale::Es,
    ),
    (
        "jorge@demo.ayuda",
        "Jorge Ramírez",
        None,
        Some("+5215512345678"),
        Role::Customer,
        Locale::Es,
    ),
    (
        "emma@demo.ayuda",
        "Emma Johnson",
        Some("emma"),
        None,
        Role::Customer,
        Locale::En,
    ),
];

/// Loads the demo data and returns a summary to print.
pub async fn load(state: &AppState) -> anyhow::Result<String> {
    let password = Password::parse(DEMO_PASSWORD, state.settings.password_min_length)
        .map_err(|e| anyhow::anyhow!("demo password {e}; lower AYUDA_PASSWORD_MIN_LENGTH"))?;
    let hash = password::hash(&password).await?;
    let now = chrono::Utc::now();
    let mut lines = vec![format!("Demo accounts (password \"{DEMO_PASSWORD}\"):")];
    for &(email, name, username, phone, role, locale) in PEOPLE {
        if users::find(&state.db, Lookup::Email(email))
            .await?
            .is_none()
        {
            let new = NewUser {
                email: email.into(),
                name: name.into(),
                username: username.map(Into::into),
                phone: phone.map(Into::into),
                role,
                locale,
                password_hash: Some(hash.clone()),
            };
            users::insert(&state.db, new, now).await?;
        }
        lines.push(format!("  {:<9} {email}", role.as_str()));
    }
    Ok(lines.join("\n"))
}
