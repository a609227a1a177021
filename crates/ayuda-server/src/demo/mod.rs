//! `ayuda demo`: people, tickets in every state and forum articles in Spanish and English,
//! to try Ayuda in five minutes. Idempotent: running it twice changes nothing.
//!
//! Tickets and articles are made through the same use cases as the API, so they carry real
//! conversations, audit trails and notifications; the notifications are then dropped, since
//! the demo's addresses (`@demo.ayuda`) do not exist.

use ayuda_db::users::{self, Lookup, NewUser, UserRow};
use ayuda_domain::Password;
use ayuda_types::{
    ArticleStatus, CategoryText, CategoryTranslations, Channel, CreateArticle, CreateCannedReply,
    CreateCategory, CreateReply, CreateTicket, Locale, Priority, Role, TicketStatus, UpdateTicket,
};

use crate::state::AppState;
use crate::{forum, tickets};

mod chat;

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
        Some("jorge"),
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
    let hash = state.passwords.hash(&password).await?;
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
            users::insert(&state.writer, new, now).await?;
        }
        lines.push(format!("  {:<9} {email}", role.as_str()));
    }
    if ayuda_db::tickets::find(&state.db, 1000).await?.is_none() {
        load_tickets(state).await?;
        lines.push("Demo tickets: new, open, pending, resolved and closed ones.".into());
    }
    let admin = person(state, "admin@demo.ayuda").await?;
    if crate::canned::list(state, &admin).await?.is_empty() {
        for (title, locale, body) in CANNED {
            let reply = CreateCannedReply {
                title: (*title).into(),
                body: (*body).into(),
                locale: *locale,
                shared: true,
            };
            crate::canned::create(state, &admin, reply).await?;
        }
        lines.push(
            "Demo canned replies: greetings, follow-ups and closings in both languages.".into(),
        );
    }
    if forum::categories(state, None, Default::default())
        .await?
        .is_empty()
    {
        load_forum(state).await?;
        lines.push(
            "Demo forum: three categories, articles in Spanish and English (most in both).".into(),
        );
    }
    if chat::load_keywords(state).await? {
        lines.push(
            "Demo bot: keywords with follow-ups (billing, password, technical problem, shipping) in both languages.".into(),
        );
    }
    let (maria, jorge, emma, lucia) = (
        person(state, "maria@demo.ayuda").await?,
        person(state, "jorge@demo.ayuda").await?,
        person(state, "emma@demo.ayuda").await?,
        person(state, "lucia@demo.ayuda").await?,
    );
    if chat::load_chats(state, &maria, &jorge, &emma, &lucia).await? {
        lines.push(
            "Demo chats: one the bot answered, one Lucía served, one that became a ticket.".into(),
        );
    }
    ayuda_db::outbox::discard_queued_to(&state.writer, "@demo.ayuda").await?;
    Ok(lines.join("\n"))
}

async fn person(state: &AppState, email: &str) -> anyhow::Result<UserRow> {
    users::find(&state.db, Lookup::Email(email))
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo user {email} missing"))
}

/// The id of the seeded ticket type with this English name.
async fn type_id(state: &AppState, english: &str) -> anyhow::Result<i64> {
    ayuda_db::ticket_types::list(&state.db, true)
        .await?
        .into_iter()
        .find(|t| t.name_en.as_deref() == Some(english) || t.name == english)
        .map(|t| t.id)
        .ok_or_else(|| anyhow::anyhow!("ticket type {english} missing"))
}

/// One demo ticket: requester, type, title, description, then what happens to it.
struct Story {
    requester: &'static str,
    kind: &'static str,
    title: &'static str,
    description: &'static str,
    steps: &'static [Step],
}

enum Step {
    Reply(&'static str, &'static str),
    Note(&'static str, &'static str),
    Assign(&'static str, &'static str),
    Priority(&'static str, Priority),
    Resolve(&'static str),
    Close(&'static str),
}

const STORIES: &[Story] = &[
    Story {
        requester: "maria@demo.ayuda",
        kind: "Billing",
        title: "Me han cobrado dos veces la suscripción de noviembre",
        description: "Hola,\n\nEn el extracto del banco aparecen **dos cargos de 19,90 €** del 3 de noviembre. Adjunto los últimos dígitos de la tarjeta: 4321.\n\n¿Podéis devolverme uno?",
        steps: &[
            Step::Assign("lucia@demo.ayuda", "lucia@demo.ayuda"),
            Step::Note(
                "lucia@demo.ayuda",
                "El segundo cargo es un reintento del banco; ya está marcado para devolución.",
            ),
            Step::Reply(
                "lucia@demo.ayuda",
                "Hola María, tienes razón: el segundo cargo fue un reintento duplicado. Ya hemos ordenado la devolución; la verás en 3 a 5 días hábiles.",
            ),
        ],
    },
    Story {
        requester: "jorge@demo.ayuda",
        kind: "Technical",
        title: "No puedo iniciar sesión desde el móvil",
        description: "Desde ayer, al entrar desde el móvil (Android) la página se queda en blanco después de poner la contraseña. Desde el ordenador funciona.",
        steps: &[],
    },
    Story {
        requester: "emma@demo.ayuda",
        kind: "Billing",
        title: "How do I export all my invoices for my accountant?",
        description: "Hi! My accountant needs every invoice from 2026 as PDF. Is there a way to download them all at once?",
        steps: &[
            Step::Assign("tom@demo.ayuda", "tom@demo.ayuda"),
            Step::Reply(
                "tom@demo.ayuda",
                "Hi Emma, go to **Billing → Invoices**, filter by year and use *Download all* — you get one ZIP with every PDF.",
            ),
            Step::Reply(
                "emma@demo.ayuda",
                "Thanks! I only see invoices from March onwards, though. Where are January and February?",
            ),
            Step::Priority("tom@demo.ayuda", Priority::High),
        ],
    },
    Story {
        requester: "maria@demo.ayuda",
        kind: "Technical",
        title: "La aplicación va muy lenta por las tardes",
        description: "Entre las 17:00 y las 19:00 cada pantalla tarda más de 10 segundos en cargar.",
        steps: &[
            Step::Reply(
                "lucia@demo.ayuda",
                "Gracias por avisar. Hemos ampliado la capacidad del servidor en las horas punta; ¿lo notas mejor hoy?",
            ),
            Step::Reply("maria@demo.ayuda", "Sí, hoy va perfecto. ¡Gracias!"),
            Step::Resolve("maria@demo.ayuda"),
        ],
    },
    Story {
        requester: "emma@demo.ayuda",
        kind: "General query",
        title: "Change the email address on my account",
        description: "I moved to a new company; please change my login email to emma.johnson@newco.example.",
        steps: &[
            Step::Reply(
                "tom@demo.ayuda",
                "Done — you can log in with the new address from now on.",
            ),
            Step::Resolve("tom@demo.ayuda"),
            Step::Close("admin@demo.ayuda"),
        ],
    },
    Story {
        requester: "jorge@demo.ayuda",
        kind: "General query",
        title: "¿Emitís facturas con datos fiscales de empresa?",
        description: "Necesito que las facturas salgan a nombre de mi empresa con su RFC.",
        steps: &[Step::Assign("admin@demo.ayuda", "lucia@demo.ayuda")],
    },
];

/// Shared canned replies: (title, language, body with placeholders).
const CANNED: &[(&str, Locale, &str)] = &[
    (
        "Saludo",
        Locale::Es,
        "Hola {{customer.first_name}}:\n\nGracias por escribirnos. Soy {{agent.name}} y me ocupo de tu solicitud #{{ticket.number}}.",
    ),
    (
        "Greeting",
        Locale::En,
        "Hi {{customer.first_name}},\n\nThanks for reaching out. I'm {{agent.name}} and I'm looking after your request #{{ticket.number}}.",
    ),
    (
        "Pedir captura de pantalla",
        Locale::Es,
        "¿Podrías enviarnos una captura de pantalla de lo que ves? Puedes adjuntarla respondiendo a este mensaje.",
    ),
    (
        "Ask for a screenshot",
        Locale::En,
        "Could you send us a screenshot of what you see? You can attach it by replying to this message.",
    ),
    (
        "Cierre",
        Locale::Es,
        "Damos por resuelta la solicitud «{{ticket.title}}». Si algo no funciona, responde a este mensaje y la reabrimos.\n\nUn saludo,\n{{agent.name}}",
    ),
    (
        "Closing",
        Locale::En,
        "We are marking \"{{ticket.title}}\" as resolved. If anything is still wrong, reply to this message and we will reopen it.\n\nBest,\n{{agent.name}}",
    ),
];

/// Where each demo ticket begins, in days before now (oldest first), and how far apart the
/// steps of its story are.
const STORY_DAYS_AGO: [i64; 6] = [13, 9, 6, 4, 12, 1];
const STEP_MINUTES: i64 = 95;

async fn load_tickets(state: &AppState) -> anyhow::Result<()> {
    for (story, days_ago) in STORIES.iter().zip(STORY_DAYS_AGO) {
        let requester = person(state, story.requester).await?;
        let ticket = tickets::create(
            state,
            &requester,
            CreateTicket {
                title: story.title.into(),
                type_id: type_id(state, story.kind).await?,
                description: story.description.into(),
                attachment_ids: Vec::new(),
                requester_id: None,
                requester: None,
            },
            Channel::Web,
        )
        .await?;
        let n = ticket.id;
        for step in story.steps {
            match step {
                Step::Reply(who, body) | Step::Note(who, body) => {
                    let internal = matches!(step, Step::Note(..));
                    let reply = CreateReply {
                        body: (*body).into(),
                        internal,
                        attachment_ids: Vec::new(),
                        status: None,
                    };
                    tickets::create_reply(
                        state,
                        &person(state, who).await?,
                        n,
                        reply,
                        Channel::Web,
                    )
                    .await?;
                }
                Step::Assign(who, assignee) => {
                    let assignee = person(state, assignee).await?;
                    let change = UpdateTicket {
                        assignee_id: Some(Some(assignee.id)),
                        ..Default::default()
                    };
                    tickets::update(state, &person(state, who).await?, n, change).await?;
                }
                Step::Priority(who, priority) => {
                    let change = UpdateTicket {
                        priority: Some(*priority),
                        ..Default::default()
                    };
                    tickets::update(state, &person(state, who).await?, n, change).await?;
                }
                Step::Resolve(who) => {
                    tickets::resolve(state, &person(state, who).await?, n).await?;
                }
                Step::Close(who) => {
                    let change = UpdateTicket {
                        status: Some(TicketStatus::Closed),
                        ..Default::default()
                    };
                    tickets::update(state, &person(state, who).await?, n, change).await?;
                }
            }
        }
        spread_in_time(state, n, days_ago).await?;
    }
    Ok(())
}

/// Makes a story read as days of work instead of one instant: the ticket opens `days_ago`
/// days ago, and each later step comes [`STEP_MINUTES`] after the one before.
async fn spread_in_time(state: &AppState, number: i64, days_ago: i64) -> anyhow::Result<()> {
    let start = chrono::Utc::now() - chrono::Duration::days(days_ago);
    let txn = state.writer.begin().await?;
    ayuda_db::tickets::retime(&txn, number, |step| {
        start + chrono::Duration::minutes(STEP_MINUTES * i64::try_from(step).unwrap_or(0))
    })
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A demo article: category (base name), author, language, title, body, and the title of
/// the article it translates.
struct Doc {
    category: &'static str,
    author: &'static str,
    locale: Locale,
    title: &'static str,
    body: &'static str,
    translates: Option<&'static str>,
}

/// A name and its description.
type Named = (&'static str, &'static str);

/// (Spanish, English) names and descriptions of the demo categories; the Spanish name is
/// the base one.
const CATEGORIES: &[(Named, Named)] = &[
    (
        (
            "Cuenta y acceso",
            "Contraseñas, inicio de sesión y datos de tu cuenta",
        ),
        (
            "Account and access",
            "Passwords, signing in and your account details",
        ),
    ),
    (
        ("Facturación", "Facturas, pagos y suscripciones"),
        ("Billing", "Invoices, payments and subscriptions"),
    ),
    (
        ("Problemas técnicos", "Errores, lentitud y compatibilidad"),
        ("Technical problems", "Errors, slowness and compatibility"),
    ),
];

const ARTICLES: &[Doc] = &[
    Doc {
        category: "Cuenta y acceso",
        author: "lucia@demo.ayuda",
        locale: Locale::Es,
        title: "¿Cómo cambio mi contraseña?",
        body: "1. Entra en el portal y abre tu **perfil** (arriba a la derecha).\n2. En **Cambiar contraseña**, escribe la actual y la nueva.\n3. Pulsa **Cambiar contraseña**: las demás sesiones abiertas se cierran.\n\nSi no recuerdas la actual, usa **¿Olvidaste tu contraseña?** en la pantalla de inicio: te enviaremos un enlace que caduca en 2 horas.",
        translates: None,
    },
    Doc {
        category: "Cuenta y acceso",
        author: "tom@demo.ayuda",
        locale: Locale::En,
        title: "How do I change my password?",
        body: "1. Sign in to the portal and open your **profile** (top right).\n2. Under **Change password**, type the current one and the new one.\n3. Press **Change password**: your other open sessions are signed out.\n\nIf you do not remember the current one, use **Forgot your password?** on the sign-in page: we will send you a link that expires after 2 hours.",
        translates: Some("¿Cómo cambio mi contraseña?"),
    },
    Doc {
        category: "Cuenta y acceso",
        author: "tom@demo.ayuda",
        locale: Locale::En,
        title: "How do I reset a forgotten password?",
        body: "On the sign-in page choose **Forgot your password?** and enter your email. You will get a link that works once and expires after two hours.\n\nNo email after a few minutes? Check your spam folder, then write to support.",
        translates: None,
    },
    Doc {
        category: "Cuenta y acceso",
        author: "lucia@demo.ayuda",
        locale: Locale::Es,
        title: "¿Cómo recupero una contraseña olvidada?",
        body: "En la pantalla de inicio elige **¿Olvidaste tu contraseña?** y escribe tu correo. Recibirás un enlace que sirve una sola vez y caduca a las dos horas.\n\n¿No llega el correo en unos minutos? Mira en la carpeta de spam y después escribe a soporte.",
        translates: Some("How do I reset a forgotten password?"),
    },
    Doc {
        category: "Cuenta y acceso",
        author: "tom@demo.ayuda",
        locale: Locale::En,
        title: "Troubleshooting login problems on mobile",
        body: "If the page stays blank after you sign in on your phone:\n\n- update your browser to the latest version;\n- turn off *data saver* / *lite mode* for our site;\n- clear the site's cookies and try again.\n\nStill stuck? Open a ticket and tell us your phone model and browser.",
        translates: None,
    },
    Doc {
        category: "Facturación",
        author: "lucia@demo.ayuda",
        locale: Locale::Es,
        title: "Descargar tus facturas",
        body: "Todas tus facturas están en **Facturación → Facturas**. Filtra por año y pulsa *Descargar todas* para obtener un ZIP con los PDF.\n\nLas facturas se emiten el día del cobro y llevan tus datos fiscales si los has rellenado en tu perfil.",
        translates: None,
    },
    Doc {
        category: "Facturación",
        author: "tom@demo.ayuda",
        locale: Locale::En,
        title: "Downloading your invoices",
        body: "All your invoices are under **Billing → Invoices**. Filter by year and press *Download all* to get a ZIP of the PDFs.\n\nInvoices are issued on the day of payment and carry your tax details if you filled them in on your profile.",
        translates: Some("Descargar tus facturas"),
    },
    Doc {
        category: "Facturación",
        author: "tom@demo.ayuda",
        locale: Locale::En,
        title: "Why was I charged twice?",
        body: "A second charge is almost always a **retry by your bank** after a temporary decline. The duplicate is refunded automatically within 3–5 business days.\n\nIf it is not, open a ticket of type *Billing* with the date and amount of both charges.",
        translates: None,
    },
    Doc {
        category: "Facturación",
        author: "lucia@demo.ayuda",
        locale: Locale::Es,
        title: "¿Por qué me habéis cobrado dos veces?",
        body: "Un segundo cargo casi siempre es un **reintento de tu banco** tras un rechazo temporal. El importe duplicado se devuelve solo en 3 a 5 días hábiles.\n\nSi no es así, abre un ticket de tipo *Facturación* con la fecha y el importe de los dos cargos.",
        translates: Some("Why was I charged twice?"),
    },
    Doc {
        category: "Problemas técnicos",
        author: "lucia@demo.ayuda",
        locale: Locale::Es,
        title: "La aplicación va lenta: qué revisar",
        body: "Antes de abrir una solicitud, comprueba:\n\n| Qué | Cómo |\n| --- | --- |\n| Conexión | Abre otra web y mira si también tarda |\n| Navegador | Actualízalo y desactiva extensiones |\n| Caché | Borra los datos del sitio |\n\nSi sigue lento, dinos a qué hora pasa y desde qué país te conectas.",
        translates: None,
    },
];

async fn load_forum(state: &AppState) -> anyhow::Result<()> {
    let admin = person(state, "admin@demo.ayuda").await?;
    let mut ids = Vec::new();
    for (position, ((es, es_text), (en, en_text))) in (0i32..).zip(CATEGORIES) {
        let text = |name: &str, description: &str| CategoryText {
            name: name.into(),
            description: description.into(),
        };
        let category = forum::create_category(
            state,
            &admin,
            CreateCategory {
                name: (*es).into(),
                slug: None,
                description: (*es_text).into(),
                translations: CategoryTranslations {
                    es: Some(text(es, es_text)),
                    en: Some(text(en, en_text)),
                },
                position,
            },
        )
        .await?;
        ids.push((*es, category.id));
    }
    let mut written: Vec<(&str, i64)> = Vec::new();
    for doc in ARTICLES {
        let category_id = ids
            .iter()
            .find(|(name, _)| *name == doc.category)
            .map(|(_, id)| *id)
            .ok_or_else(|| anyhow::anyhow!("category {} missing", doc.category))?;
        let translation_of = doc
            .translates
            .and_then(|title| written.iter().find(|(t, _)| *t == title).map(|(_, id)| *id));
        let article = forum::create(
            state,
            &person(state, doc.author).await?,
            CreateArticle {
                title: doc.title.into(),
                body: doc.body.into(),
                category_id,
                slug: None,
                locale: Some(doc.locale),
                status: Some(ArticleStatus::Published),
                translation_of,
            },
        )
        .await?;
        written.push((doc.title, article.summary.id));
    }
    let draft = CreateArticle {
        title: "Novedades de la próxima versión".into(),
        body: "Borrador: chat en directo, respuestas guardadas y más. *No publicar todavía.*"
            .into(),
        category_id: ids[0].1,
        slug: None,
        locale: Some(Locale::Es),
        status: None,
        translation_of: None,
    };
    forum::create(state, &admin, draft).await?;
    Ok(())
}
