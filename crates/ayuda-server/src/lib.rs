//! The Ayuda server: an actix-web REST API (`/api/v1`), the SPA's files, and background
//! workers, in one process. See `startup` for how the pieces are put together.

pub mod accounts;
pub mod attachments;
pub mod auth;
pub mod canned;
pub mod chat;
pub mod config;
pub mod demo;
pub mod error;
pub mod forum;
pub mod intake;
pub mod middleware;
pub mod openapi;
pub mod outbound;
pub mod pagination;
pub mod people;
pub mod realtime;
pub mod routes;
pub mod search_cache;
pub mod spa;
pub mod startup;
pub mod state;
pub mod storage;
pub mod telemetry;
pub mod ticket_types;
pub mod tickets;
pub mod view_counts;
pub mod workers;

pub use config::Settings;
pub use startup::Application;
