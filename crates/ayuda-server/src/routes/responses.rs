//! The error answers many endpoints share, named once for the OpenAPI document
//! (`components/responses`, registered in [`crate::openapi`]); an endpoint whose error
//! means something more particular describes it in its own words.

use ayuda_types::ProblemDetails;

/// A named `application/problem+json` answer with its description.
macro_rules! named_responses {
    ($($(#[doc = $doc:literal])+ $name:ident = $description:literal;)+) => {$(
        $(#[doc = $doc])+
        #[derive(utoipa::ToResponse)]
        #[response(description = $description, content_type = "application/problem+json")]
        pub struct $name(#[allow(dead_code)] ProblemDetails);
    )+};
}

named_responses! {
    /// No access token, or one that is invalid or expired.
    Unauthorized = "No or invalid access token";
    /// The caller is a customer; agents and admins may.
    StaffOnly = "Customers may not";
    /// Only agents (and admins) may.
    AgentsOnly = "Not an agent";
    /// Only admins may.
    AdminsOnly = "Not an admin";
    /// A field failed its rules; `errors` names each field and problem.
    InvalidFields = "Invalid fields";
    /// No such ticket, or (for a customer) someone else's: never told apart.
    NoSuchTicket = "No such ticket, or not yours";
    /// A `cursor` that is not one of ours, or was tampered with.
    InvalidCursor = "Invalid cursor";
    /// No such chat, or (for a customer) someone else's: never told apart.
    NoSuchChat = "No such chat, or not yours";
    /// The chat's state does not allow the move (`state` and `allowed` name what it
    /// allows), or an accept lost (`code`: `already_taken`, `at_capacity`, `not_waiting`).
    ChatMoveRefused = "The chat's state does not allow this (see `state`, `allowed`, `code`)";
}
