//! The queue as customers see it: position, length, an honest wait estimate, and whether
//! anyone can take a chat now.

use ayuda_db::chats::{self, ChatView};
use ayuda_db::{ConnectionTrait, DbErr};
use ayuda_types::{Availability, ChatSettings, Eta, QueueInfo, UnavailableReason};
use chrono::{DateTime, Utc};

/// Waits looked at for the estimate, and how many it needs before it shows one.
const WAITS_LOOKED_AT: u64 = 20;
const WAITS_NEEDED: usize = 3;

/// The queue at one moment.
#[derive(Debug, Clone)]
pub struct QueueNow {
    /// Waiting chats in order.
    pub entries: Vec<ChatView>,
    /// The 25th and 75th percentile of recent waits, seconds.
    pub waits: Option<(u32, u32)>,
}

impl QueueNow {
    /// Reads the queue and the recent waits.
    pub async fn read(conn: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<Self, DbErr> {
        let entries = chats::queue(conn).await?;
        let mut waits =
            chats::recent_waits(conn, now - chrono::Duration::hours(2), WAITS_LOOKED_AT).await?;
        waits.sort_unstable();
        let spread = (waits.len() >= WAITS_NEEDED).then(|| {
            let at = |q: usize| {
                let i = (waits.len() - 1) * q / 100;
                u32::try_from(waits[i]).unwrap_or(u32::MAX)
            };
            (at(25), at(75))
        });
        Ok(QueueNow {
            entries,
            waits: spread,
        })
    }

    /// Chats waiting.
    pub fn len(&self) -> u32 {
        u32::try_from(self.entries.len()).unwrap_or(u32::MAX)
    }

    /// Whether nobody waits.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The wait estimate for whoever is `position` in line.
    pub fn eta(&self, position: u32) -> Option<Eta> {
        let (lo, hi) = self.waits?;
        let round_down = |s: u32| s / 30 * 30;
        let round_up = |s: u32| s.div_ceil(30) * 30;
        Some(Eta {
            min_s: round_down(lo.saturating_mul(position)),
            max_s: round_up(hi.saturating_mul(position)).max(30),
        })
    }

    /// The place of chat `id`, when it waits.
    pub fn info(&self, id: i64) -> Option<QueueInfo> {
        let index = self.entries.iter().position(|c| c.id == id)?;
        let position = u32::try_from(index + 1).unwrap_or(u32::MAX);
        Some(QueueInfo {
            position,
            queue_len: self.len(),
            queued_at: self.entries[index]
                .queued_at
                .unwrap_or(self.entries[index].updated_at),
            eta: self.eta(position),
        })
    }
}

/// Whether a live agent can be asked for now: someone online with a live connection, and
/// the queue below its limit.
pub async fn availability(
    conn: &impl ConnectionTrait,
    settings: &ChatSettings,
    queue: &QueueNow,
    now: DateTime<Utc>,
) -> Result<Availability, DbErr> {
    let online = chats::online_agents(conn, now).await?;
    let agents_online = u32::try_from(online.len()).unwrap_or(u32::MAX);
    let reason = if online.is_empty() {
        Some(UnavailableReason::NoAgents)
    } else if queue.len() >= settings.queue_limit {
        Some(UnavailableReason::QueueFull)
    } else {
        None
    };
    Ok(Availability {
        available: reason.is_none(),
        reason,
        queue_len: queue.len(),
        eta: queue.eta(queue.len() + 1),
        agents_online,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_estimate_is_a_range_that_grows_with_the_position_and_needs_data() {
        let q = QueueNow {
            entries: Vec::new(),
            waits: Some((40, 100)),
        };
        assert_eq!(
            q.eta(1),
            Some(Eta {
                min_s: 30,
                max_s: 120
            })
        );
        assert_eq!(
            q.eta(3),
            Some(Eta {
                min_s: 120,
                max_s: 300
            })
        );
        let unknown = QueueNow {
            entries: Vec::new(),
            waits: None,
        };
        assert_eq!(unknown.eta(1), None);
    }
}
