//! The in-process fan-out of chat events to the sockets of this instance.
//!
//! A socket owns one bounded queue (256 frames); it subscribes that queue to topics (a
//! chat, the agents' desk). Publishing never waits: a socket whose queue is full is
//! dropped from every topic and marked `kicked`, and its task closes it with 4008 so the
//! client resumes from its last `seq` — never a silent gap.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;

/// Frames a socket may have queued before it counts as too slow.
pub const SOCKET_QUEUE: usize = 256;

/// What a socket can follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    /// One chat's events.
    Chat(i64),
    /// The agents' desk feed (queue, assignments, presence).
    Desk,
}

/// A frame ready to send: the staff's JSON and, where it differs, the customer's.
#[derive(Debug)]
pub struct Frame {
    /// The chat, for chat frames.
    pub chat_id: Option<i64>,
    /// The chat's sequence number, for stored events.
    pub seq: Option<i64>,
    /// The desk feed's sequence number, for desk entries.
    pub feed_seq: Option<i64>,
    /// The JSON staff see.
    pub staff: Arc<str>,
    /// The JSON the customer sees (an internal note's placeholder); `None`: the same.
    pub customer: Option<Arc<str>>,
    /// Only to the customer's socket (their queue position).
    pub customer_only: bool,
    /// When the event was stored (for the delivery-latency histogram).
    pub stored_at: Option<std::time::Instant>,
}

impl Frame {
    /// An ephemeral frame everyone on the topic gets as it is.
    pub fn ephemeral(chat_id: Option<i64>, json: String) -> Self {
        Frame {
            chat_id,
            seq: None,
            feed_seq: None,
            staff: json.into(),
            customer: None,
            customer_only: false,
            stored_at: None,
        }
    }
}

struct Subscriber {
    tx: mpsc::Sender<Arc<Frame>>,
    kicked: Arc<AtomicBool>,
}

#[derive(Default)]
struct Topics {
    by_topic: HashMap<Topic, HashMap<u64, Arc<Subscriber>>>,
    by_socket: HashMap<u64, (Arc<Subscriber>, HashSet<Topic>)>,
}

/// The hub: topics and their subscribed sockets.
#[derive(Default)]
pub struct Hub {
    topics: Mutex<Topics>,
    next_id: AtomicU64,
}

/// A socket's end: its queue and whether the hub dropped it for being slow.
pub struct Mailbox {
    /// The socket's id in the hub.
    pub id: u64,
    /// Frames to send.
    pub rx: mpsc::Receiver<Arc<Frame>>,
    /// Set when the queue overflowed.
    pub kicked: Arc<AtomicBool>,
    tx: mpsc::Sender<Arc<Frame>>,
}

impl Mailbox {
    /// A sender into this socket's own queue (for frames only it gets: replays, acks).
    pub fn sender(&self) -> mpsc::Sender<Arc<Frame>> {
        self.tx.clone()
    }
}

impl Hub {
    /// A new socket's queue, subscribed to nothing yet.
    pub fn open(&self) -> Mailbox {
        let (tx, rx) = mpsc::channel(SOCKET_QUEUE);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let kicked = Arc::new(AtomicBool::new(false));
        let sub = Arc::new(Subscriber {
            tx: tx.clone(),
            kicked: kicked.clone(),
        });
        self.lock().by_socket.insert(id, (sub, HashSet::new()));
        metrics::gauge!("ayuda_chat_sockets_open").increment(1.0);
        Mailbox { id, rx, kicked, tx }
    }

    /// Subscribes socket `id` to `topic`.
    pub fn subscribe(&self, id: u64, topic: Topic) {
        let mut topics = self.lock();
        let Some((sub, subscribed)) = topics.by_socket.get_mut(&id) else {
            return;
        };
        subscribed.insert(topic);
        let sub = sub.clone();
        topics.by_topic.entry(topic).or_default().insert(id, sub);
    }

    /// Unsubscribes socket `id` from `topic`.
    pub fn unsubscribe(&self, id: u64, topic: Topic) {
        let mut topics = self.lock();
        if let Some((_, subscribed)) = topics.by_socket.get_mut(&id) {
            subscribed.remove(&topic);
        }
        remove_from(&mut topics, topic, id);
    }

    /// Forgets socket `id` (it closed).
    pub fn close(&self, id: u64) {
        let mut topics = self.lock();
        if let Some((_, subscribed)) = topics.by_socket.remove(&id) {
            for topic in subscribed {
                remove_from(&mut topics, topic, id);
            }
            metrics::gauge!("ayuda_chat_sockets_open").decrement(1.0);
        }
    }

    /// Queues `frame` for every socket on `topic`; a socket whose queue is full is kicked.
    pub fn publish(&self, topic: Topic, frame: Arc<Frame>) {
        let mut slow = Vec::new();
        {
            let topics = self.lock();
            let Some(subs) = topics.by_topic.get(&topic) else {
                return;
            };
            for (id, sub) in subs {
                if sub.tx.try_send(frame.clone()).is_err() {
                    sub.kicked.store(true, Ordering::Release);
                    slow.push(*id);
                }
            }
        }
        for id in slow {
            metrics::counter!("ayuda_chat_slow_consumers_total").increment(1);
            self.close(id);
        }
    }

    /// The chats some socket here follows.
    pub fn watched_chats(&self) -> Vec<i64> {
        self.lock()
            .by_topic
            .iter()
            .filter(|(_, subs)| !subs.is_empty())
            .filter_map(|(topic, _)| match topic {
                Topic::Chat(id) => Some(*id),
                Topic::Desk => None,
            })
            .collect()
    }

    /// Whether some socket here follows `topic`.
    pub fn is_watched(&self, topic: Topic) -> bool {
        self.lock()
            .by_topic
            .get(&topic)
            .is_some_and(|subs| !subs.is_empty())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Topics> {
        // A panic while holding the lock leaves plain maps behind; they stay usable.
        self.topics.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn remove_from(topics: &mut Topics, topic: Topic, id: u64) {
    if let Some(subs) = topics.by_topic.get_mut(&topic) {
        subs.remove(&id);
        if subs.is_empty() {
            topics.by_topic.remove(&topic);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_queue_kicks_the_socket_and_never_drops_silently() {
        let hub = Hub::default();
        let mut fast = hub.open();
        let slow = hub.open();
        hub.subscribe(fast.id, Topic::Chat(1));
        hub.subscribe(slow.id, Topic::Chat(1));
        for i in 0..SOCKET_QUEUE + 1 {
            hub.publish(
                Topic::Chat(1),
                Arc::new(Frame::ephemeral(Some(1), i.to_string())),
            );
            // The fast socket drains as it goes.
            assert!(fast.rx.try_recv().is_ok());
        }
        assert!(slow.kicked.load(Ordering::Acquire));
        assert!(!fast.kicked.load(Ordering::Acquire));
        assert!(hub.is_watched(Topic::Chat(1)));
        hub.close(fast.id);
        assert!(!hub.is_watched(Topic::Chat(1)));
    }
}
