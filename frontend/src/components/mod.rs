//! Building blocks the pages share. Components take props and never decide navigation;
//! the few that call the API (attachments, Markdown preview) do so for one small job.

pub mod attachments;
pub mod common;
pub mod guard;
pub mod layout;
pub mod markdown;
