//! Tickets: creation, the joined view the API shows, filtered lists, full-text search and
//! state changes.
//!
//! Lists are keyset-paginated on the id (= the number), newest first; every filter has an
//! index ending in the id (see the tickets migration), so any page is a range seek.

use ayuda_types::{Channel, Priority, TicketSort, TicketStatus};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, Statement,
};

use crate::entity::ticket::{ActiveModel, Column, Entity, Model};
use crate::sql::Sql;
use crate::stored;

pub use crate::entity::ticket::Model as TicketRow;

/// A ticket with the names the API shows beside it, read in one query.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct TicketView {
    pub id: i64,
    pub title: String,
    pub type_id: i64,
    pub status: String,
    pub priority: String,
    pub channel: String,
    pub requester_id: i64,
    pub assignee_id: Option<i64>,
    pub parent_id: Option<i64>,
    pub chat_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub waiting_since: Option<DateTime<Utc>>,
    pub last_message_at: Option<DateTime<Utc>>,
    pub last_message_excerpt: Option<String>,
    pub last_message_staff: Option<bool>,
    pub type_name: String,
    pub type_name_es: Option<String>,
    pub type_name_en: Option<String>,
    pub requester_name: String,
    pub requester_email: String,
    pub assignee_name: Option<String>,
}

const VIEW_SELECT: &str = "SELECT t.id, t.title, t.type_id, t.status, t.priority, t.channel, \
     t.requester_id, t.assignee_id, t.parent_id, t.chat_id, t.created_at, t.updated_at, t.resolved_at, \
     t.closed_at, t.waiting_since, t.last_message_at, t.last_message_excerpt, \
     t.last_message_staff, ty.name AS type_name, ty.name_es AS type_name_es, ty.name_en AS type_name_en, \
     r.name AS requester_name, r.email AS requester_email, a.name AS assignee_name \
     FROM tickets t \
     JOIN ticket_types ty ON ty.id = t.type_id \
     JOIN users r ON r.id = t.requester_id \
     LEFT JOIN users a ON a.id = t.assignee_id";

/// The status of a stored ticket; an unknown one is an error ([`crate::stored`]).
pub fn status_of(status: &str) -> Result<TicketStatus, DbErr> {
    stored::read("tickets.status", status, TicketStatus::parse)
}

/// A ticket to open.
#[derive(Debug, Clone)]
pub struct NewTicket {
    /// Title.
    pub title: String,
    /// Ticket type.
    pub type_id: i64,
    /// The customer it is for.
    pub requester_id: i64,
    /// Where it came from.
    pub channel: Channel,
    /// The closed ticket it follows up.
    pub parent_id: Option<i64>,
}

/// Stores a new ticket in status `new`, priority `normal`, with `first` as its newest public
/// message; its id is its number.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert(
    conn: &impl ConnectionTrait,
    new: NewTicket,
    first: PublicMessage,
    now: DateTime<Utc>,
) -> Result<Model, DbErr> {
    ActiveModel {
        title: Set(new.title),
        type_id: Set(new.type_id),
        status: Set(TicketStatus::New.as_str().to_owned()),
        priority: Set(Priority::Normal.as_str().to_owned()),
        channel: Set(new.channel.as_str().to_owned()),
        requester_id: Set(new.requester_id),
        assignee_id: Set(None),
        parent_id: Set(new.parent_id),
        created_at: Set(now),
        updated_at: Set(now),
        resolved_at: Set(None),
        closed_at: Set(None),
        // The opening message, recorded with the ticket instead of by a second statement.
        waiting_since: Set((!first.staff).then_some(first.at)),
        last_message_at: Set(Some(first.at)),
        last_message_excerpt: Set(Some(first.excerpt)),
        last_message_staff: Set(Some(first.staff)),
        ..Default::default()
    }
    .insert(conn)
    .await
}

/// The ticket with this number.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find(conn: &impl ConnectionTrait, number: i64) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(number).one(conn).await
}

/// The ticket with this number, locked until the transaction ends (PostgreSQL; a SQLite
/// write transaction holds the whole database already).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_for_update(
    conn: &impl ConnectionTrait,
    number: i64,
) -> Result<Option<Model>, DbErr> {
    let query = Entity::find_by_id(number);
    match conn.get_database_backend() {
        DbBackend::Postgres => query.lock_exclusive().one(conn).await,
        _ => query.one(conn).await,
    }
}

/// The ticket with this number and the names around it.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_view(
    conn: &impl ConnectionTrait,
    number: i64,
) -> Result<Option<TicketView>, DbErr> {
    let mut sql = Sql::new(conn.get_database_backend(), VIEW_SELECT);
    sql.push(" WHERE t.id = ").bind(number);
    TicketView::find_by_statement(sql.build()).one(conn).await
}

/// Who is assigned, for list filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeFilter {
    /// Unassigned tickets.
    Nobody,
    /// Tickets assigned to this user.
    User(i64),
}

/// Filters of `GET /api/v1/tickets`; all given ones must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketFilter {
    /// Only this requester's tickets (always set for customers).
    pub requester_id: Option<i64>,
    /// Only tickets in one of these statuses (empty: any). One status is served by the
    /// (status, id) index in order; several (the agent workspace's views of active tickets)
    /// are read from the same index and sorted, which stays small because only active
    /// tickets have those statuses.
    pub statuses: Vec<TicketStatus>,
    /// Only tickets of this type.
    pub type_id: Option<i64>,
    /// Only tickets with this assignee (or none).
    pub assignee: Option<AssigneeFilter>,
}

impl TicketFilter {
    fn push_conditions(&self, sql: &mut Sql) {
        if let Some(id) = self.requester_id {
            sql.push(" AND t.requester_id = ").bind(id);
        }
        match self.statuses.as_slice() {
            [] => {}
            [status] => {
                sql.push(" AND t.status = ").bind(status.as_str());
            }
            several => {
                sql.push(" AND t.status IN ")
                    .bind_list(several.iter().map(|s| s.as_str()));
            }
        }
        if let Some(id) = self.type_id {
            sql.push(" AND t.type_id = ").bind(id);
        }
        match self.assignee {
            Some(AssigneeFilter::Nobody) => {
                sql.push(" AND t.assignee_id IS NULL");
            }
            Some(AssigneeFilter::User(id)) => {
                sql.push(" AND t.assignee_id = ").bind(id);
            }
            None => {}
        }
    }
}

/// The list query, exposed so tests can `EXPLAIN` it: tickets matching `filter` in
/// `sort` order after the ticket with id `after`, `limit + 1` rows.
///
/// Newest first pages on the id alone. The other orders compare their sort keys as a row
/// value with the same keys read again from the `after` ticket, so a cursor carries only an
/// id (a ticket that changed meanwhile moves, as it would on a reload).
pub fn list_statement(
    backend: DbBackend,
    filter: &TicketFilter,
    sort: TicketSort,
    after: Option<i64>,
    limit: u64,
) -> Statement {
    let mut sql = Sql::new(backend, VIEW_SELECT);
    sql.push(" WHERE 1 = 1");
    filter.push_conditions(&mut sql);
    let keys = sort_keys(sort);
    match after {
        // Newest first: the id is the whole key, a plain range on the primary key.
        Some(after) if sort == TicketSort::Newest => {
            sql.push(" AND t.id < ").bind(after);
        }
        Some(after) => {
            let (ours, theirs) = (keys.of("t"), keys.of("c"));
            let op = if keys.descending { "<" } else { ">" };
            sql.push(&format!(
                " AND ({ours}) {op} (SELECT {theirs} FROM tickets c WHERE c.id = "
            ))
            .bind(after)
            .push(")");
        }
        None => {}
    }
    let direction = if keys.descending { " DESC" } else { "" };
    let order: Vec<String> = keys
        .exprs
        .iter()
        .map(|e| format!("{}{direction}", e.replace("{}", "t")))
        .collect();
    sql.push(&format!(" ORDER BY {} LIMIT ", order.join(", ")))
        .bind(i64::try_from(limit + 1).unwrap_or(i64::MAX));
    sql.build()
}

/// The sort keys of an order, as SQL over a table alias written `{}`, the id last.
struct SortKeys {
    exprs: &'static [&'static str],
    descending: bool,
}

impl SortKeys {
    fn of(&self, alias: &str) -> String {
        self.exprs.join(", ").replace("{}", alias)
    }
}

fn sort_keys(sort: TicketSort) -> SortKeys {
    const WAIT: &str = "COALESCE({}.waiting_since, {}.updated_at)";
    match sort {
        TicketSort::Newest => SortKeys {
            exprs: &["{}.id"],
            descending: true,
        },
        TicketSort::Updated => SortKeys {
            exprs: &["{}.updated_at", "{}.id"],
            descending: true,
        },
        TicketSort::OldestWaiting => SortKeys {
            exprs: &[
                "CASE WHEN {}.waiting_since IS NULL THEN 1 ELSE 0 END",
                WAIT,
                "{}.id",
            ],
            descending: false,
        },
        TicketSort::Priority => SortKeys {
            exprs: &[
                "CASE {}.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 \
                 WHEN 'normal' THEN 2 ELSE 3 END",
                WAIT,
                "{}.id",
            ],
            descending: false,
        },
    }
}

/// How many tickets have one of `statuses`, optionally only those with `assignee` (the
/// list filter's meaning). Counted over the (status, ...) and (assignee, status) indexes.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn count(
    conn: &impl ConnectionTrait,
    statuses: &[TicketStatus],
    assignee: Option<AssigneeFilter>,
) -> Result<u64, DbErr> {
    let mut query =
        Entity::find().filter(Column::Status.is_in(statuses.iter().map(|s| s.as_str())));
    query = match assignee {
        Some(AssigneeFilter::User(id)) => query.filter(Column::AssigneeId.eq(id)),
        Some(AssigneeFilter::Nobody) => query.filter(Column::AssigneeId.is_null()),
        None => query,
    };
    query.count(conn).await
}

/// One page of tickets matching `filter` in `sort` order (see [`list_statement`]).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(
    conn: &impl ConnectionTrait,
    filter: &TicketFilter,
    sort: TicketSort,
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<TicketView>, DbErr> {
    let stmt = list_statement(conn.get_database_backend(), filter, sort, after, limit);
    TicketView::find_by_statement(stmt).all(conn).await
}

/// How many of the newest matching titles, and as many messages, a search over the whole
/// desk ranks. Ranking every match costs in proportion to the matches, and a common word
/// matches most of a large desk (at 1,000,000 tickets, 64 such searches at once took half a
/// minute each and 18 GB of memory). So, as in other helpdesks' search, a broad query is
/// answered from the most recent matches and a narrower one reaches older tickets. A search
/// within one requester's tickets (every customer's search) ranks all of theirs.
pub const SEARCH_CANDIDATES: i64 = 1000;

/// Tickets matching `filter` whose title or conversation contains any term (the last one
/// as a prefix), best first; `limit + 1` rows after the ticket with id `after` (whose score
/// the query computes again, so a cursor never has to carry one). Internal notes count only
/// with `include_internal`, so a customer's search never reveals what agents wrote about them.
/// Without a requester in `filter`, only the [`SEARCH_CANDIDATES`] newest matching titles
/// and messages are ranked.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn search(
    conn: &impl ConnectionTrait,
    filter: &TicketFilter,
    terms: &[ayuda_domain::search::Term],
    include_internal: bool,
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<(TicketView, f64)>, DbErr> {
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let backend = conn.get_database_backend();
    // Scores are rounded so that the anchor of the next page compares equal to the score
    // its row gets in the ranking (float sums may differ in the last bits).
    let score = match backend {
        DbBackend::Postgres => "ROUND(g.score::numeric, 6)::float8",
        _ => "ROUND(g.score, 6)",
    };
    let mut sql = Sql::new(backend, "WITH ranked AS (SELECT t.id AS id, ");
    sql.push(score)
        .push(" AS score FROM (SELECT ticket_id, SUM(score) AS score FROM (");
    push_matches(
        &mut sql,
        backend,
        terms,
        filter.requester_id,
        include_internal,
    );
    // Summed per ticket before tickets are joined, so each ticket is looked up once by key
    // (on PostgreSQL a join before the sum was planned as a nested loop over the matches,
    // quadratic, when the statistics were stale). CROSS JOIN keeps that order on SQLite.
    sql.push(match backend {
        DbBackend::Postgres => {
            ") h GROUP BY ticket_id) g JOIN tickets t ON t.id = g.ticket_id WHERE 1 = 1"
        }
        _ => ") h GROUP BY ticket_id) g CROSS JOIN tickets t ON t.id = g.ticket_id WHERE 1 = 1",
    });
    filter.push_conditions(&mut sql);
    sql.push(") SELECT id, score FROM ranked");
    crate::search::push_after_anchor(&mut sql, after);
    sql.push(" ORDER BY score DESC, id DESC LIMIT ")
        .bind(i64::try_from(limit + 1).unwrap_or(i64::MAX));

    #[derive(FromQueryResult)]
    struct Hit {
        id: i64,
        score: f64,
    }
    let hits = Hit::find_by_statement(sql.build()).all(conn).await?;
    if hits.is_empty() {
        return Ok(Vec::new());
    }
    let mut views = Sql::new(backend, VIEW_SELECT);
    views
        .push(" WHERE t.id IN ")
        .bind_list(hits.iter().map(|h| h.id));
    let mut views = TicketView::find_by_statement(views.build())
        .all(conn)
        .await?;
    Ok(hits
        .into_iter()
        .filter_map(|hit| {
            let at = views.iter().position(|v| v.id == hit.id)?;
            Some((views.swap_remove(at), hit.score))
        })
        .collect())
}

/// The scored matches of a ticket search, as rows `(ticket_id, score)`: titles (worth
/// double) and messages, either the newest [`SEARCH_CANDIDATES`] of each over the whole
/// desk or all of one requester's, which are read from their tickets.
fn push_matches(
    sql: &mut Sql,
    backend: DbBackend,
    terms: &[ayuda_domain::search::Term],
    requester: Option<i64>,
    include_internal: bool,
) {
    let postgres = backend == DbBackend::Postgres;
    // PostgreSQL's query is a literal (see `tsquery_literal`), SQLite's a bound value.
    let q = crate::search::tsquery_literal(terms);
    let query = crate::search::fts5_match(terms);
    let internal = match (include_internal, postgres) {
        (true, _) => "",
        (false, true) => " AND m.internal = FALSE",
        (false, false) => " AND m.internal = 0",
    };
    match (requester, postgres) {
        (None, true) => {
            sql.push(&format!(
                "SELECT ticket_id, ts_rank(search, {q})::float8 * 2 AS score \
                 FROM (SELECT id AS ticket_id, search FROM tickets WHERE search @@ {q} \
                 ORDER BY id DESC LIMIT {SEARCH_CANDIDATES}) x \
                 UNION ALL SELECT ticket_id, ts_rank(search, {q})::float8 AS score \
                 FROM (SELECT m.ticket_id, m.search FROM ticket_messages m WHERE m.search @@ {q}{internal} \
                 ORDER BY m.id DESC LIMIT {SEARCH_CANDIDATES}) y"
            ));
        }
        (Some(requester), true) => {
            sql.push(&format!(
                "SELECT id AS ticket_id, ts_rank(search, {q})::float8 * 2 AS score FROM tickets \
                 WHERE search @@ {q} AND requester_id = "
            ))
            .bind(requester)
            .push(&format!(
                " UNION ALL SELECT m.ticket_id, ts_rank(m.search, {q})::float8 AS score \
                 FROM tickets r JOIN ticket_messages m ON m.ticket_id = r.id \
                 WHERE m.search @@ {q}{internal} AND r.requester_id = "
            ))
            .bind(requester);
        }
        // FTS5 walks a match's rows newest first and stops at the limit, so only those rows
        // are scored (bm25()'s IDF still counts all matches of each term: the cost left).
        (None, false) => {
            sql.push(
                "SELECT ticket_id, score FROM (SELECT rowid AS ticket_id, \
                 -bm25(ticket_title_fts) * 2 AS score FROM ticket_title_fts \
                 WHERE ticket_title_fts MATCH ",
            )
            .bind(query.clone())
            .push(" ORDER BY rowid DESC LIMIT ")
            .bind(SEARCH_CANDIDATES)
            .push(
                ") UNION ALL SELECT m.ticket_id, s.score FROM (SELECT rowid AS id, \
                 -bm25(ticket_message_fts) AS score FROM ticket_message_fts \
                 WHERE ticket_message_fts MATCH ",
            )
            .bind(query)
            .push(" ORDER BY rowid DESC LIMIT ")
            .bind(SEARCH_CANDIDATES)
            .push(") s CROSS JOIN ticket_messages m ON m.id = s.id WHERE 1 = 1")
            .push(internal);
        }
        // The requester's tickets drive; each is looked up in the full-text index by rowid
        // under the MATCH (CROSS JOIN keeps that order).
        (Some(requester), false) => {
            sql.push(
                "SELECT r.id AS ticket_id, -bm25(ticket_title_fts) * 2 AS score FROM tickets r \
                 CROSS JOIN ticket_title_fts ON ticket_title_fts.rowid = r.id \
                 WHERE r.requester_id = ",
            )
            .bind(requester)
            .push(" AND ticket_title_fts MATCH ")
            .bind(query.clone())
            .push(
                " UNION ALL SELECT m.ticket_id, -bm25(ticket_message_fts) AS score FROM tickets r \
                 CROSS JOIN ticket_messages m ON m.ticket_id = r.id \
                 CROSS JOIN ticket_message_fts ON ticket_message_fts.rowid = m.id \
                 WHERE r.requester_id = ",
            )
            .bind(requester)
            .push(" AND ticket_message_fts MATCH ")
            .bind(query)
            .push(internal);
        }
    }
}

/// Changes to a ticket; `None` leaves a field alone.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    /// New status.
    pub status: Option<TicketStatus>,
    /// New priority.
    pub priority: Option<Priority>,
    /// New type.
    pub type_id: Option<i64>,
    /// New assignee (`Some(None)` unassigns).
    pub assignee_id: Option<Option<i64>>,
    /// A public message just added (see [`record_public_message`]).
    pub message: Option<PublicMessage>,
}

/// Applies `changes` and bumps `updated_at`; entering `resolved` or `closed` stamps the time,
/// leaving `resolved` clears it.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn update(
    conn: &impl ConnectionTrait,
    row: Model,
    changes: &Changes,
    now: DateTime<Utc>,
) -> Result<Model, DbErr> {
    let waiting_since = row.waiting_since;
    let mut active: ActiveModel = row.into();
    if let Some(message) = &changes.message {
        active.waiting_since = Set(if message.staff {
            None
        } else {
            Some(waiting_since.unwrap_or(message.at))
        });
        active.last_message_at = Set(Some(message.at));
        active.last_message_excerpt = Set(Some(message.excerpt.clone()));
        active.last_message_staff = Set(Some(message.staff));
    }
    if let Some(status) = changes.status {
        active.status = Set(status.as_str().to_owned());
        match status {
            TicketStatus::Resolved => active.resolved_at = Set(Some(now)),
            TicketStatus::Closed => active.closed_at = Set(Some(now)),
            _ => active.resolved_at = Set(None),
        }
        // A resolved or closed ticket keeps nobody waiting.
        if matches!(status, TicketStatus::Resolved | TicketStatus::Closed) {
            active.waiting_since = Set(None);
        }
    }
    if let Some(priority) = changes.priority {
        active.priority = Set(priority.as_str().to_owned());
    }
    if let Some(type_id) = changes.type_id {
        active.type_id = Set(type_id);
    }
    if let Some(assignee) = changes.assignee_id {
        active.assignee_id = Set(assignee);
    }
    active.updated_at = Set(now);
    active.update(conn).await
}

/// Numbers of tickets resolved before `cutoff`, oldest first, for the auto-close job.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn resolved_before(
    conn: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::Status.eq(TicketStatus::Resolved.as_str()))
        .filter(Column::ResolvedAt.lt(cutoff))
        .order_by_asc(Column::ResolvedAt)
        .limit(limit)
        .into_tuple::<i64>()
        .all(conn)
        .await
}

/// Closes ticket `number` if it is still resolved since before `cutoff`. Returns whether this
/// call closed it: of several instances racing, exactly one does.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn close_if_resolved_before(
    conn: &impl ConnectionTrait,
    number: i64,
    cutoff: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = Entity::update_many()
        .col_expr(Column::Status, TicketStatus::Closed.as_str().into())
        .col_expr(Column::ClosedAt, Some(now).into())
        .col_expr(Column::UpdatedAt, now.into())
        .filter(Column::Id.eq(number))
        .filter(Column::Status.eq(TicketStatus::Resolved.as_str()))
        .filter(Column::ResolvedAt.lt(cutoff))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// A public message just added to a ticket.
#[derive(Debug, Clone)]
pub struct PublicMessage {
    /// When it was written.
    pub at: DateTime<Utc>,
    /// Its start as plain text (at most 200 characters).
    pub excerpt: String,
    /// Whether staff wrote it.
    pub staff: bool,
}

/// Moves every timestamp of ticket `number` (the ticket, its messages and its audit trail)
/// to `at(rank)`, where `rank` numbers the distinct moments of the ticket in time order: for
/// demo data, which is written in one go but should read as weeks of work, each step of a
/// story after the one before.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn retime(
    conn: &impl ConnectionTrait,
    number: i64,
    at: impl Fn(usize) -> DateTime<Utc>,
) -> Result<(), DbErr> {
    use crate::entity::{ticket_event, ticket_message};
    let messages = ticket_message::Entity::find()
        .filter(ticket_message::Column::TicketId.eq(number))
        .all(conn)
        .await?;
    let events = ticket_event::Entity::find()
        .filter(ticket_event::Column::TicketId.eq(number))
        .all(conn)
        .await?;
    let Some(ticket) = find(conn, number).await? else {
        return Ok(());
    };
    let mut moments: Vec<DateTime<Utc>> = messages
        .iter()
        .map(|m| m.created_at)
        .chain(events.iter().map(|e| e.created_at))
        .chain([ticket.created_at, ticket.updated_at])
        .chain(ticket.resolved_at)
        .chain(ticket.closed_at)
        .collect();
    moments.sort_unstable();
    moments.dedup();
    // Every time passed here is one of `moments`.
    let to = |t: DateTime<Utc>| at(moments.binary_search(&t).unwrap_or_else(|i| i));
    for message in messages {
        let when = to(message.created_at);
        let mut active: ticket_message::ActiveModel = message.into();
        active.created_at = Set(when);
        active.update(conn).await?;
    }
    for event in events {
        let when = to(event.created_at);
        let mut active: ticket_event::ActiveModel = event.into();
        active.created_at = Set(when);
        active.update(conn).await?;
    }
    let mut active: ActiveModel = ticket.clone().into();
    active.created_at = Set(to(ticket.created_at));
    active.updated_at = Set(to(ticket.updated_at));
    active.resolved_at = Set(ticket.resolved_at.map(to));
    active.closed_at = Set(ticket.closed_at.map(to));
    active.waiting_since = Set(ticket.waiting_since.map(to));
    active.last_message_at = Set(ticket.last_message_at.map(to));
    active.update(conn).await?;
    Ok(())
}
