//! A WebSocket that comes back: after a drop it reconnects with backoff (at once when the
//! browser says it is online again or the tab becomes visible), each time with a fresh
//! address (a new single-use ticket). Frames arrive decoded as [`ChatEvent`]s.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use ayuda_types::ChatEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

/// Close codes after which connecting again cannot help (CHAT.md): not a participant, no
/// such chat.
const FINAL_CODES: [u16; 2] = [4403, 4404];
/// Silence after which the connection is taken for dead (the server beats every 25 s).
const SILENCE_MS: f64 = 60_000.0;

/// Gives the address to connect to, or `None` when it cannot be had now (offline).
pub type Address = Rc<dyn Fn() -> Pin<Box<dyn Future<Output = Option<String>>>>>;

/// What the socket tells its owner.
pub struct Handlers {
    /// Each frame, in order.
    pub frame: Box<dyn Fn(ChatEvent)>,
    /// Connected (`true`) or lost (`false`).
    pub connected: Box<dyn Fn(bool)>,
}

struct Inner {
    address: Address,
    handlers: Handlers,
    ws: Option<web_sys::WebSocket>,
    /// Kept alive while `ws` lives (dropping them would detach the callbacks).
    callbacks: Vec<Closure<dyn FnMut(web_sys::Event)>>,
    connecting: bool,
    failures: u32,
    stopped: bool,
    heard_at: f64,
}

/// A reconnecting socket; cheap to clone, stopped by [`Socket::stop`].
#[derive(Clone)]
pub struct Socket(Rc<RefCell<Inner>>);

impl Socket {
    /// Connects now, and again after every drop until stopped.
    pub fn open(address: Address, handlers: Handlers) -> Self {
        let socket = Socket(Rc::new(RefCell::new(Inner {
            address,
            handlers,
            ws: None,
            callbacks: Vec::new(),
            connecting: false,
            failures: 0,
            stopped: false,
            heard_at: js_sys::Date::now(),
        })));
        socket.watch_the_browser();
        socket.keep_alive();
        socket.connect();
        socket
    }

    /// Sends a JSON frame if connected (frames are best effort: what must arrive goes
    /// over REST, which says whether it did).
    pub fn send(&self, frame: &serde_json::Value) {
        let inner = self.0.borrow();
        if let Some(ws) = inner.ws.as_ref().filter(|ws| ws.ready_state() == 1) {
            let _ = ws.send_with_str(&frame.to_string());
        }
    }

    /// Closes for good.
    pub fn stop(&self) {
        let (ws, callbacks) = {
            let mut inner = self.0.borrow_mut();
            inner.stopped = true;
            (inner.ws.take(), std::mem::take(&mut inner.callbacks))
        };
        if let Some(ws) = ws {
            ws.set_onclose(None);
            let _ = ws.close();
        }
        // Dropped later: this may run inside one of them. Dropping them breaks the cycle
        // socket → callbacks → socket.
        set_timeout(move || drop(callbacks), Duration::ZERO);
    }

    /// Connects unless connected, connecting or stopped.
    pub fn reconnect_now(&self) {
        let busy = {
            let inner = self.0.borrow();
            inner.stopped || inner.connecting || inner.ws.is_some()
        };
        if !busy {
            self.connect();
        }
    }

    fn connect(&self) {
        let address = {
            let mut inner = self.0.borrow_mut();
            inner.connecting = true;
            inner.address.clone()
        };
        let this = self.clone();
        leptos::task::spawn_local(async move {
            let url = address().await;
            let stopped = this.0.borrow().stopped;
            if stopped {
                return;
            }
            match url.and_then(|url| web_sys::WebSocket::new(&url).ok()) {
                Some(ws) => this.attach(ws),
                None => {
                    this.0.borrow_mut().connecting = false;
                    this.retry_later();
                }
            }
        });
    }

    fn attach(&self, ws: web_sys::WebSocket) {
        let on_open = {
            let this = self.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                {
                    let mut inner = this.0.borrow_mut();
                    inner.connecting = false;
                    inner.failures = 0;
                    inner.heard_at = js_sys::Date::now();
                }
                (this.0.borrow().handlers.connected)(true);
            })
        };
        let on_message = {
            let this = self.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
                this.0.borrow_mut().heard_at = js_sys::Date::now();
                let Some(text) = ev
                    .dyn_into::<web_sys::MessageEvent>()
                    .ok()
                    .and_then(|m| m.data().as_string())
                else {
                    return;
                };
                if let Ok(event) = serde_json::from_str::<ChatEvent>(&text) {
                    (this.0.borrow().handlers.frame)(event);
                }
            })
        };
        let on_close = {
            let this = self.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
                let code = ev
                    .dyn_into::<web_sys::CloseEvent>()
                    .map(|c| c.code())
                    .unwrap_or(1006);
                this.dropped(code);
            })
        };
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        let mut inner = self.0.borrow_mut();
        inner.ws = Some(ws);
        inner.callbacks = vec![on_open, on_message, on_close];
    }

    fn dropped(&self, code: u16) {
        let was_open = {
            let mut inner = self.0.borrow_mut();
            let was_open = !inner.connecting;
            inner.ws = None;
            inner.connecting = false;
            if FINAL_CODES.contains(&code) {
                inner.stopped = true;
            }
            was_open
        };
        if was_open {
            (self.0.borrow().handlers.connected)(false);
        }
        self.retry_later();
    }

    /// Tries again after 0.5, 1, 2, 4, 8 then every 10 seconds.
    fn retry_later(&self) {
        let wait = {
            let mut inner = self.0.borrow_mut();
            if inner.stopped {
                return;
            }
            inner.failures += 1;
            (250u64 << inner.failures.min(6)).min(10_000)
        };
        let this = self.clone();
        set_timeout(move || this.reconnect_now(), Duration::from_millis(wait));
    }

    /// Reconnects at once when the browser is back online or the tab is shown again.
    fn watch_the_browser(&self) {
        let online = {
            let this = self.clone();
            window_event_listener(leptos::ev::online, move |_| this.reconnect_now())
        };
        let shown = {
            let this = self.clone();
            window_event_listener(leptos::ev::visibilitychange, move |_| {
                let visible = web_sys::window()
                    .and_then(|w| w.document())
                    .is_some_and(|d| !d.hidden());
                if visible {
                    this.reconnect_now();
                    this.send(&serde_json::json!({"op": "ping"}));
                }
            })
        };
        on_cleanup(move || {
            online.remove();
            shown.remove();
        });
    }

    /// A ping every 25 s; a connection silent for a minute is closed (and so resumed).
    fn keep_alive(&self) {
        let this = self.clone();
        if let Ok(handle) = set_interval_with_handle(
            move || {
                let silent = js_sys::Date::now() - this.0.borrow().heard_at > SILENCE_MS;
                if silent {
                    let ws = this.0.borrow_mut().ws.take();
                    if let Some(ws) = ws {
                        ws.set_onclose(None);
                        let _ = ws.close();
                        this.dropped(1006);
                    }
                } else {
                    this.send(&serde_json::json!({"op": "ping"}));
                }
            },
            Duration::from_secs(25),
        ) {
            on_cleanup(move || handle.clear());
        }
    }
}
