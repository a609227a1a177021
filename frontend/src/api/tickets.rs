//! Tickets: lists and counts, one ticket, its replies and history, changes, the agents
//! viewing it, ticket types and canned replies.

use ayuda_types::{
    BulkOutcome, BulkUpdate, CannedReply, CreateReply, CreateTicket, CreateTicketType, Page,
    Presence, Reply, Ticket, TicketCounts, TicketEvent, TicketType, UpdateTicket, UpdateTicketType,
    Viewer,
};

use super::{ApiResult, delete, get, patch, post, post_empty, put};
use crate::format::{Query, query};

/// `GET /tickets` with filters (`status`, `type_id`, `q`, `view`, `sort`, `requester_id`,
/// `limit`, `cursor`).
pub async fn list(filters: Query<'_>) -> ApiResult<Page<Ticket>> {
    get(&format!("/tickets{}", query(filters))).await
}

/// `GET /tickets/counts`: the size of each workspace view.
pub async fn counts() -> ApiResult<TicketCounts> {
    get("/tickets/counts").await
}

/// `GET /tickets/{number}`.
pub async fn one(number: i64) -> ApiResult<Ticket> {
    get(&format!("/tickets/{number}")).await
}

/// `POST /tickets`.
pub async fn create(request: &CreateTicket) -> ApiResult<Ticket> {
    post("/tickets", request).await
}

/// `PATCH /tickets/{number}`: status, priority, type, assignee.
pub async fn update(number: i64, change: &UpdateTicket) -> ApiResult<Ticket> {
    patch(&format!("/tickets/{number}"), change).await
}

/// What a customer may do to their own ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Resolve,
    Reopen,
}

/// `POST /tickets/{number}/resolve` or `/reopen`.
pub async fn act(number: i64, action: Action) -> ApiResult<Ticket> {
    let action = match action {
        Action::Resolve => "resolve",
        Action::Reopen => "reopen",
    };
    post_empty(&format!("/tickets/{number}/{action}")).await
}

/// `POST /tickets/bulk`.
pub async fn bulk(update: &BulkUpdate) -> ApiResult<BulkOutcome> {
    post("/tickets/bulk", update).await
}

/// Every reply of a ticket, oldest first (pages of 100 until the end).
pub async fn replies(number: i64) -> ApiResult<Vec<Reply>> {
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        let pairs = [("limit", Some("100".to_owned())), ("cursor", cursor)];
        let page: Page<Reply> = get(&format!("/tickets/{number}/replies{}", query(&pairs))).await?;
        all.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(all),
        }
    }
}

/// `POST /tickets/{number}/replies`.
pub async fn reply(number: i64, request: &CreateReply) -> ApiResult<Reply> {
    post(&format!("/tickets/{number}/replies"), request).await
}

/// The latest 100 events of a ticket's history.
pub async fn events(number: i64) -> ApiResult<Vec<TicketEvent>> {
    get::<Page<TicketEvent>>(&format!("/tickets/{number}/events?limit=100"))
        .await
        .map(|p| p.items)
}

/// `PUT /tickets/{number}/viewers/me`: this agent has the ticket open; the others who do.
pub async fn viewing(number: i64, presence: &Presence) -> ApiResult<Vec<Viewer>> {
    put(&format!("/tickets/{number}/viewers/me"), presence).await
}

/// `DELETE /tickets/{number}/viewers/me`: this agent left the ticket.
pub async fn left(number: i64) -> ApiResult<()> {
    delete(&format!("/tickets/{number}/viewers/me")).await
}

/// `GET /ticket-types` (with `inactive`, the retired ones too, for admins).
pub async fn types(inactive: bool) -> ApiResult<Vec<TicketType>> {
    get(if inactive {
        "/ticket-types?include_inactive=true"
    } else {
        "/ticket-types"
    })
    .await
}

/// `GET /canned-replies`.
pub async fn canned_replies() -> ApiResult<Vec<CannedReply>> {
    get("/canned-replies").await
}

/// `POST /ticket-types` (admins).
pub async fn create_type(request: &CreateTicketType) -> ApiResult<TicketType> {
    post("/ticket-types", request).await
}

/// `PATCH /ticket-types/{id}` (admins): texts, active, default.
pub async fn update_type(id: i64, change: &UpdateTicketType) -> ApiResult<TicketType> {
    patch(&format!("/ticket-types/{id}"), change).await
}
