//! Forum pieces several screens use.

use ayuda_types::ForumCategory;
use leptos::prelude::*;

use crate::api;
use crate::i18n;
use crate::load::Load;

/// The forum's categories, named in the UI's language (fetched again when it changes).
pub fn categories() -> Load<Vec<ForumCategory>> {
    let locale = i18n::locale();
    Load::new(move || {
        let locale = locale.get();
        async move { api::forum::categories(locale).await.unwrap_or_default() }
    })
}
