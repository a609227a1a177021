pub mod app;
pub mod mail;

pub use app::{TestApp, spawn_app, spawn_app_with};
