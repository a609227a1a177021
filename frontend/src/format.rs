//! Small browser helpers: dates in the user's language, sizes, timers.

use ayuda_types::Locale;
use chrono::{DateTime, Utc};
use wasm_bindgen::JsValue;

/// A date and time in the reader's language and time zone ("1 dic 2026, 10:42").
pub fn datetime(at: &DateTime<Utc>, locale: Locale) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    date.to_locale_string(locale.as_str(), &options).into()
}

/// The time of day in the reader's language ("10:42").
pub fn time(at: &DateTime<Utc>, locale: Locale) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    date.to_locale_time_string_with_options(locale.as_str(), &options)
        .into()
}

/// How long ago `at` was, short and the same in both languages ("5 min", "3 h", "2 d").
pub fn elapsed(at: &DateTime<Utc>) -> String {
    let now = js_sys::Date::now() as i64;
    let minutes = ((now - at.timestamp_millis()) / 60_000).max(0);
    match minutes {
        0..60 => format!("{minutes} min"),
        60..2880 => format!("{} h", minutes / 60),
        _ => format!("{} d", minutes / 1440),
    }
}

/// A machine-readable timestamp for `<time datetime=..>`.
pub fn iso(at: &DateTime<Utc>) -> String {
    at.to_rfc3339()
}

/// A byte count for people ("2.4 MB"). Integer arithmetic: float formatting would add
/// its own code to the wasm for this one use.
pub fn size(bytes: i64) -> String {
    const KB: i64 = 1024;
    const MB: i64 = 1024 * 1024;
    let b = bytes.max(0);
    if b < KB {
        format!("{b} B")
    } else if b < MB {
        format!("{} KB", (b + KB / 2) / KB)
    } else {
        let tenths = (b * 10 + MB / 2) / MB;
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

/// Waits `ms` milliseconds.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Query pairs; `None` and blank values are left out.
pub type Query<'a> = &'a [(&'a str, Option<String>)];

/// A query string (`?a=1&b=x`) from pairs, skipping empty values; `""` when none is left.
pub fn query(pairs: Query<'_>) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter_map(|(k, v)| {
            let v = v.as_deref()?.trim();
            (!v.is_empty()).then(|| format!("{k}={}", js_sys::encode_uri_component(v)))
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}
