//! Live chat's rules (`CHAT.md`): the states of a chat and the moves between them, and how
//! the bot matches what a customer types against its keywords. Pure: the server applies a
//! move inside one transaction and stores what it says.

use crate::search::fold_accent;

/// Where a chat is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChatState {
    /// The bot answers.
    Bot,
    /// In the queue for a live agent (the bot may answer meanwhile).
    Waiting,
    /// A live agent owns it.
    Active,
    /// Over; any write is refused.
    Closed,
}

/// Why a chat closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CloseReason {
    /// The agent solved it.
    Resolved,
    /// The customer ended it.
    CustomerClosed,
    /// The customer went away while waiting.
    Abandoned,
    /// The customer was silent too long in a live chat.
    Inactive,
    /// Nobody wrote to the bot for too long.
    BotIdle,
    /// No agent took it (the wait limit, or the customer left a ticket).
    NoAgent,
    /// An agent turned it into a ticket.
    ConvertedToTicket,
}

/// What someone asks of a chat, by its REST name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// A message, or a bot choice.
    Message,
    /// Ask for a live agent; `available` is the server's availability right now.
    LiveAgent { available: bool },
    /// Back to the bot; in the queue, `leave_queue` gives up the place.
    ResumeBot { leave_queue: bool },
    /// Back to the bot's greeting (leaves the queue).
    Restart,
    /// An agent takes the chat (or auto-routing gives it to one).
    Accept,
    /// No agent: the customer leaves a ticket, or the hard wait limit passed.
    LeaveTicket,
    /// The owner hands the chat to another agent, or back to the queue.
    Transfer { to_queue: bool },
    /// The owner has had no live connection for too long.
    AgentGone,
    /// The owner hands the chat back to the bot.
    Handback,
    /// Either side ends it.
    Close { reason: CloseReason },
    /// An agent turns it into a ticket, closing it unless `keep_open`.
    Ticket { keep_open: bool },
}

impl Move {
    /// The move's REST name (`POST /chats/{id}/<name>`), used in refusals.
    pub fn name(self) -> &'static str {
        match self {
            Move::Message => "messages",
            Move::LiveAgent { .. } => "live-agent",
            Move::ResumeBot { .. } => "resume-bot",
            Move::Restart => "restart",
            Move::Accept => "accept",
            Move::LeaveTicket => "leave-ticket",
            Move::Transfer { .. } => "transfer",
            Move::AgentGone => "agent-gone",
            Move::Handback => "handback",
            Move::Close { .. } => "close",
            Move::Ticket { .. } => "ticket",
        }
    }
}

/// What a move does to the chat's place in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    /// Nothing.
    Unchanged,
    /// Joins at the back (a new `queued_at`).
    Join,
    /// Leaves it; those behind move up.
    Leave,
    /// Back in, keeping the original `queued_at` (a transfer to the queue).
    Rejoin,
    /// Back in at the front (its agent went away).
    Front,
}

/// The chat after a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct After {
    /// Its state.
    pub state: ChatState,
    /// Whether the bot answers.
    pub bot_active: bool,
    /// What happened to its place in the queue.
    pub queue: Queue,
    /// Why it closed, when it did.
    pub close_reason: Option<CloseReason>,
    /// The owner is let go (the chat has no assignee after).
    pub unassign: bool,
    /// The bot says no agent is available and offers "Leave a ticket".
    pub unavailable: bool,
}

/// A move the state does not allow, with the ones it does (409 names them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The chat's state.
    pub state: ChatState,
    /// The refused move.
    pub refused: &'static str,
    /// The moves allowed in this state.
    pub allowed: &'static [&'static str],
}

/// The moves each state allows, by REST name.
pub fn allowed(state: ChatState) -> &'static [&'static str] {
    match state {
        ChatState::Bot => &[
            "messages",
            "live-agent",
            "restart",
            "leave-ticket",
            "ticket",
            "close",
        ],
        ChatState::Waiting => &[
            "messages",
            "resume-bot",
            "restart",
            "accept",
            "leave-ticket",
            "ticket",
            "close",
        ],
        ChatState::Active => &[
            "messages",
            "transfer",
            "agent-gone",
            "handback",
            "ticket",
            "close",
        ],
        ChatState::Closed => &[],
    }
}

/// The chat after `mv` in `state` (with the bot answering or not), or why not.
pub fn apply(state: ChatState, bot_active: bool, mv: Move) -> Result<After, Refusal> {
    let stay = After {
        state,
        bot_active,
        queue: Queue::Unchanged,
        close_reason: None,
        unassign: false,
        unavailable: false,
    };
    let to = |state: ChatState, bot_active: bool, queue: Queue| After {
        state,
        bot_active,
        queue,
        ..stay
    };
    let closed = |reason: CloseReason| After {
        close_reason: Some(reason),
        unassign: true,
        queue: if state == ChatState::Waiting {
            Queue::Leave
        } else {
            Queue::Unchanged
        },
        ..to(ChatState::Closed, false, Queue::Unchanged)
    };
    use ChatState::{Active, Bot, Waiting};
    let after = match (state, mv) {
        (Bot | Waiting | Active, Move::Message) => stay,
        (Bot, Move::LiveAgent { available: true }) => to(Waiting, false, Queue::Join),
        (Bot, Move::LiveAgent { available: false }) => After {
            unavailable: true,
            ..stay
        },
        (Waiting, Move::ResumeBot { leave_queue: false }) => to(Waiting, true, Queue::Unchanged),
        (Waiting, Move::ResumeBot { leave_queue: true }) | (Waiting, Move::Restart) => {
            to(Bot, true, Queue::Leave)
        }
        (Bot, Move::Restart) => to(Bot, true, Queue::Unchanged),
        (Waiting, Move::Accept) => to(Active, false, Queue::Leave),
        // From the bot too: "no agent available, leave a ticket".
        (Bot | Waiting, Move::LeaveTicket) => closed(CloseReason::NoAgent),
        (Active, Move::Transfer { to_queue: false }) => stay,
        (Active, Move::Transfer { to_queue: true }) => After {
            unassign: true,
            ..to(Waiting, false, Queue::Rejoin)
        },
        (Active, Move::AgentGone) => After {
            unassign: true,
            ..to(Waiting, false, Queue::Front)
        },
        (Active, Move::Handback) => After {
            unassign: true,
            ..to(Bot, true, Queue::Unchanged)
        },
        (Bot | Waiting | Active, Move::Close { reason }) => closed(reason),
        (Bot | Waiting | Active, Move::Ticket { keep_open: true }) => stay,
        (Bot | Waiting | Active, Move::Ticket { keep_open: false }) => {
            closed(CloseReason::ConvertedToTicket)
        }
        _ => {
            return Err(Refusal {
                state,
                refused: mv.name(),
                allowed: allowed(state),
            });
        }
    };
    Ok(after)
}

/// A bot choice: its id and the keywords and aliases that pick it.
#[derive(Debug, Clone, Copy)]
pub struct Choice<'a> {
    /// Keyword node id.
    pub id: i64,
    /// Keywords and aliases, as written.
    pub keywords: &'a [&'a str],
}

/// What the customer's text picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// A choice, by id.
    Choice(i64),
    /// "Chatear con un humano": a live agent, on any node.
    Human,
    /// "Restart / Reiniciar / menú": back to the greeting, on any node.
    Restart,
    /// Nothing: the bot answers from the forum.
    Nothing,
}

/// Words that ask for a person, in either language, on every node.
const HUMAN: &[&str] = &[
    "humano",
    "agente",
    "persona",
    "human",
    "agent",
    "person",
    "chatear con un humano",
    "chat with a human",
    "live agent",
    "live agent request",
];

/// Words that go back to the greeting, on every node.
const RESTART: &[&str] = &["restart", "reiniciar", "menu", "inicio", "start over"];

/// Lowercase, accents folded, anything but letters and digits a single space.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase).map(fold_accent) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with(' ') && !out.is_empty() {
            out.push(' ');
        }
    }
    out.trim_end().to_owned()
}

/// What `text` picks among `choices` (in the order shown, numbered from 1): a universal
/// word, an exact keyword or alias, a choice's number, a word of 4+ letters that begins a
/// keyword's word, or a word of 5+ letters one typo away from one.
pub fn pick(text: &str, choices: &[Choice<'_>]) -> Pick {
    let said = normalize(text);
    if said.is_empty() {
        return Pick::Nothing;
    }
    if HUMAN.contains(&said.as_str()) {
        return Pick::Human;
    }
    if RESTART.contains(&said.as_str()) {
        return Pick::Restart;
    }
    // Each choice's keywords, normalized once for every rule below.
    let keywords: Vec<Vec<String>> = choices
        .iter()
        .map(|c| c.keywords.iter().map(|k| normalize(k)).collect())
        .collect();
    if let Some(i) = keywords.iter().position(|ks| ks.contains(&said)) {
        return Pick::Choice(choices[i].id);
    }
    if let Ok(n) = said.parse::<usize>()
        && let Some(c) = n.checked_sub(1).and_then(|i| choices.get(i))
    {
        return Pick::Choice(c.id);
    }
    let words: Vec<&str> = said.split(' ').collect();
    let by = |test: &dyn Fn(&str, &str) -> bool| {
        keywords.iter().position(|ks| {
            ks.iter()
                .flat_map(|k| k.split(' '))
                .any(|kw| words.iter().any(|w| test(w, kw)))
        })
    };
    let prefix = |w: &str, kw: &str| w.chars().count() >= 4 && kw.starts_with(w);
    let typo = |w: &str, kw: &str| {
        w.chars().count() >= 5 && kw.chars().count() >= 5 && one_edit_apart(w, kw)
    };
    match by(&prefix).or_else(|| by(&typo)) {
        Some(i) => Pick::Choice(choices[i].id),
        None => Pick::Nothing,
    }
}

/// Whether `a` becomes `b` by one inserted, deleted or replaced character.
fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a == b || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    let start = short
        .iter()
        .zip(long.iter())
        .take_while(|(x, y)| x == y)
        .count();
    if short.len() == long.len() {
        // One letter replaced, or two neighbours swapped ("delivrey").
        let swapped = start + 1 < a.len()
            && a[start] == b[start + 1]
            && a[start + 1] == b[start]
            && a[start + 2..] == b[start + 2..];
        swapped || short[start + 1..] == long[start + 1..]
    } else {
        short[start..] == long[start + 1..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_journey_of_the_source_document_moves_as_chat_md_says() {
        // Bot → ask for a human → back to the bot keeping the place → accepted → closed.
        let waiting = apply(ChatState::Bot, true, Move::LiveAgent { available: true }).unwrap();
        assert_eq!(
            (waiting.state, waiting.queue),
            (ChatState::Waiting, Queue::Join)
        );
        let resumed = apply(waiting.state, false, Move::ResumeBot { leave_queue: false }).unwrap();
        assert_eq!(
            (resumed.state, resumed.bot_active, resumed.queue),
            (ChatState::Waiting, true, Queue::Unchanged)
        );
        let active = apply(resumed.state, true, Move::Accept).unwrap();
        assert_eq!(
            (active.state, active.bot_active, active.queue),
            (ChatState::Active, false, Queue::Leave)
        );
        let closed = apply(
            active.state,
            false,
            Move::Close {
                reason: CloseReason::Resolved,
            },
        )
        .unwrap();
        assert_eq!(closed.state, ChatState::Closed);
        assert_eq!(closed.close_reason, Some(CloseReason::Resolved));
    }

    #[test]
    fn the_other_moves_of_the_table() {
        let no_agent = apply(ChatState::Bot, true, Move::LiveAgent { available: false }).unwrap();
        assert_eq!(
            (no_agent.state, no_agent.unavailable),
            (ChatState::Bot, true)
        );
        let left = apply(ChatState::Waiting, false, Move::LeaveTicket).unwrap();
        assert_eq!(
            (left.state, left.close_reason, left.queue),
            (ChatState::Closed, Some(CloseReason::NoAgent), Queue::Leave)
        );
        let gone = apply(ChatState::Active, false, Move::AgentGone).unwrap();
        assert_eq!(
            (gone.state, gone.queue, gone.unassign),
            (ChatState::Waiting, Queue::Front, true)
        );
        let requeued = apply(ChatState::Active, false, Move::Transfer { to_queue: true }).unwrap();
        assert_eq!(requeued.queue, Queue::Rejoin);
        let handed = apply(ChatState::Active, false, Move::Handback).unwrap();
        assert_eq!((handed.state, handed.bot_active), (ChatState::Bot, true));
        let restarted = apply(ChatState::Waiting, true, Move::Restart).unwrap();
        assert_eq!(
            (restarted.state, restarted.queue),
            (ChatState::Bot, Queue::Leave)
        );
        let ticket = apply(ChatState::Active, false, Move::Ticket { keep_open: false }).unwrap();
        assert_eq!(ticket.close_reason, Some(CloseReason::ConvertedToTicket));
        let kept = apply(ChatState::Active, false, Move::Ticket { keep_open: true }).unwrap();
        assert_eq!(kept.state, ChatState::Active);
    }

    #[test]
    fn illegal_moves_are_refused_naming_the_allowed_ones() {
        let refusal = apply(ChatState::Bot, true, Move::Accept).unwrap_err();
        assert_eq!(refusal.refused, "accept");
        assert!(refusal.allowed.contains(&"live-agent"));
        let closed = apply(ChatState::Closed, false, Move::Message).unwrap_err();
        assert!(closed.allowed.is_empty());
        assert!(
            apply(
                ChatState::Active,
                false,
                Move::LiveAgent { available: true }
            )
            .is_err()
        );
        assert!(apply(ChatState::Bot, true, Move::ResumeBot { leave_queue: false }).is_err());
        // Every move a state allows is named in its list, and nothing else passes.
        let moves = [
            Move::Message,
            Move::LiveAgent { available: true },
            Move::ResumeBot { leave_queue: false },
            Move::Restart,
            Move::Accept,
            Move::LeaveTicket,
            Move::Transfer { to_queue: false },
            Move::AgentGone,
            Move::Handback,
            Move::Close {
                reason: CloseReason::CustomerClosed,
            },
            Move::Ticket { keep_open: false },
        ];
        for state in [
            ChatState::Bot,
            ChatState::Waiting,
            ChatState::Active,
            ChatState::Closed,
        ] {
            for mv in moves {
                assert_eq!(
                    apply(state, true, mv).is_ok(),
                    allowed(state).contains(&mv.name()),
                    "{state:?} {mv:?}"
                );
            }
        }
    }

    #[test]
    fn the_bot_understands_what_customers_type() {
        let billing = ["Facturación", "factura", "billing", "invoice"];
        let password = ["Contraseña", "password", "clave"];
        let technical = ["Problema técnico", "error", "technical problem"];
        let choices = [
            Choice {
                id: 1,
                keywords: &billing,
            },
            Choice {
                id: 2,
                keywords: &password,
            },
            Choice {
                id: 3,
                keywords: &technical,
            },
        ];
        let table = [
            ("FACTURACION", Pick::Choice(1)),
            ("  contraseña!! ", Pick::Choice(2)),
            ("2", Pick::Choice(2)),
            ("4", Pick::Nothing),
            ("factu", Pick::Choice(1)),
            ("contrasena", Pick::Choice(2)),
            ("pasword", Pick::Choice(2)),
            ("technicl", Pick::Choice(3)),
            ("Chatear con un humano", Pick::Human),
            ("Chat with a human", Pick::Human),
            ("humano", Pick::Human),
            ("Reiniciar", Pick::Restart),
            ("menú", Pick::Restart),
            ("fac", Pick::Nothing),
            ("clavo", Pick::Choice(2)),
            ("mesas", Pick::Nothing),
            ("el tiempo de mañana", Pick::Nothing),
            ("", Pick::Nothing),
        ];
        for (typed, expected) in table {
            assert_eq!(pick(typed, &choices), expected, "{typed:?}");
        }
    }

    #[test]
    fn one_typo_is_one_insertion_deletion_replacement_or_swap() {
        assert!(one_edit_apart("delivery", "delivrey"));
        assert!(!one_edit_apart("delivery", "edlivrey"));
        assert!(one_edit_apart("factura", "fatura"));
        assert!(one_edit_apart("factura", "facturas"));
        assert!(one_edit_apart("factura", "fectura"));
        assert!(!one_edit_apart("factura", "factura"));
        assert!(!one_edit_apart("factura", "fetura"));
    }
}
