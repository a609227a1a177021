//! Building blocks the pages share. Components take props and never decide navigation;
//! the few that call the API (attachments, Markdown preview, a ticket's data) do so for
//! one small job.

pub mod attachments;
pub mod chat;
pub mod common;
pub mod forum;
pub mod guard;
pub mod layout;
pub mod markdown;
pub mod not_found;
pub mod requester;
pub mod subscriptions;
pub mod ticket;
