//! The data generator: users, N tickets with their first message, forum articles. Rows are
//! written in multi-row inserts inside large transactions; a fixed seed makes runs
//! comparable.

use ayuda_db::entity::{forum_article, forum_category, ticket, ticket_message, user};
use ayuda_db::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use chrono::{Duration, Utc};
use sea_orm::{EntityTrait, Set};

/// Password of every generated user.
pub const PASSWORD: &str = "bench-password";
/// Generated customers; tickets are spread over them.
pub const CUSTOMERS: i64 = 200;
/// Rows per INSERT statement.
const BATCH: usize = 500;

const WORDS: &[&str] = &[
    "factura",
    "cobro",
    "contraseña",
    "acceso",
    "móvil",
    "error",
    "pago",
    "tarjeta",
    "cuenta",
    "lento",
    "invoice",
    "refund",
    "password",
    "login",
    "export",
    "mobile",
    "crash",
    "billing",
    "upgrade",
    "plan",
    "correo",
    "email",
    "descarga",
    "download",
    "pantalla",
    "screen",
    "sincronizar",
    "sync",
    "perfil",
    "profile",
    "idioma",
    "language",
];

/// A small deterministic generator (xorshift), so every run seeds the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn words(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| WORDS[self.below(WORDS.len() as u64) as usize])
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A seeded ticket that is not closed, near `n` (agents cannot write to closed ones).
pub fn open_ticket_number(n: i64) -> i64 {
    if n % 5 == 4 { n - 1 } else { n }
}

/// Ids of what was generated.
pub struct Seeded {
    /// The agent's email.
    pub agent_email: String,
    /// Customers' emails.
    pub customer_emails: Vec<String>,
    /// First and last ticket number.
    pub tickets: (i64, i64),
    /// The type of generated tickets.
    pub type_id: i64,
}

/// Seeds `tickets` tickets (and users and articles) into a migrated, empty database.
pub async fn seed(db: &DatabaseConnection, tickets: i64) -> anyhow::Result<Seeded> {
    let password =
        ayuda_domain::Password::parse(PASSWORD, 8).map_err(|e| anyhow::anyhow!("password: {e}"))?;
    let hash = ayuda_server::auth::password::Hasher::for_this_machine()
        .hash(&password)
        .await?;
    let now = Utc::now();
    let mut rng = Rng(0x5eed_cafe_f00d_1234);

    let mut people = vec![("agent@bench.test".to_owned(), "agent")];
    for i in 0..CUSTOMERS {
        people.push((format!("customer{i}@bench.test"), "customer"));
    }
    let rows = people.iter().map(|(email, role)| user::ActiveModel {
        email: Set(email.clone()),
        name: Set(email.split('@').next().unwrap_or("x").to_owned()),
        username: Set(None),
        phone: Set(None),
        role: Set((*role).to_owned()),
        locale: Set("es".into()),
        password_hash: Set(Some(hash.clone())),
        active: Set(true),
        activated_at: Set(Some(now)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    });
    user::Entity::insert_many(rows).exec(db).await?;
    let agent_id = 1;
    let type_id = ayuda_db::ticket_types::list(db, false)
        .await?
        .first()
        .map(|t| t.id)
        .ok_or_else(|| anyhow::anyhow!("no ticket type"))?;

    let first = 1000;
    let last = first + tickets - 1;
    let statuses = ["new", "open", "pending", "resolved", "closed"];
    let mut number = first;
    while number <= last {
        let txn = db.begin().await?;
        for _ in 0..20 {
            if number > last {
                break;
            }
            let end = (number + BATCH as i64 - 1).min(last);
            let mut ticket_rows = Vec::with_capacity(BATCH);
            let mut message_rows = Vec::with_capacity(BATCH);
            for id in number..=end {
                let at = now - Duration::seconds(last - id);
                let requester = 2 + rng.below(CUSTOMERS as u64) as i64;
                // Every fifth ticket is closed (see `open_ticket_number`).
                let status = statuses[usize::try_from(id % 5).unwrap_or(0)];
                let body = rng.words(40);
                let active = matches!(status, "new" | "open");
                ticket_rows.push(ticket::ActiveModel {
                    id: Set(id),
                    title: Set(rng.words(6)),
                    type_id: Set(type_id),
                    status: Set(status.to_owned()),
                    priority: Set("normal".into()),
                    channel: Set("web".into()),
                    requester_id: Set(requester),
                    assignee_id: Set((rng.below(2) == 0).then_some(agent_id)),
                    parent_id: Set(None),
                    created_at: Set(at),
                    updated_at: Set(at),
                    resolved_at: Set(None),
                    closed_at: Set(None),
                    waiting_since: Set(active.then_some(at)),
                    last_message_at: Set(Some(at)),
                    last_message_excerpt: Set(Some(body.chars().take(200).collect())),
                    last_message_staff: Set(Some(false)),
                });
                message_rows.push(ticket_message::ActiveModel {
                    ticket_id: Set(id),
                    author_id: Set(requester),
                    body_html: Set(format!("<p>{body}</p>")),
                    body: Set(body),
                    internal: Set(false),
                    channel: Set("web".into()),
                    created_at: Set(at),
                    ..Default::default()
                });
            }
            ticket::Entity::insert_many(ticket_rows).exec(&txn).await?;
            ticket_message::Entity::insert_many(message_rows)
                .exec(&txn)
                .await?;
            number = end + 1;
        }
        txn.commit().await?;
    }
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        db.execute_unprepared(&format!("SELECT setval('tickets_id_seq', {last})"))
            .await?;
    }

    let category = forum_category::Entity::insert(forum_category::ActiveModel {
        slug: Set("general".into()),
        name: Set("General".into()),
        description: Set(String::new()),
        position: Set(0),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id;
    let articles = (0..300).map(|i| {
        let body = rng.words(300);
        forum_article::ActiveModel {
            category_id: Set(category),
            slug: Set(format!("article-{i}")),
            title: Set(rng.words(6)),
            body_html: Set(format!("<p>{body}</p>")),
            body: Set(body),
            locale: Set("es".into()),
            status: Set("published".into()),
            author_id: Set(agent_id),
            views: Set(0),
            helpful_yes: Set(0),
            helpful_no: Set(0),
            published_at: Set(Some(now)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
    });
    forum_article::Entity::insert_many(articles)
        .exec(db)
        .await?;
    // A desk that grew to this size has planner statistics (autovacuum keeps them); a bulk
    // load has none until autovacuum's next round, and plans made without them are not
    // what a real desk gets.
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        db.execute_unprepared("ANALYZE").await?;
    }

    Ok(Seeded {
        agent_email: "agent@bench.test".into(),
        customer_emails: people
            .iter()
            .filter(|(_, r)| *r == "customer")
            .map(|(e, _)| e.clone())
            .collect(),
        tickets: (first, last),
        type_id,
    })
}
