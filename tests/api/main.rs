//! Black-box API tests: each test starts a real server on a random port with its own
//! database (a SQLite file, or a fresh PostgreSQL database when `TEST_DATABASE_URL` is
//! set) and talks to it over HTTP; emails are read back from a real SMTP server (maildev,
//! started by `cargo xtask test`, found through `TEST_SMTP_URL` and `TEST_MAILDEV_URL`);
//! inbound mail goes through a real IMAP server (Dovecot, `TEST_IMAP_PORT`).

mod helpers;

mod accounts;
mod admin;
mod agent_desk;
mod attachments;
mod chat;
mod crash;
mod email_intake;
mod errors;
mod forum;
mod hardening;
mod intake_limits;
mod operations;
mod throughput;
mod ticket_lists;
mod tickets;
mod web_app;
