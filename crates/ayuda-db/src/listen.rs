//! PostgreSQL `LISTEN` on one connection, for the signals other instances send with
//! [`crate::chats::notify`].

use sea_orm::DbErr;

/// A listening connection.
pub struct Listener(sqlx::postgres::PgListener);

/// What a wait for a signal gave.
#[derive(Debug)]
pub enum Heard {
    /// A signal's payload.
    Payload(String),
    /// The connection was lost (it reconnects on the next wait); signals in between are
    /// lost, so catch up from the database.
    Reconnected,
}

impl Listener {
    /// Connects to `url` and listens on `channel`.
    pub async fn connect(url: &str, channel: &str) -> Result<Self, DbErr> {
        let mut listener = sqlx::postgres::PgListener::connect(url)
            .await
            .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::Internal(e.to_string())))?;
        listener
            .listen(channel)
            .await
            .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::Internal(e.to_string())))?;
        Ok(Listener(listener))
    }

    /// Waits for the next signal.
    pub async fn recv(&mut self) -> Result<Heard, DbErr> {
        match self.0.try_recv().await {
            Ok(Some(n)) => Ok(Heard::Payload(n.payload().to_owned())),
            Ok(None) => Ok(Heard::Reconnected),
            Err(e) => Err(DbErr::Conn(sea_orm::RuntimeErr::Internal(e.to_string()))),
        }
    }
}
