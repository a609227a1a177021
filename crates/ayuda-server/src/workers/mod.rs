//! Background workers, started by `ayuda serve` beside the HTTP server.

pub mod outbox;
