//! Attachment records. The bytes live in a blob store (see the server's `storage` module),
//! addressed by their SHA-256.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, QueryOrder, Set,
};

use crate::entity::attachment::{ActiveModel, Column, Entity, Model};
use crate::sql::Sql;

pub use crate::entity::attachment::Model as AttachmentRow;

/// An uploaded file to record.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    /// Who uploaded it.
    pub uploader_id: i64,
    /// Clean file name.
    pub filename: String,
    /// Media type sniffed from the bytes.
    pub content_type: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256, hex.
    pub sha256: String,
}

/// Bytes `uploader` stored since `since` (their upload quota's use).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn uploaded_since(
    conn: &impl ConnectionTrait,
    uploader: i64,
    since: DateTime<Utc>,
) -> Result<u64, DbErr> {
    use sea_orm::sea_query::{Alias, Expr, Func};
    use sea_orm::{FromQueryResult, QuerySelect};
    #[derive(FromQueryResult)]
    struct Total {
        total: Option<i64>,
    }
    let total = Entity::find()
        .select_only()
        // PostgreSQL sums BIGINTs into NUMERIC: cast back so both backends answer an integer.
        .column_as(
            Expr::expr(Func::cast_as(
                Func::sum(Expr::col(Column::Size)),
                Alias::new("BIGINT"),
            )),
            "total",
        )
        .filter(Column::UploaderId.eq(uploader))
        .filter(Column::CreatedAt.gte(since))
        .into_model::<Total>()
        .one(conn)
        .await?;
    Ok(total
        .and_then(|t| t.total)
        .and_then(|t| u64::try_from(t).ok())
        .unwrap_or(0))
}

/// Records an upload, not yet linked to a ticket.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert(
    conn: &impl ConnectionTrait,
    new: NewAttachment,
    now: DateTime<Utc>,
) -> Result<Model, DbErr> {
    ActiveModel {
        uploader_id: Set(new.uploader_id),
        ticket_id: Set(None),
        message_id: Set(None),
        chat_event_id: Set(None),
        filename: Set(new.filename),
        content_type: Set(new.content_type),
        size: Set(new.size),
        sha256: Set(new.sha256),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
}

/// The uploads among `ids` that `uploader_id` made and has not sent with a message yet.
fn own_unsent(ids: &[i64], uploader_id: i64) -> Condition {
    Condition::all()
        .add(Column::Id.is_in(ids.iter().copied()))
        .add(Column::UploaderId.eq(uploader_id))
        .add(Column::MessageId.is_null())
        .add(Column::ChatEventId.is_null())
}

/// Links the uploads `ids` to a message. Only unlinked uploads of `uploader_id` are taken;
/// returns how many were, so the caller can refuse the whole request if any was not.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn link(
    conn: &impl ConnectionTrait,
    ids: &[i64],
    uploader_id: i64,
    ticket_id: i64,
    message_id: i64,
) -> Result<u64, DbErr> {
    if ids.is_empty() {
        return Ok(0);
    }
    let result = Entity::update_many()
        .col_expr(Column::TicketId, Some(ticket_id).into())
        .col_expr(Column::MessageId, Some(message_id).into())
        .filter(own_unsent(ids, uploader_id))
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

/// The uploads `ids` of `uploader_id` that are not sent yet, by id (the caller refuses the
/// request unless it gets them all).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn unsent(
    conn: &impl ConnectionTrait,
    ids: &[i64],
    uploader_id: i64,
) -> Result<Vec<Model>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Entity::find()
        .filter(own_unsent(ids, uploader_id))
        .order_by_asc(Column::Id)
        .all(conn)
        .await
}

/// Links the uploads `ids` of `uploader_id` to a chat message event; returns how many were
/// taken (only unsent ones are).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn link_to_chat(
    conn: &impl ConnectionTrait,
    ids: &[i64],
    uploader_id: i64,
    event_id: i64,
) -> Result<u64, DbErr> {
    if ids.is_empty() {
        return Ok(0);
    }
    let result = Entity::update_many()
        .col_expr(Column::ChatEventId, Some(event_id).into())
        .filter(own_unsent(ids, uploader_id))
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

/// The attachments of these messages, by message then id.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn of_messages(
    conn: &impl ConnectionTrait,
    message_ids: &[i64],
) -> Result<Vec<Model>, DbErr> {
    if message_ids.is_empty() {
        return Ok(Vec::new());
    }
    Entity::find()
        .filter(Column::MessageId.is_in(message_ids.iter().copied()))
        .order_by_asc(Column::MessageId)
        .order_by_asc(Column::Id)
        .all(conn)
        .await
}

/// An attachment with what decides who may download it.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct AttachmentAccess {
    pub id: i64,
    pub uploader_id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    /// The requester of the ticket (or the customer of the chat) it is linked to.
    pub requester_id: Option<i64>,
    /// Whether it came with an internal note.
    pub internal: Option<bool>,
}

/// The attachment `id` and its ticket's requester, in one query.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_access(
    conn: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<AttachmentAccess>, DbErr> {
    let mut sql = Sql::new(
        conn.get_database_backend(),
        "SELECT a.id, a.uploader_id, a.filename, a.content_type, a.size, a.sha256, \
         COALESCE(t.requester_id, c.customer_id) AS requester_id, \
         COALESCE(m.internal, e.internal) AS internal \
         FROM attachments a \
         LEFT JOIN ticket_messages m ON m.id = a.message_id \
         LEFT JOIN tickets t ON t.id = m.ticket_id \
         LEFT JOIN chat_events e ON e.id = a.chat_event_id \
         LEFT JOIN chats c ON c.id = e.chat_id \
         WHERE a.id = ",
    );
    sql.bind(id);
    AttachmentAccess::find_by_statement(sql.build())
        .one(conn)
        .await
}

/// Deletes up to `limit` uploads never linked to a message and stored before `cutoff`;
/// returns how many.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete_unlinked_before(
    conn: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
    limit: u64,
) -> Result<u64, DbErr> {
    use sea_orm::QuerySelect;
    let ids: Vec<i64> = Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::MessageId.is_null())
        .filter(Column::ChatEventId.is_null())
        .filter(Column::CreatedAt.lt(cutoff))
        .order_by_asc(Column::Id)
        .limit(limit)
        .into_tuple()
        .all(conn)
        .await?;
    if ids.is_empty() {
        return Ok(0);
    }
    let result = Entity::delete_many()
        .filter(Column::Id.is_in(ids))
        // Linked meanwhile (by a message written since the select): kept.
        .filter(Column::MessageId.is_null())
        .filter(Column::ChatEventId.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

/// Which of `hashes` some attachment refers to.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn hashes_in_use(
    conn: &impl ConnectionTrait,
    hashes: &[String],
) -> Result<std::collections::HashSet<String>, DbErr> {
    hashes_in::<Entity>(conn, Column::Sha256, hashes).await
}

/// Which of `hashes` stand in `column` of `E` (a file store's references, for its sweep).
pub(crate) async fn hashes_in<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    column: E::Column,
    hashes: &[String],
) -> Result<std::collections::HashSet<String>, DbErr> {
    use sea_orm::QuerySelect;
    if hashes.is_empty() {
        return Ok(Default::default());
    }
    // Option: the column may be nullable (a row that refers to no file).
    let used: Vec<Option<String>> = E::find()
        .select_only()
        .column(column)
        .filter(column.is_in(hashes.iter().cloned()))
        .distinct()
        .into_tuple()
        .all(conn)
        .await?;
    Ok(used.into_iter().flatten().collect())
}
