//! Live chats: the chat rows, their gapless event log, the queue, agents' presence and
//! capacity, the desk feed, and single-use WebSocket tickets.
//!
//! Sequence numbers are assigned in the transaction that stores the event: the chat's row
//! is updated (`last_seq = last_seq + 1 ... RETURNING`), which on PostgreSQL also locks it
//! until commit, so events of one chat commit in `seq` order without gaps. The desk feed
//! takes a transaction-scoped advisory lock for the same reason.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Value};

use crate::sql::Sql;

/// A chat with the names around it.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct ChatView {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub customer_email: String,
    pub state: String,
    pub bot_active: bool,
    pub bot_node_id: Option<i64>,
    pub bot_misses: i32,
    pub locale: String,
    pub priority: i32,
    pub queued_at: Option<DateTime<Utc>>,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub assigned_at: Option<DateTime<Utc>>,
    pub ticket_id: Option<i64>,
    pub close_reason: Option<String>,
    pub previous_chat_id: Option<i64>,
    pub last_seq: i64,
    pub customer_read_seq: i64,
    pub agent_read_seq: i64,
    pub last_customer_at: DateTime<Utc>,
    pub customer_seen_at: DateTime<Utc>,
    pub mailed_seq: i64,
    pub mailed_at: Option<DateTime<Utc>>,
    pub soft_offered: bool,
    pub inactive_warned: bool,
    pub rating: Option<i16>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

const VIEW_SELECT: &str = "SELECT c.id, c.customer_id, cu.name AS customer_name, \
     cu.email AS customer_email, c.state, c.bot_active, c.bot_node_id, c.bot_misses, c.locale, \
     c.priority, c.queued_at, c.assignee_id, a.name AS assignee_name, c.assigned_at, \
     c.ticket_id, c.close_reason, c.previous_chat_id, c.last_seq, c.customer_read_seq, \
     c.agent_read_seq, c.last_customer_at, c.customer_seen_at, c.mailed_seq, c.mailed_at, \
     c.soft_offered, c.inactive_warned, c.rating, c.created_at, c.updated_at, c.closed_at \
     FROM chats c JOIN users cu ON cu.id = c.customer_id \
     LEFT JOIN users a ON a.id = c.assignee_id";

/// A chat to open.
#[derive(Debug, Clone)]
pub struct NewChat {
    pub customer_id: i64,
    pub locale: &'static str,
    pub previous_chat_id: Option<i64>,
}

/// Opens a chat in the bot's hands. A second open chat of the same customer violates
/// `idx_chats_one_open` ([`crate::is_unique_violation`]).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert(
    conn: &impl ConnectionTrait,
    new: NewChat,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let mut sql = Sql::new(
        conn.get_database_backend(),
        "INSERT INTO chats (customer_id, state, bot_active, locale, previous_chat_id, \
         last_customer_at, customer_seen_at, created_at, updated_at) VALUES (",
    );
    sql.bind(new.customer_id)
        .push(", 'bot', TRUE, ")
        .bind(new.locale)
        .push(", ")
        .bind(new.previous_chat_id)
        .push(", ")
        .bind(now)
        .push(", ")
        .bind(now)
        .push(", ")
        .bind(now)
        .push(", ")
        .bind(now)
        .push(") RETURNING id");
    let row = conn
        .query_one_raw(sql.build())
        .await?
        .ok_or_else(|| DbErr::Custom("INSERT ... RETURNING gave no row".into()))?;
    row.try_get("", "id")
}

/// One chat.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find(conn: &impl ConnectionTrait, id: i64) -> Result<Option<ChatView>, DbErr> {
    let mut sql = Sql::new(conn.get_database_backend(), VIEW_SELECT);
    sql.push(" WHERE c.id = ").bind(id);
    ChatView::find_by_statement(sql.build()).one(conn).await
}

/// One chat, locked until the transaction ends (PostgreSQL; a SQLite write transaction
/// holds the whole database already).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_for_update(
    conn: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<ChatView>, DbErr> {
    let backend = conn.get_database_backend();
    let mut sql = Sql::new(backend, VIEW_SELECT);
    sql.push(" WHERE c.id = ").bind(id);
    if backend == DbBackend::Postgres {
        sql.push(" FOR UPDATE OF c");
    }
    ChatView::find_by_statement(sql.build()).one(conn).await
}

/// The customer's open chat, if any.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn open_of_customer(
    conn: &impl ConnectionTrait,
    customer_id: i64,
) -> Result<Option<ChatView>, DbErr> {
    let mut sql = Sql::new(conn.get_database_backend(), VIEW_SELECT);
    sql.push(" WHERE c.customer_id = ")
        .bind(customer_id)
        .push(" AND c.state <> 'closed'");
    ChatView::find_by_statement(sql.build()).one(conn).await
}

/// Filters of chat lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChatFilter {
    /// Only this customer's.
    pub customer_id: Option<i64>,
    /// Only in this state.
    pub state: Option<&'static str>,
    /// Only this agent's.
    pub assignee_id: Option<i64>,
}

/// One page of chats, newest first, below `before`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(
    conn: &impl ConnectionTrait,
    filter: &ChatFilter,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<ChatView>, DbErr> {
    let mut sql = Sql::new(conn.get_database_backend(), VIEW_SELECT);
    sql.push(" WHERE 1 = 1");
    if let Some(customer) = filter.customer_id {
        sql.push(" AND c.customer_id = ").bind(customer);
    }
    if let Some(state) = filter.state {
        sql.push(" AND c.state = ").bind(state);
    }
    if let Some(agent) = filter.assignee_id {
        sql.push(" AND c.assignee_id = ").bind(agent);
    }
    if let Some(before) = before {
        sql.push(" AND c.id < ").bind(before);
    }
    sql.push(" ORDER BY c.id DESC LIMIT ")
        .bind(i64::try_from(limit + 1).unwrap_or(i64::MAX));
    ChatView::find_by_statement(sql.build()).all(conn).await
}

/// The waiting chats in queue order: priority, then `queued_at`. The queue is bounded by
/// its limit, so it is read whole.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn queue(conn: &impl ConnectionTrait) -> Result<Vec<ChatView>, DbErr> {
    let mut sql = Sql::new(conn.get_database_backend(), VIEW_SELECT);
    sql.push(" WHERE c.state = 'waiting' ORDER BY c.priority DESC, c.queued_at ASC, c.id ASC");
    ChatView::find_by_statement(sql.build()).all(conn).await
}

/// Chats waiting now.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn queue_len(conn: &impl ConnectionTrait) -> Result<u32, DbErr> {
    let sql = Sql::new(
        conn.get_database_backend(),
        "SELECT COUNT(*) AS n FROM chats WHERE state = 'waiting'",
    );
    count(conn, sql).await
}

async fn count(conn: &impl ConnectionTrait, sql: Sql) -> Result<u32, DbErr> {
    let row = conn.query_one_raw(sql.build()).await?;
    let n: i64 = match row {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Seconds waited by chats an agent took since `since`, most recent first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn recent_waits(
    conn: &impl ConnectionTrait,
    since: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    #[derive(FromQueryResult)]
    struct Wait {
        queued_at: DateTime<Utc>,
        assigned_at: DateTime<Utc>,
    }
    let mut sql = Sql::new(
        conn.get_database_backend(),
        "SELECT queued_at, assigned_at FROM chats WHERE assigned_at > ",
    );
    sql.bind(since)
        .push(" AND queued_at IS NOT NULL ORDER BY assigned_at DESC LIMIT ")
        .bind(i64::try_from(limit).unwrap_or(i64::MAX));
    let waits = Wait::find_by_statement(sql.build()).all(conn).await?;
    Ok(waits
        .into_iter()
        .map(|w| (w.assigned_at - w.queued_at).num_seconds().max(0))
        .collect())
}

/// What a move changes of a chat's row; `None` fields stay.
#[derive(Debug, Clone, Default)]
pub struct ChatChanges {
    pub state: Option<&'static str>,
    pub bot_active: Option<bool>,
    pub bot_node_id: Option<Option<i64>>,
    pub bot_misses: Option<i32>,
    pub priority: Option<i32>,
    pub queued_at: Option<Option<DateTime<Utc>>>,
    pub assignee_id: Option<Option<i64>>,
    pub assigned_at: Option<DateTime<Utc>>,
    pub ticket_id: Option<i64>,
    pub close_reason: Option<&'static str>,
    pub closed_at: Option<DateTime<Utc>>,
    pub last_customer_at: Option<DateTime<Utc>>,
    pub customer_seen_at: Option<DateTime<Utc>>,
    pub customer_read_seq: Option<i64>,
    pub agent_read_seq: Option<i64>,
    pub mailed: Option<(i64, DateTime<Utc>)>,
    pub soft_offered: Option<bool>,
    pub inactive_warned: Option<bool>,
    pub rating: Option<(i16, Option<String>)>,
}

/// Applies `changes` to chat `id`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn update(
    conn: &impl ConnectionTrait,
    id: i64,
    changes: ChatChanges,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut sql = Sql::new(
        conn.get_database_backend(),
        "UPDATE chats SET updated_at = ",
    );
    sql.bind(now);
    let set = |sql: &mut Sql, column: &str, value: Value| {
        sql.push(", ").push(column).push(" = ").bind(value);
    };
    let ChatChanges {
        state,
        bot_active,
        bot_node_id,
        bot_misses,
        priority,
        queued_at,
        assignee_id,
        assigned_at,
        ticket_id,
        close_reason,
        closed_at,
        last_customer_at,
        customer_seen_at,
        customer_read_seq,
        agent_read_seq,
        mailed,
        soft_offered,
        inactive_warned,
        rating,
    } = changes;
    if let Some(v) = state {
        set(&mut sql, "state", v.into());
    }
    if let Some(v) = bot_active {
        set(&mut sql, "bot_active", v.into());
    }
    if let Some(v) = bot_node_id {
        set(&mut sql, "bot_node_id", v.into());
    }
    if let Some(v) = bot_misses {
        set(&mut sql, "bot_misses", v.into());
    }
    if let Some(v) = priority {
        set(&mut sql, "priority", v.into());
    }
    if let Some(v) = queued_at {
        set(&mut sql, "queued_at", v.into());
    }
    if let Some(v) = assignee_id {
        set(&mut sql, "assignee_id", v.into());
    }
    if let Some(v) = assigned_at {
        set(&mut sql, "assigned_at", v.into());
    }
    if let Some(v) = ticket_id {
        set(&mut sql, "ticket_id", v.into());
    }
    if let Some(v) = close_reason {
        set(&mut sql, "close_reason", v.into());
    }
    if let Some(v) = closed_at {
        set(&mut sql, "closed_at", v.into());
    }
    if let Some(v) = last_customer_at {
        set(&mut sql, "last_customer_at", v.into());
    }
    if let Some(v) = customer_seen_at {
        set(&mut sql, "customer_seen_at", v.into());
    }
    if let Some(v) = customer_read_seq {
        set(&mut sql, "customer_read_seq", v.into());
    }
    if let Some(v) = agent_read_seq {
        set(&mut sql, "agent_read_seq", v.into());
    }
    if let Some((seq, at)) = mailed {
        set(&mut sql, "mailed_seq", seq.into());
        set(&mut sql, "mailed_at", at.into());
    }
    if let Some(v) = soft_offered {
        set(&mut sql, "soft_offered", v.into());
    }
    if let Some(v) = inactive_warned {
        set(&mut sql, "inactive_warned", v.into());
    }
    if let Some((score, comment)) = rating {
        set(&mut sql, "rating", score.into());
        set(&mut sql, "rating_comment", comment.into());
    }
    sql.push(" WHERE id = ").bind(id);
    conn.execute_raw(sql.build()).await.map(|_| ())
}

/// Gives waiting chat `id` to `agent_id` if it is still waiting and the agent is under
/// their capacity: one conditional update, after locking the agent's presence row so two
/// accepts by one agent on PostgreSQL count each other. False: taken, not waiting, or the
/// agent is full (the caller tells which).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn assign_if_free(
    conn: &impl ConnectionTrait,
    id: i64,
    agent_id: i64,
    from_state: &'static str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let backend = conn.get_database_backend();
    lock_agent(conn, agent_id).await?;
    let mut sql = Sql::new(
        backend,
        "UPDATE chats SET state = 'active', bot_active = FALSE, ",
    );
    sql.push("assignee_id = ")
        .bind(agent_id)
        .push(", assigned_at = ")
        .bind(now)
        .push(", updated_at = ")
        .bind(now)
        .push(", last_customer_at = ")
        .bind(now)
        .push(", inactive_warned = FALSE WHERE id = ")
        .bind(id)
        .push(" AND state = ")
        .bind(from_state)
        .push(" AND (assignee_id IS NULL OR assignee_id <> ")
        .bind(agent_id)
        .push(") AND (SELECT COUNT(*) FROM chats o WHERE o.assignee_id = ")
        .bind(agent_id)
        .push(" AND o.state = 'active') < COALESCE((SELECT p.max_chats FROM agent_presence p WHERE p.user_id = ")
        .bind(agent_id)
        .push("), ")
        .bind(DEFAULT_MAX_CHATS)
        .push(")");
    let done = conn.execute_raw(sql.build()).await?;
    if done.rows_affected() == 1 {
        let mut touch = Sql::new(backend, "UPDATE agent_presence SET last_assigned_at = ");
        touch.bind(now).push(" WHERE user_id = ").bind(agent_id);
        conn.execute_raw(touch.build()).await?;
        return Ok(true);
    }
    Ok(false)
}

/// Capacity of an agent who never set one (`AYUDA_CHAT_MAX_CHATS` sets the row's default
/// when presence is first stored).
pub const DEFAULT_MAX_CHATS: i32 = 3;

async fn lock_agent(conn: &impl ConnectionTrait, agent_id: i64) -> Result<(), DbErr> {
    if conn.get_database_backend() == DbBackend::Postgres {
        let mut sql = Sql::new(
            DbBackend::Postgres,
            "SELECT user_id FROM agent_presence WHERE user_id = ",
        );
        sql.bind(agent_id).push(" FOR UPDATE");
        conn.query_one_raw(sql.build()).await?;
    }
    Ok(())
}

/// Active chats of an agent.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn active_count(conn: &impl ConnectionTrait, agent_id: i64) -> Result<u32, DbErr> {
    let mut sql = Sql::new(
        conn.get_database_backend(),
        "SELECT COUNT(*) AS n FROM chats WHERE state = 'active' AND assignee_id = ",
    );
    sql.bind(agent_id);
    count(conn, sql).await
}

/// A stored chat event, with its author's name.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct EventRow {
    pub id: i64,
    pub chat_id: i64,
    pub seq: i64,
    pub kind: String,
    pub author_kind: Option<String>,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub body: Option<String>,
    pub body_html: Option<String>,
    pub data: String,
    pub client_msg_id: Option<String>,
    pub internal: bool,
    pub created_at: DateTime<Utc>,
}

const EVENT_SELECT: &str = "SELECT e.id, e.chat_id, e.seq, e.kind, e.author_kind, e.author_id, \
     u.name AS author_name, e.body, e.body_html, e.data, e.client_msg_id, e.internal, \
     e.created_at FROM chat_events e LEFT JOIN users u ON u.id = e.author_id";

/// An event to store.
#[derive(Debug, Clone, Default)]
pub struct NewEvent {
    pub kind: &'static str,
    pub author_kind: Option<&'static str>,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub body: Option<String>,
    pub body_html: Option<String>,
    /// JSON object.
    pub data: String,
    pub client_msg_id: Option<String>,
    pub internal: bool,
}

/// Stores an event with the chat's next `seq` (see the module's note).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn append(
    conn: &impl ConnectionTrait,
    chat_id: i64,
    event: NewEvent,
    now: DateTime<Utc>,
) -> Result<EventRow, DbErr> {
    let backend = conn.get_database_backend();
    let mut next = Sql::new(
        backend,
        "UPDATE chats SET last_seq = last_seq + 1, updated_at = ",
    );
    next.bind(now)
        .push(" WHERE id = ")
        .bind(chat_id)
        .push(" RETURNING last_seq");
    let seq: i64 = conn
        .query_one_raw(next.build())
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("chat {chat_id}")))?
        .try_get("", "last_seq")?;
    let mut sql = Sql::new(
        backend,
        "INSERT INTO chat_events (chat_id, seq, kind, author_kind, author_id, body, body_html, \
         data, client_msg_id, internal, created_at) VALUES (",
    );
    sql.bind(chat_id)
        .push(", ")
        .bind(seq)
        .push(", ")
        .bind(event.kind)
        .push(", ")
        .bind(event.author_kind)
        .push(", ")
        .bind(event.author_id)
        .push(", ")
        .bind(event.body.clone())
        .push(", ")
        .bind(event.body_html.clone())
        .push(", ")
        .bind(event.data.clone())
        .push(", ")
        .bind(event.client_msg_id.clone())
        .push(", ")
        .bind(event.internal)
        .push(", ")
        .bind(now)
        .push(") RETURNING id");
    let id: i64 = conn
        .query_one_raw(sql.build())
        .await?
        .ok_or_else(|| DbErr::Custom("INSERT ... RETURNING gave no row".into()))?
        .try_get("", "id")?;
    Ok(EventRow {
        id,
        chat_id,
        seq,
        kind: event.kind.to_owned(),
        author_kind: event.author_kind.map(str::to_owned),
        author_id: event.author_id,
        author_name: event.author_name,
        body: event.body,
        body_html: event.body_html,
        data: event.data,
        client_msg_id: event.client_msg_id,
        internal: event.internal,
        created_at: now,
    })
}

/// Events of a chat with `seq > after`, in order, at most `limit`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn events_after(
    conn: &impl ConnectionTrait,
    chat_id: i64,
    after: i64,
    limit: u64,
) -> Result<Vec<EventRow>, DbErr> {
    let mut sql = Sql::new(conn.get_database_backend(), EVENT_SELECT);
    sql.push(" WHERE e.chat_id = ")
        .bind(chat_id)
        .push(" AND e.seq > ")
        .bind(after)
        .push(" ORDER BY e.seq LIMIT ")
        .bind(i64::try_from(limit).unwrap_or(i64::MAX));
    EventRow::find_by_statement(sql.build()).all(conn).await
}

/// The message a client already sent with this id, if any.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn event_by_client_msg(
    conn: &impl ConnectionTrait,
    chat_id: i64,
    client_msg_id: &str,
) -> Result<Option<EventRow>, DbErr> {
    let mut sql = Sql::new(conn.get_database_backend(), EVENT_SELECT);
    sql.push(" WHERE e.chat_id = ")
        .bind(chat_id)
        .push(" AND e.client_msg_id = ")
        .bind(client_msg_id);
    EventRow::find_by_statement(sql.build()).one(conn).await
}

/// The last customer or agent message of each chat in `ids`, for lists.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn last_messages(
    conn: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<Vec<(i64, String)>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    #[derive(FromQueryResult)]
    struct Last {
        chat_id: i64,
        body: Option<String>,
    }
    let mut sql = Sql::new(
        conn.get_database_backend(),
        "SELECT e.chat_id, e.body FROM chat_events e WHERE e.chat_id IN ",
    );
    sql.bind_list(ids.iter().copied()).push(
        " AND e.seq = (SELECT MAX(m.seq) FROM chat_events m WHERE m.chat_id = e.chat_id \
         AND m.kind = 'message.created' AND m.internal = FALSE)",
    );
    let rows = Last::find_by_statement(sql.build()).all(conn).await?;
    Ok(rows
        .into_iter()
        .map(|l| (l.chat_id, l.body.unwrap_or_default()))
        .collect())
}

/// The messages of a chat, for a transcript: everything but internal notes and events that
/// are not messages, in order.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn transcript(conn: &impl ConnectionTrait, chat_id: i64) -> Result<Vec<EventRow>, DbErr> {
    let mut sql = Sql::new(conn.get_database_backend(), EVENT_SELECT);
    sql.push(" WHERE e.chat_id = ")
        .bind(chat_id)
        .push(" AND e.kind = 'message.created' AND e.internal = FALSE ORDER BY e.seq");
    EventRow::find_by_statement(sql.build()).all(conn).await
}

/// An agent's presence row with their load.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct PresenceRow {
    pub user_id: i64,
    pub name: String,
    pub status: String,
    pub max_chats: i32,
    pub connected_until: Option<DateTime<Utc>>,
    pub last_assigned_at: Option<DateTime<Utc>>,
    pub active_chats: i64,
}

const PRESENCE_SELECT: &str = "SELECT p.user_id, u.name, p.status, p.max_chats, \
     p.connected_until, p.last_assigned_at, (SELECT COUNT(*) FROM chats c \
     WHERE c.assignee_id = p.user_id AND c.state = 'active') AS active_chats \
     FROM agent_presence p JOIN users u ON u.id = p.user_id AND u.active = TRUE \
     AND u.role IN ('agent', 'admin')";

/// Every agent who ever set a presence, by name.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn presences(conn: &impl ConnectionTrait) -> Result<Vec<PresenceRow>, DbErr> {
    let mut sql = Sql::new(conn.get_database_backend(), PRESENCE_SELECT);
    sql.push(" ORDER BY u.name, p.user_id");
    PresenceRow::find_by_statement(sql.build()).all(conn).await
}

/// Agents who take chats now: `online`, with a console connection live at `now`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn online_agents(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Vec<PresenceRow>, DbErr> {
    let mut sql = Sql::new(conn.get_database_backend(), PRESENCE_SELECT);
    sql.push(" WHERE p.status = 'online' AND p.connected_until > ")
        .bind(now)
        .push(" ORDER BY p.user_id");
    PresenceRow::find_by_statement(sql.build()).all(conn).await
}

/// One agent's presence.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn presence(
    conn: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Option<PresenceRow>, DbErr> {
    let mut sql = Sql::new(conn.get_database_backend(), PRESENCE_SELECT);
    sql.push(" WHERE p.user_id = ").bind(user_id);
    PresenceRow::find_by_statement(sql.build()).one(conn).await
}

/// Makes sure the agent has a presence row (away, `max_chats`), keeping one that exists.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn ensure_presence(
    conn: &impl ConnectionTrait,
    user_id: i64,
    max_chats: i32,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut sql = Sql::new(
        conn.get_database_backend(),
        "INSERT INTO agent_presence (user_id, status, max_chats, updated_at) VALUES (",
    );
    sql.bind(user_id)
        .push(", 'away', ")
        .bind(max_chats)
        .push(", ")
        .bind(now)
        .push(") ON CONFLICT (user_id) DO NOTHING");
    conn.execute_raw(sql.build()).await.map(|_| ())
}

/// Sets an agent's status and, when given, capacity (the row must exist:
/// [`ensure_presence`]).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_presence(
    conn: &impl ConnectionTrait,
    user_id: i64,
    status: &'static str,
    max_chats: Option<i32>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut sql = Sql::new(
        conn.get_database_backend(),
        "UPDATE agent_presence SET status = ",
    );
    sql.bind(status).push(", updated_at = ").bind(now);
    if let Some(max) = max_chats {
        sql.push(", max_chats = ").bind(max);
    }
    sql.push(" WHERE user_id = ").bind(user_id);
    conn.execute_raw(sql.build()).await.map(|_| ())
}

/// Pushes forward until when these agents' console connections count as live.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn touch_connected(
    conn: &impl ConnectionTrait,
    user_ids: &[i64],
    until: DateTime<Utc>,
) -> Result<(), DbErr> {
    if user_ids.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new(
        conn.get_database_backend(),
        "UPDATE agent_presence SET connected_until = ",
    );
    sql.bind(until)
        .push(" WHERE user_id IN ")
        .bind_list(user_ids.iter().copied());
    conn.execute_raw(sql.build()).await.map(|_| ())
}

/// Ends an agent's live connection now (their last console closed on this instance).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn disconnect(
    conn: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut sql = Sql::new(
        conn.get_database_backend(),
        "UPDATE agent_presence SET connected_until = ",
    );
    sql.bind(now).push(" WHERE user_id = ").bind(user_id);
    conn.execute_raw(sql.build()).await.map(|_| ())
}

/// Active chats whose agent has had no live connection since `gone_before`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn orphaned(
    conn: &impl ConnectionTrait,
    gone_before: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    let mut sql = Sql::new(
        conn.get_database_backend(),
        "SELECT c.id FROM chats c LEFT JOIN agent_presence p ON p.user_id = c.assignee_id \
         WHERE c.state = 'active' AND c.assigned_at < ",
    );
    sql.bind(gone_before)
        .push(" AND (p.connected_until IS NULL OR p.connected_until < ")
        .bind(gone_before)
        .push(") ORDER BY c.id LIMIT ")
        .bind(i64::try_from(limit).unwrap_or(i64::MAX));
    ids(conn, sql).await
}

async fn ids(conn: &impl ConnectionTrait, sql: Sql) -> Result<Vec<i64>, DbErr> {
    let rows = conn.query_all_raw(sql.build()).await?;
    rows.iter().map(|r| r.try_get("", "id")).collect()
}

/// Open chats in `state` whose `column` is before `before` (timers), at most `limit`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn due(
    conn: &impl ConnectionTrait,
    state: &'static str,
    column: DueColumn,
    before: DateTime<Utc>,
    unless: Option<DoneFlag>,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    let mut sql = Sql::new(
        conn.get_database_backend(),
        "SELECT id FROM chats WHERE state = ",
    );
    sql.bind(state)
        .push(" AND ")
        .push(column.sql())
        .push(" < ")
        .bind(before);
    // A timer that only warns once skips the chats it warned, so they never crowd out others.
    if let Some(flag) = unless {
        sql.push(" AND ").push(flag.sql()).push(" = FALSE");
    }
    sql.push(" ORDER BY id LIMIT ")
        .bind(i64::try_from(limit).unwrap_or(i64::MAX));
    ids(conn, sql).await
}

/// A once-only warning already given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DoneFlag {
    /// "Keep waiting or leave a ticket" was offered.
    SoftOffered,
    /// The silent customer was warned.
    InactiveWarned,
}

impl DoneFlag {
    fn sql(self) -> &'static str {
        match self {
            DoneFlag::SoftOffered => "soft_offered",
            DoneFlag::InactiveWarned => "inactive_warned",
        }
    }
}

/// Which time a timer looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueColumn {
    /// When it joined the queue.
    QueuedAt,
    /// The customer's last message.
    LastCustomerAt,
    /// The last event.
    UpdatedAt,
}

impl DueColumn {
    fn sql(self) -> &'static str {
        match self {
            DueColumn::QueuedAt => "queued_at",
            DueColumn::LastCustomerAt => "last_customer_at",
            DueColumn::UpdatedAt => "updated_at",
        }
    }
}

/// Chats with agent messages the customer has not seen while away since `offline_before`,
/// and no batch mailed since `mailed_before`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn unseen_by_offline_customers(
    conn: &impl ConnectionTrait,
    offline_before: DateTime<Utc>,
    mailed_before: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    let mut sql = Sql::new(
        conn.get_database_backend(),
        "SELECT c.id FROM chats c WHERE c.state IN ('active', 'waiting') AND c.customer_seen_at < ",
    );
    sql.bind(offline_before)
        .push(" AND (c.mailed_at IS NULL OR c.mailed_at < ")
        .bind(mailed_before)
        .push(
            ") AND EXISTS (SELECT 1 FROM chat_events e WHERE e.chat_id = c.id \
               AND e.seq > c.mailed_seq AND e.seq > c.customer_read_seq \
               AND e.kind = 'message.created' AND e.author_kind = 'agent' \
               AND e.internal = FALSE AND e.created_at > c.customer_seen_at) \
               ORDER BY c.id LIMIT ",
        )
        .bind(i64::try_from(limit).unwrap_or(i64::MAX));
    ids(conn, sql).await
}

/// A desk feed entry.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct DeskRow {
    pub seq: i64,
    pub kind: String,
    pub chat_id: Option<i64>,
    pub data: String,
    pub created_at: DateTime<Utc>,
}

/// Appends to the agents' desk feed with the next `seq`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn append_desk(
    conn: &impl ConnectionTrait,
    kind: &'static str,
    chat_id: Option<i64>,
    data: String,
    now: DateTime<Utc>,
) -> Result<DeskRow, DbErr> {
    let backend = conn.get_database_backend();
    if backend == DbBackend::Postgres {
        // Held until commit: desk entries commit in `seq` order.
        conn.execute_unprepared("SELECT pg_advisory_xact_lock(7310001)::text")
            .await?;
    }
    let mut sql = Sql::new(
        backend,
        "INSERT INTO desk_events (seq, kind, chat_id, data, created_at) \
         SELECT COALESCE(MAX(seq), 0) + 1, ",
    );
    sql.bind(kind)
        .push(", ")
        .bind(chat_id)
        .push(", ")
        .bind(data.clone())
        .push(", ")
        .bind(now)
        .push(" FROM desk_events RETURNING seq");
    let seq: i64 = conn
        .query_one_raw(sql.build())
        .await?
        .ok_or_else(|| DbErr::Custom("INSERT ... RETURNING gave no row".into()))?
        .try_get("", "seq")?;
    Ok(DeskRow {
        seq,
        kind: kind.to_owned(),
        chat_id,
        data,
        created_at: now,
    })
}

/// Desk entries after `after`, in order.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn desk_after(
    conn: &impl ConnectionTrait,
    after: i64,
    limit: u64,
) -> Result<Vec<DeskRow>, DbErr> {
    let mut sql = Sql::new(
        conn.get_database_backend(),
        "SELECT seq, kind, chat_id, data, created_at FROM desk_events WHERE seq > ",
    );
    sql.bind(after)
        .push(" ORDER BY seq LIMIT ")
        .bind(i64::try_from(limit).unwrap_or(i64::MAX));
    DeskRow::find_by_statement(sql.build()).all(conn).await
}

/// The desk feed's first kept and last `seq` (0, 0 when empty).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn desk_bounds(conn: &impl ConnectionTrait) -> Result<(i64, i64), DbErr> {
    let row = conn
        .query_one_raw(
            Sql::new(
                conn.get_database_backend(),
                "SELECT COALESCE(MIN(seq), 0) AS lo, COALESCE(MAX(seq), 0) AS hi FROM desk_events",
            )
            .build(),
        )
        .await?;
    match row {
        Some(row) => Ok((row.try_get("", "lo")?, row.try_get("", "hi")?)),
        None => Ok((0, 0)),
    }
}

/// Forgets desk entries older than `before`, keeping the newest (its `seq` carries on).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn prune_desk(conn: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, DbErr> {
    let mut sql = Sql::new(
        conn.get_database_backend(),
        "DELETE FROM desk_events WHERE created_at < ",
    );
    sql.bind(before)
        .push(" AND seq < (SELECT MAX(seq) FROM desk_events)");
    Ok(conn.execute_raw(sql.build()).await?.rows_affected())
}

/// Stores a WebSocket ticket (its SHA-256, hex).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert_ws_ticket(
    conn: &impl ConnectionTrait,
    token_hash: &str,
    user_id: i64,
    chat_id: Option<i64>,
    expires_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut sql = Sql::new(
        conn.get_database_backend(),
        "INSERT INTO ws_tickets (token_hash, user_id, chat_id, expires_at) VALUES (",
    );
    sql.bind(token_hash)
        .push(", ")
        .bind(user_id)
        .push(", ")
        .bind(chat_id)
        .push(", ")
        .bind(expires_at)
        .push(")");
    conn.execute_raw(sql.build()).await.map(|_| ())
}

/// Spends a WebSocket ticket: its user and chat if it exists and has not expired. It is
/// deleted either way, so it works once.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn take_ws_ticket(
    conn: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(i64, Option<i64>)>, DbErr> {
    #[derive(FromQueryResult)]
    struct Taken {
        user_id: i64,
        chat_id: Option<i64>,
        expires_at: DateTime<Utc>,
    }
    let mut sql = Sql::new(
        conn.get_database_backend(),
        "DELETE FROM ws_tickets WHERE token_hash = ",
    );
    sql.bind(token_hash)
        .push(" RETURNING user_id, chat_id, expires_at");
    let taken = Taken::find_by_statement(sql.build()).one(conn).await?;
    Ok(taken
        .filter(|t| t.expires_at > now)
        .map(|t| (t.user_id, t.chat_id)))
}

/// Forgets expired WebSocket tickets.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn prune_ws_tickets(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let mut sql = Sql::new(
        conn.get_database_backend(),
        "DELETE FROM ws_tickets WHERE expires_at < ",
    );
    sql.bind(now);
    Ok(conn.execute_raw(sql.build()).await?.rows_affected())
}

/// Sends `payload` to every instance listening on `channel` when the transaction commits
/// (PostgreSQL `pg_notify`); nothing on SQLite, where one instance serves.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn notify(
    conn: &impl ConnectionTrait,
    channel: &str,
    payload: &str,
) -> Result<(), DbErr> {
    if conn.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let mut sql = Sql::new(DbBackend::Postgres, "SELECT pg_notify(");
    sql.bind(channel).push(", ").bind(payload).push(")::text");
    conn.execute_raw(sql.build()).await.map(|_| ())
}

/// Links ticket `ticket_id` to the chat it came from.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn link_ticket(
    conn: &impl ConnectionTrait,
    ticket_id: i64,
    chat_id: i64,
) -> Result<(), DbErr> {
    let mut sql = Sql::new(conn.get_database_backend(), "UPDATE tickets SET chat_id = ");
    sql.bind(chat_id).push(" WHERE id = ").bind(ticket_id);
    conn.execute_raw(sql.build()).await.map(|_| ())
}
