//! Sliding-window counting for rate limits.
//!
//! Pure bookkeeping: the caller supplies the clock, so the rules are testable without
//! sleeping. Only the events the caller records count (failed logins, not successful ones),
//! which is why this is not a token bucket that charges every check.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// At most `max` events per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// Events allowed in one window.
    pub max: u32,
    /// Length of the window.
    pub window: Duration,
}

impl Quota {
    /// `max` events per `secs` seconds.
    pub const fn per(max: u32, secs: u64) -> Self {
        Quota {
            max,
            window: Duration::from_secs(secs),
        }
    }

    /// Parses `N/SECONDS` (both positive), as settings write a quota.
    pub fn parse(value: &str) -> Result<Self, String> {
        let (max, secs) = value
            .trim()
            .split_once('/')
            .ok_or("expected N/SECONDS, e.g. 10/300")?;
        let max: u32 = max.trim().parse().map_err(|e| format!("{max:?}: {e}"))?;
        let secs: u64 = secs.trim().parse().map_err(|e| format!("{secs:?}: {e}"))?;
        if max == 0 || secs == 0 {
            return Err("both numbers must be positive".into());
        }
        Ok(Quota::per(max, secs))
    }
}

/// Recent events per key.
#[derive(Debug, Default)]
pub struct SlidingWindow {
    events: HashMap<String, VecDeque<Instant>>,
    checks_since_sweep: u32,
}

impl SlidingWindow {
    /// `Ok(())` while `key` is under `quota`; otherwise how long until one event expires.
    pub fn check(&mut self, key: &str, quota: Quota, now: Instant) -> Result<(), Duration> {
        self.sweep_now_and_then(quota.window, now);
        let Some(events) = self.events.get_mut(key) else {
            return Ok(());
        };
        while events
            .front()
            .is_some_and(|t| now.duration_since(*t) >= quota.window)
        {
            events.pop_front();
        }
        if events.len() < quota.max as usize {
            return Ok(());
        }
        let oldest = events.front().copied().unwrap_or(now);
        Err(quota.window.saturating_sub(now.duration_since(oldest)))
    }

    /// Records one event for `key`.
    pub fn record(&mut self, key: &str, now: Instant) {
        self.events
            .entry(key.to_owned())
            .or_default()
            .push_back(now);
    }

    /// Takes back the latest event of `key` (a reserved attempt that turned out not to count).
    pub fn take_back(&mut self, key: &str) {
        if let Some(events) = self.events.get_mut(key) {
            events.pop_back();
        }
    }

    /// Forgets `key` (after a successful login, say).
    pub fn clear(&mut self, key: &str) {
        self.events.remove(key);
    }

    /// Drops keys whose events all expired, so memory stays bounded by recent traffic.
    fn sweep_now_and_then(&mut self, window: Duration, now: Instant) {
        self.checks_since_sweep += 1;
        if self.checks_since_sweep < 1024 {
            return;
        }
        self.checks_since_sweep = 0;
        self.events.retain(|_, events| {
            events
                .back()
                .is_some_and(|t| now.duration_since(*t) < window)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_max_events_and_tells_when_to_retry() {
        let quota = Quota {
            max: 3,
            window: Duration::from_secs(60),
        };
        let mut limiter = SlidingWindow::default();
        let t0 = Instant::now();
        for i in 0..3 {
            assert!(limiter.check("k", quota, t0).is_ok());
            limiter.record("k", t0 + Duration::from_secs(i));
        }
        let wait = limiter.check("k", quota, t0 + Duration::from_secs(10));
        assert_eq!(wait, Err(Duration::from_secs(50)));
        assert!(limiter.check("other", quota, t0).is_ok());
        assert!(
            limiter
                .check("k", quota, t0 + Duration::from_secs(60))
                .is_ok()
        );
    }

    #[test]
    fn take_back_undoes_the_latest_event() {
        let quota = Quota {
            max: 1,
            window: Duration::from_secs(60),
        };
        let mut limiter = SlidingWindow::default();
        let now = Instant::now();
        limiter.record("k", now);
        assert!(limiter.check("k", quota, now).is_err());
        limiter.take_back("k");
        assert!(limiter.check("k", quota, now).is_ok());
        limiter.take_back("absent");
    }

    #[test]
    fn clear_forgets_a_key() {
        let quota = Quota {
            max: 1,
            window: Duration::from_secs(60),
        };
        let mut limiter = SlidingWindow::default();
        let now = Instant::now();
        limiter.record("k", now);
        assert!(limiter.check("k", quota, now).is_err());
        limiter.clear("k");
        assert!(limiter.check("k", quota, now).is_ok());
    }
}
