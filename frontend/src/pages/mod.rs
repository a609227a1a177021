//! One module per screen (or family of screens); pages own their data and navigation, and
//! never import each other: what two screens share lives in `components`.

pub mod account;
pub mod admin;
pub mod agent;
pub mod agent_chats;
pub mod chat;
pub mod forum;
pub mod home;
pub mod new_ticket;
pub mod profile;
pub mod ticket;
pub mod tickets;
