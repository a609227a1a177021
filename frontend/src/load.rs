//! Data fetched from the API for a screen: a small stand-in for Leptos' `LocalResource`.
//!
//! A `LocalResource` brings the async-derived machinery (suspense, transitions, wakers)
//! along for every value type, about 6 KB of wasm each; the app only needs "fetch when
//! the inputs change, keep the last answer meanwhile, refetch on demand".

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

/// The latest answer of a fetch that reruns whenever a signal it reads changes.
pub struct Load<T: 'static> {
    value: RwSignal<Option<T>>,
    /// Bumped by [`Load::refetch`]; the fetch reads it, so a bump reruns it.
    reruns: RwSignal<u32>,
    /// Number of the latest fetch started, so a slower earlier answer never wins.
    latest: StoredValue<u32>,
}

impl<T: 'static> Clone for Load<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for Load<T> {}

impl<T: Clone + Send + Sync + 'static> Load<T> {
    /// Starts `fetch` at once and again whenever a signal it reads changes. Only the
    /// signals read before its future is returned count (unlike `LocalResource`, reads
    /// inside the future are not tracked), so read them first and move the values in.
    pub fn new<F, Fut>(fetch: F) -> Self
    where
        F: Fn() -> Fut + 'static,
        Fut: Future<Output = T> + 'static,
    {
        let load = Self {
            value: RwSignal::new(None),
            reruns: RwSignal::new(0),
            latest: StoredValue::new(0),
        };
        rerun_on_change(Box::new(move || {
            load.reruns.track();
            // Boxed: the task below is then compiled once per answer type, not once per
            // call site (each fetch is its own future type).
            let future: Pin<Box<dyn Future<Output = T>>> = Box::pin(fetch());
            let number = load.latest.get_value().wrapping_add(1);
            load.latest.set_value(number);
            spawn_local(load.settle(future, number));
        }));
        load
    }

    /// Waits for an answer and keeps it unless the screen is gone or a newer fetch began.
    async fn settle(self, future: Pin<Box<dyn Future<Output = T>>>, number: u32) {
        let answer = future.await;
        if self.latest.try_with_value(|n| *n) == Some(number) {
            self.value.try_set(Some(answer));
        }
    }

    /// The latest answer, `None` until the first one arrives (tracked).
    pub fn get(&self) -> Option<T> {
        self.value.get()
    }

    /// The latest answer, not tracked; `None` also once the screen is gone.
    pub fn get_untracked(&self) -> Option<T> {
        self.value.try_get_untracked().flatten()
    }

    /// Makes the reading effect rerun when a new answer arrives.
    pub fn track(&self) {
        self.value.track();
    }

    /// Fetches again, keeping the current answer on screen until the new one arrives. Does
    /// nothing once the screen is gone (a fetch finishing after the user left calls it).
    pub fn refetch(&self) {
        self.reruns.try_update(|n| *n = n.wrapping_add(1));
    }
}

/// An effect: runs `run` now and again whenever a signal it reads changes. Use it instead
/// of `Effect::new` when the previous run's value is not needed: the effect's machinery
/// (an async task per closure type, about 2.6 KB of wasm each) is then compiled once.
pub fn watch(run: impl Fn() + 'static) {
    rerun_on_change(Box::new(run));
}

fn rerun_on_change(run: Box<dyn Fn()>) {
    Effect::new(move |_| run());
}

/// A counter that goes up every `seconds` while the page is visible: resources that read
/// it refetch.
pub fn poll_tick(seconds: u64) -> RwSignal<u32> {
    let tick = RwSignal::new(0u32);
    if let Ok(handle) = set_interval_with_handle(
        move || {
            let visible = web_sys::window()
                .and_then(|w| w.document())
                .is_none_or(|d| !d.hidden());
            if visible {
                tick.update(|t| *t = t.wrapping_add(1));
            }
        },
        Duration::from_secs(seconds),
    ) {
        on_cleanup(move || handle.clear());
    }
    tick
}
