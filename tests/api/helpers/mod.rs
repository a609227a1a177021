pub mod app;
pub mod chat;
pub mod mail;
pub mod tickets;

pub use app::{TestApp, spawn_app, spawn_app_with};
