//! Files: the upload picker (button, drag-and-drop, paste) and the attachments of a
//! message (image thumbnails, downloads). Downloads need the bearer token, so they go
//! through `fetch` into object URLs.

use ayuda_types::Attachment;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api;
use crate::components::common::error_text;
use crate::format;
use crate::i18n::{T, t, tr};
use crate::load::Load;

#[derive(Clone, PartialEq)]
enum UploadState {
    Uploading,
    Done(Attachment),
    Failed(String),
}

#[derive(Clone, PartialEq)]
struct Upload {
    key: u32,
    name: String,
    size: i64,
    /// Object URL of the local file, for image thumbnails.
    thumbnail: Option<String>,
    state: UploadState,
}

/// Files being attached to a message that is not sent yet.
#[derive(Clone, Copy)]
pub struct Uploads {
    items: RwSignal<Vec<Upload>>,
    next_key: StoredValue<u32>,
    /// The server's size limit per file, once known: larger files are refused here, before
    /// megabytes go over the network only to be turned away.
    max_bytes: RwSignal<Option<u64>>,
}

impl Uploads {
    pub fn new() -> Self {
        Self {
            items: RwSignal::new(Vec::new()),
            next_key: StoredValue::new(0),
            max_bytes: RwSignal::new(None),
        }
    }

    /// Starts uploading `files` (each at once, in parallel).
    pub fn add(&self, files: Vec<web_sys::File>) {
        for file in files {
            let key = self.next_key.get_value();
            self.next_key.set_value(key + 1);
            let thumbnail = file
                .type_()
                .starts_with("image/")
                .then(|| web_sys::Url::create_object_url_with_blob(&file).ok())
                .flatten();
            let too_big = self
                .max_bytes
                .get_untracked()
                .filter(|max| file.size() > *max as f64);
            let state = match too_big {
                Some(max) => UploadState::Failed(
                    tr(T::FileTooBig).replace("{size}", &format::size(max as i64)),
                ),
                None => UploadState::Uploading,
            };
            let refused = too_big.is_some();
            self.items.update(|items| {
                items.push(Upload {
                    key,
                    name: file.name(),
                    size: file.size() as i64,
                    thumbnail,
                    state,
                })
            });
            if refused {
                continue;
            }
            let items = self.items;
            leptos::task::spawn_local(async move {
                let state = match api::files::upload(&file).await {
                    Ok(attachment) => UploadState::Done(attachment),
                    Err(e) => UploadState::Failed(error_text(&e)),
                };
                items.try_update(|items| {
                    if let Some(item) = items.iter_mut().find(|i| i.key == key) {
                        item.state = state;
                    }
                });
            });
        }
    }

    fn remove(&self, key: u32) {
        self.items.update(|items| {
            if let Some(pos) = items.iter().position(|i| i.key == key) {
                let item = items.remove(pos);
                if let Some(url) = item.thumbnail {
                    let _ = web_sys::Url::revoke_object_url(&url);
                }
            }
        });
    }

    /// Ids of the finished uploads, for `attachment_ids`.
    pub fn ids(&self) -> Vec<i64> {
        self.items.with(|items| {
            items
                .iter()
                .filter_map(|i| match &i.state {
                    UploadState::Done(a) => Some(a.id),
                    _ => None,
                })
                .collect()
        })
    }

    /// True while a file is still uploading (sending must wait).
    pub fn busy(&self) -> bool {
        self.items
            .with(|items| items.iter().any(|i| i.state == UploadState::Uploading))
    }

    /// Forgets everything (after sending; nothing once the form is gone).
    pub fn clear(&self) {
        let keys: Vec<u32> = self
            .items
            .try_with(|items| items.iter().map(|i| i.key).collect())
            .unwrap_or_default();
        for key in keys {
            self.remove(key);
        }
    }
}

/// The drop zone with a file button, and the list of files being attached.
#[component]
pub fn AttachmentPicker(uploads: Uploads, id: &'static str) -> impl IntoView {
    let over = RwSignal::new(false);
    let limit = uploads.max_bytes;
    leptos::task::spawn_local(async move {
        if let Ok(config) = api::files::config().await {
            limit.try_set(Some(config.attachment_max_bytes));
        }
    });
    view! {
        <div
            class="dropzone"
            class:over=move || over.get()
            on:dragover=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                over.set(true);
            }
            on:dragleave=move |_| over.set(false)
            on:drop=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                over.set(false);
                uploads.add(dropped_files(&ev));
            }
        >
            <input
                id=id
                class="visually-hidden file-input"
                type="file"
                multiple=true
                on:change=move |ev| uploads.add(input_files(&ev))
            />
            <label for=id class="button subtle">{t(T::AddFiles)}</label>
            <span class="muted">{t(T::DropOrPaste)}</span>
            <span class="muted file-limit">
                {move || limit.get().map(|max| tr(T::FileLimit).replace("{size}", &format::size(max as i64)))}
            </span>
        </div>
        <ul class="uploads" aria-live="polite">
            <For
                each=move || uploads.items.get()
                key=|u| (u.key, matches!(u.state, UploadState::Uploading))
                children=move |u: Upload| {
                    let key = u.key;
                    let (status, failed) = match &u.state {
                        UploadState::Uploading => (tr(T::Uploading).to_owned(), false),
                        UploadState::Done(_) => (format::size(u.size), false),
                        UploadState::Failed(why) => (why.clone(), true),
                    };
                    view! {
                        <li class="upload" class:failed=failed>
                            {u.thumbnail.clone().map(|src| view! { <img class="thumb" src=src alt="" /> })}
                            <span class="upload-name">{u.name.clone()}</span>
                            <span class="muted">{status}</span>
                            <button
                                type="button"
                                class="link-button"
                                aria-label=format!("{} {}", tr(T::Remove), u.name)
                                on:click=move |_| uploads.remove(key)
                            >
                                {t(T::Remove)}
                            </button>
                        </li>
                    }
                }
            />
        </ul>
    }
}

/// The files of a message: thumbnails for images, download buttons for the rest.
#[component]
pub fn AttachmentList(attachments: Vec<Attachment>) -> impl IntoView {
    (!attachments.is_empty()).then(|| {
        view! {
            <ul class="attachments">
                {attachments
                    .into_iter()
                    .map(|a| {
                        if a.content_type.starts_with("image/") {
                            view! { <li><ImageAttachment attachment=a /></li> }.into_any()
                        } else {
                            view! { <li><FileAttachment attachment=a /></li> }.into_any()
                        }
                    })
                    .collect_view()}
            </ul>
        }
    })
}

#[component]
fn ImageAttachment(attachment: Attachment) -> impl IntoView {
    let id = attachment.id;
    let url = Load::new(move || async move { api::files::object_url(id).await.ok() });
    on_cleanup(move || {
        if let Some(Some(u)) = url.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&u);
        }
    });
    let name = attachment.filename.clone();
    view! {
        <figure class="image-attachment">
            {move || match url.get() {
                Some(Some(src)) => view! {
                    <a href=src.clone() target="_blank" rel="noopener">
                        <img class="thumb large" src=src.clone() alt=name.clone() />
                    </a>
                }.into_any(),
                Some(None) => view! { <span class="muted">{t(T::ImageUnavailable)}</span> }.into_any(),
                None => view! { <span class="thumb placeholder" aria-hidden="true"></span> }.into_any(),
            }}
            <figcaption>{attachment.filename.clone()} " · " {format::size(attachment.size)}</figcaption>
        </figure>
    }
}

#[component]
fn FileAttachment(attachment: Attachment) -> impl IntoView {
    let failed = RwSignal::new(false);
    let (id, filename) = (attachment.id, attachment.filename.clone());
    let download = move |_| {
        let filename = filename.clone();
        leptos::task::spawn_local(async move {
            match api::files::object_url(id).await {
                Ok(url) => {
                    save_as(&url, &filename);
                    let _ = web_sys::Url::revoke_object_url(&url);
                }
                Err(_) => {
                    failed.try_set(true);
                }
            }
        });
    };
    view! {
        <button type="button" class="file-chip" on:click=download>
            {attachment.filename.clone()}
            <span class="muted">" · " {format::size(attachment.size)}</span>
        </button>
        <Show when=move || failed.get()>
            <span class="field-error">{t(T::DownloadFailed)}</span>
        </Show>
    }
}

/// Lets the browser save an object URL under `filename`.
fn save_as(url: &str, filename: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(a) = document
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(url);
        a.set_download(filename);
        a.click();
    }
}

/// The files of a `FileList` (file input, drop, paste).
pub fn file_list(list: &web_sys::FileList) -> Vec<web_sys::File> {
    (0..list.length()).filter_map(|i| list.item(i)).collect()
}

/// The files of a drop event.
pub fn dropped_files(ev: &leptos::ev::DragEvent) -> Vec<web_sys::File> {
    ev.data_transfer()
        .and_then(|d| d.files())
        .map(|l| file_list(&l))
        .unwrap_or_default()
}

/// The files of a paste (a screenshot pasted into a text box).
pub fn pasted_files(ev: &leptos::ev::ClipboardEvent) -> Vec<web_sys::File> {
    ev.clipboard_data()
        .and_then(|d| d.files())
        .map(|l| file_list(&l))
        .unwrap_or_default()
}

/// The files chosen in a file input.
pub fn input_files(ev: &leptos::ev::Event) -> Vec<web_sys::File> {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .and_then(|input| {
            let files = input.files().map(|l| file_list(&l));
            // Let the same file be chosen again after removing it.
            input.set_value("");
            files
        })
        .unwrap_or_default()
}
