//! sea-orm entities, one per table. Callers outside this crate use the repository modules.

pub mod article_vote;
pub mod attachment;
pub mod auth_token;
pub mod canned_reply;
pub mod forum_article;
pub mod forum_category;
pub mod forum_comment;
pub mod inbound_email;
pub mod inbound_raw;
pub mod outbox_email;
pub mod refresh_token;
pub mod server_instance;
pub mod ticket;
pub mod ticket_event;
pub mod ticket_message;
pub mod ticket_participant;
pub mod ticket_type;
pub mod ticket_viewer;
pub mod type_subscription;
pub mod user;
