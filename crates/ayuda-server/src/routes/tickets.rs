//! `/api/v1/tickets`: open, list, read, change, resolve and reopen tickets; their replies
//! and audit trail.

use actix_web::http::header;
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpResponse, delete, get, patch, post, put};
use ayuda_types::{
    BulkFailure, BulkOutcome, BulkUpdate, Channel, CreateReply, CreateTicket, ListTicketsParams,
    OldestFirstParams, Page, Presence, ProblemDetails, Reply, Ticket, TicketCounts, TicketEvent,
    UpdateTicket, Viewer,
};
use utoipa_actix_web::service_config::ServiceConfig;

use super::responses::{InvalidCursor, NoSuchTicket, StaffOnly, Unauthorized};
use super::tags;
use crate::auth::AuthUser;
use crate::error::{ApiResult, validated};
use crate::state::AppState;
use crate::tickets;

pub(super) fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(create_ticket)
        .service(list_tickets)
        // Before `/tickets/{number}`, which would take "counts" for a number.
        .service(ticket_counts)
        .service(bulk_update)
        .service(get_ticket)
        .service(update_ticket)
        .service(resolve_ticket)
        .service(reopen_ticket)
        .service(list_replies)
        .service(create_reply)
        .service(list_events)
        .service(viewing)
        .service(stop_viewing);
}

/// Open a ticket. The requester gets a "received" email with the number; the agents of the
/// type (all agents if none subscribed) are told. Attachments are uploads of the caller.
#[utoipa::path(
    tag = tags::TICKETS,
    security(("bearer" = [])),
    request_body = CreateTicket,
    responses(
        (status = 201, description = "Opened; `Location` names the ticket", body = Ticket),
        (status = 401, response = Unauthorized),
        (status = 422, description = "Invalid fields, an inactive type or someone else's attachment", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/tickets")]
async fn create_ticket(
    state: Data<AppState>,
    user: AuthUser,
    body: Json<CreateTicket>,
) -> ApiResult<HttpResponse> {
    let input = validated(body.into_inner())?;
    let view = tickets::create(&state, &user.account, input, Channel::Web).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/tickets/{}", view.id)))
        .json(tickets::to_wire(&state, &user.account, &view)?))
}

/// Tickets, newest first; with `q`, ranked by relevance. Customers see only their own.
#[utoipa::path(
    tag = tags::TICKETS,
    security(("bearer" = [])),
    params(ListTicketsParams),
    responses(
        (status = 200, description = "One page of tickets", body = Page<Ticket>),
        (status = 400, description = "Invalid cursor or parameters", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, response = Unauthorized),
        (status = 422, description = "Limit out of range or a bad filter", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/tickets")]
async fn list_tickets(
    state: Data<AppState>,
    user: AuthUser,
    query: Query<ListTicketsParams>,
) -> ApiResult<Json<Page<Ticket>>> {
    Ok(Json(
        tickets::list(&state, &user.account, query.into_inner()).await?,
    ))
}

/// How many tickets each view of the agent workspace holds: unassigned, mine, open,
/// pending, resolved (agents and admins).
#[utoipa::path(
    tag = tags::TICKETS,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The counts", body = TicketCounts),
        (status = 401, response = Unauthorized),
        (status = 403, response = StaffOnly),
    )
)]
#[get("/tickets/counts")]
async fn ticket_counts(state: Data<AppState>, user: AuthUser) -> ApiResult<Json<TicketCounts>> {
    Ok(Json(tickets::counts(&state, &user.account).await?))
}

/// One ticket (its requester, or an agent).
#[utoipa::path(
    tag = tags::TICKETS,
    security(("bearer" = [])),
    params(("number" = i64, Path, description = "Ticket number")),
    responses(
        (status = 200, description = "The ticket", body = Ticket),
        (status = 401, response = Unauthorized),
        (status = 404, response = NoSuchTicket),
    )
)]
#[get("/tickets/{number}")]
async fn get_ticket(
    state: Data<AppState>,
    user: AuthUser,
    number: Path<i64>,
) -> ApiResult<Json<Ticket>> {
    let view = tickets::visible(&state.db, &user.account, number.into_inner()).await?;
    Ok(Json(tickets::to_wire(&state, &user.account, &view)?))
}

/// Change status, priority, type or assignee (agents). Every change is in the audit trail.
#[utoipa::path(
    tag = tags::TICKETS,
    security(("bearer" = [])),
    params(("number" = i64, Path, description = "Ticket number")),
    request_body = UpdateTicket,
    responses(
        (status = 200, description = "The updated ticket", body = Ticket),
        (status = 401, response = Unauthorized),
        (status = 403, description = "Customers may not change tickets this way", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The lifecycle does not allow it (closed, back to new)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Unknown type or assignee", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/tickets/{number}")]
async fn update_ticket(
    state: Data<AppState>,
    user: AuthUser,
    number: Path<i64>,
    body: Json<UpdateTicket>,
) -> ApiResult<Json<Ticket>> {
    let view = tickets::update(
        &state,
        &user.account,
        number.into_inner(),
        body.into_inner(),
    )
    .await?;
    Ok(Json(tickets::to_wire(&state, &user.account, &view)?))
}

/// One change (status, priority, type or assignee) to up to 100 tickets (agents). Each
/// ticket takes it or refuses it on its own, as `PATCH /api/v1/tickets/{number}` would;
/// the answer lists both.
#[utoipa::path(
    tag = tags::TICKETS,
    security(("bearer" = [])),
    request_body = BulkUpdate,
    responses(
        (status = 200, description = "What changed and what refused", body = BulkOutcome),
        (status = 401, response = Unauthorized),
        (status = 403, response = StaffOnly),
        (status = 422, description = "No tickets, or more than 100", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/bulk")]
async fn bulk_update(
    state: Data<AppState>,
    user: AuthUser,
    body: Json<BulkUpdate>,
) -> ApiResult<Json<BulkOutcome>> {
    let input = validated(body.into_inner())?;
    let (updated, failed) = tickets::bulk_update(&state, &user.account, input).await?;
    Ok(Json(BulkOutcome {
        updated: updated
            .iter()
            .map(|view| tickets::to_wire(&state, &user.account, view))
            .collect::<ApiResult<_>>()?,
        failed: failed
            .into_iter()
            .map(|(number, err)| BulkFailure {
                number,
                problem: err.problem(),
            })
            .collect(),
    }))
}

/// Mark the ticket resolved (its requester, or an agent). It closes by itself after the
/// configured days.
#[utoipa::path(
    tag = tags::TICKETS,
    security(("bearer" = [])),
    params(("number" = i64, Path, description = "Ticket number")),
    responses(
        (status = 200, description = "The resolved ticket", body = Ticket),
        (status = 401, response = Unauthorized),
        (status = 404, response = NoSuchTicket),
        (status = 409, description = "Already resolved, or closed", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{number}/resolve")]
async fn resolve_ticket(
    state: Data<AppState>,
    user: AuthUser,
    number: Path<i64>,
) -> ApiResult<Json<Ticket>> {
    let view = tickets::resolve(&state, &user.account, number.into_inner()).await?;
    Ok(Json(tickets::to_wire(&state, &user.account, &view)?))
}

/// Reopen a resolved ticket (its requester, or an agent).
#[utoipa::path(
    tag = tags::TICKETS,
    security(("bearer" = [])),
    params(("number" = i64, Path, description = "Ticket number")),
    responses(
        (status = 200, description = "The reopened ticket", body = Ticket),
        (status = 401, response = Unauthorized),
        (status = 404, response = NoSuchTicket),
        (status = 409, description = "Not resolved, or closed", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{number}/reopen")]
async fn reopen_ticket(
    state: Data<AppState>,
    user: AuthUser,
    number: Path<i64>,
) -> ApiResult<Json<Ticket>> {
    let view = tickets::reopen(&state, &user.account, number.into_inner()).await?;
    Ok(Json(tickets::to_wire(&state, &user.account, &view)?))
}

/// The conversation, oldest first: the description, replies, and (for agents) internal notes.
#[utoipa::path(
    tag = tags::TICKETS,
    security(("bearer" = [])),
    params(("number" = i64, Path, description = "Ticket number"), OldestFirstParams),
    responses(
        (status = 200, description = "One page of the conversation", body = Page<Reply>),
        (status = 400, response = InvalidCursor),
        (status = 401, response = Unauthorized),
        (status = 404, response = NoSuchTicket),
    )
)]
#[get("/tickets/{number}/replies")]
async fn list_replies(
    state: Data<AppState>,
    user: AuthUser,
    number: Path<i64>,
    query: Query<OldestFirstParams>,
) -> ApiResult<Json<Page<Reply>>> {
    Ok(Json(
        tickets::list_replies(
            &state,
            &user.account,
            number.into_inner(),
            query.into_inner(),
        )
        .await?,
    ))
}

/// Reply (requester or agent) or add an internal note (agents). An agent's reply sets the
/// ticket pending; the customer's sets it open (reopening a resolved one); a customer's
/// reply to a closed ticket opens a new ticket linked to it (`ticket_number` says which).
#[utoipa::path(
    tag = tags::TICKETS,
    security(("bearer" = [])),
    params(("number" = i64, Path, description = "Ticket number")),
    request_body = CreateReply,
    responses(
        (status = 201, description = "Stored", body = Reply),
        (status = 401, response = Unauthorized),
        (status = 403, description = "Customers may not write internal notes", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, response = NoSuchTicket),
        (status = 409, description = "Agents cannot write to a closed ticket", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or someone else's attachment", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{number}/replies")]
async fn create_reply(
    state: Data<AppState>,
    user: AuthUser,
    number: Path<i64>,
    body: Json<CreateReply>,
) -> ApiResult<HttpResponse> {
    let input = validated(body.into_inner())?;
    let reply = tickets::create_reply(
        &state,
        &user.account,
        number.into_inner(),
        input,
        Channel::Web,
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/tickets/{}/replies", reply.ticket_number),
        ))
        .json(reply))
}

/// The audit trail, oldest first (agents): who changed what, from what, to what, when.
#[utoipa::path(
    tag = tags::TICKETS,
    security(("bearer" = [])),
    params(("number" = i64, Path, description = "Ticket number"), OldestFirstParams),
    responses(
        (status = 200, description = "One page of events", body = Page<TicketEvent>),
        (status = 400, response = InvalidCursor),
        (status = 401, response = Unauthorized),
        (status = 403, description = "Customers may not read the trail of their tickets", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, response = NoSuchTicket),
    )
)]
#[get("/tickets/{number}/events")]
async fn list_events(
    state: Data<AppState>,
    user: AuthUser,
    number: Path<i64>,
    query: Query<OldestFirstParams>,
) -> ApiResult<Json<Page<TicketEvent>>> {
    Ok(Json(
        tickets::list_events(
            &state,
            &user.account,
            number.into_inner(),
            query.into_inner(),
        )
        .await?,
    ))
}

/// "I have this ticket open" (agents; the web app says so every 10 s, and whether the
/// agent is writing). Answers the other staff members who have it open, so two agents do
/// not answer the same customer at once.
#[utoipa::path(
    tag = tags::TICKETS,
    security(("bearer" = [])),
    params(("number" = i64, Path, description = "Ticket number")),
    request_body = Presence,
    responses(
        (status = 200, description = "The others on this ticket in the last 30 s", body = Vec<Viewer>),
        (status = 401, response = Unauthorized),
        (status = 403, response = StaffOnly),
        (status = 404, description = "No such ticket", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[put("/tickets/{number}/viewers/me")]
async fn viewing(
    state: Data<AppState>,
    user: AuthUser,
    number: Path<i64>,
    body: Json<Presence>,
) -> ApiResult<Json<Vec<Viewer>>> {
    Ok(Json(
        tickets::here(&state, &user.account, number.into_inner(), body.replying).await?,
    ))
}

/// "I closed this ticket" (agents): others stop seeing the caller on it at once.
#[utoipa::path(
    tag = tags::TICKETS,
    security(("bearer" = [])),
    params(("number" = i64, Path, description = "Ticket number")),
    responses(
        (status = 204, description = "Gone"),
        (status = 401, response = Unauthorized),
        (status = 403, response = StaffOnly),
    )
)]
#[delete("/tickets/{number}/viewers/me")]
async fn stop_viewing(
    state: Data<AppState>,
    user: AuthUser,
    number: Path<i64>,
) -> ApiResult<HttpResponse> {
    tickets::leave(&state, &user.account, number.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
