//! The Markdown editor: write / preview tabs. The preview is rendered and sanitized by the
//! server (`POST /markdown/render`), so it looks exactly like the stored message will.

use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::attachments::pasted_files;
use crate::components::common::FieldMessage;
use crate::i18n::{T, t, tr};

#[component]
pub fn MarkdownEditor(
    /// Id of the textarea and the API field of its errors.
    id: &'static str,
    #[prop(into)] label: Signal<T>,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<ApiError>>,
    /// Files pasted into the text (screenshots).
    #[prop(optional)]
    on_files: Option<Callback<Vec<web_sys::File>>>,
    #[prop(default = 8)] rows: u32,
    #[prop(optional)] placeholder: Option<T>,
    #[prop(optional)] node_ref: NodeRef<leptos::html::Textarea>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let preview = RwSignal::new(false);
    // Sanitized HTML from the server, or an error shown as text (never as markup).
    let html = RwSignal::new(Ok::<String, String>(String::new()));
    let loading = RwSignal::new(false);
    let show_preview = move |_| {
        preview.set(true);
        let body = value.get_untracked();
        if body.trim().is_empty() {
            html.set(Ok(String::new()));
            return;
        }
        loading.set(true);
        leptos::task::spawn_local(async move {
            html.try_set(match api::files::render_markdown(body).await {
                Ok(r) => Ok(r.html),
                Err(e) => Err(crate::components::common::error_text(&e)),
            });
            loading.try_set(false);
        });
    };
    let on_paste = move |ev: leptos::ev::ClipboardEvent| {
        let Some(on_files) = on_files else { return };
        let files = pasted_files(&ev);
        if !files.is_empty() {
            ev.prevent_default();
            on_files.run(files);
        }
    };
    let message = move || error.with(|e| e.as_ref().and_then(|e| e.field(id)));
    let error_id = format!("{id}-error");
    let tab_id = |suffix: &str| format!("{id}-{suffix}");
    view! {
        <div class="field markdown" class:invalid=move || message().is_some()>
            <div class="markdown-head">
                <label for=id>{move || tr(label.get())}</label>
                <div class="tabs small" role="tablist" aria-label=t(T::EditorMode)>
                    <button
                        type="button"
                        role="tab"
                        id=tab_id("write")
                        aria-selected=move || (!preview.get()).to_string()
                        on:click=move |_| preview.set(false)
                    >
                        {t(T::Write)}
                    </button>
                    <button
                        type="button"
                        role="tab"
                        id=tab_id("preview")
                        aria-selected=move || preview.get().to_string()
                        on:click=show_preview
                    >
                        {t(T::Preview)}
                    </button>
                </div>
            </div>
            <textarea
                id=id
                name=id
                rows=rows
                node_ref=node_ref
                required=required
                class:hidden=move || preview.get()
                placeholder=move || placeholder.map(tr)
                aria-invalid=move || message().is_some().then_some("true")
                aria-describedby=format!("{id}-help {error_id}")
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                on:paste=on_paste
            ></textarea>
            <Show when=move || preview.get()>
                <div class="preview prose" aria-live="polite" aria-busy=move || loading.get().to_string()>
                    {move || {
                        if loading.get() {
                            tr(T::Loading).to_owned().into_any()
                        } else {
                            match html.get() {
                                Ok(h) if h.is_empty() => {
                                    view! { <p class="muted">{t(T::NothingToPreview)}</p> }.into_any()
                                }
                                Ok(h) => view! { <div inner_html=h></div> }.into_any(),
                                Err(message) => view! { <p class="error">{message}</p> }.into_any(),
                            }
                        }
                    }}
                </div>
            </Show>
            <p class="hint" id=format!("{id}-help")>{t(T::MarkdownHint)}</p>
            <FieldMessage id=error_id.clone() message=Signal::derive(message) />
        </div>
    }
}
