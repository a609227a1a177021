//! Attachments, the Markdown preview, and the public settings the forms need.

use ayuda_types::{Attachment, PublicConfig, RenderMarkdown, RenderedMarkdown};
use wasm_bindgen::JsCast;

use super::{ApiError, ApiResult, call, get, post};
use crate::http::{self, Body, Method};
use crate::session::Session;

/// `GET /config`: limits and settings for forms.
pub async fn config() -> ApiResult<PublicConfig> {
    get("/config").await
}

/// `POST /markdown/render`: the HTML the server would store for `body`.
pub async fn render_markdown(body: String) -> ApiResult<RenderedMarkdown> {
    post("/markdown/render", &RenderMarkdown { body }).await
}

/// Uploads one file as `POST /attachments` (multipart, field `file`).
pub async fn upload(file: &web_sys::File) -> ApiResult<Attachment> {
    let form = web_sys::FormData::new().map_err(|_| ApiError::network())?;
    form.append_with_blob_and_filename("file", file, &file.name())
        .map_err(|_| ApiError::network())?;
    http::parse(&call(Method::POST, "/attachments", Body::Form(form)).await?)
}

/// Downloads attachment `id` into an object URL (for `<img src>` and downloads, which
/// cannot send the bearer token themselves). Revoke it with `Url::revoke_object_url`.
pub async fn object_url(id: i64) -> ApiResult<String> {
    let path = format!("/attachments/{id}");
    let response = Session::get().send(Method::GET, &path, Body::None).await?;
    let raw: web_sys::Response = response.into();
    let promise = raw.blob().map_err(|_| ApiError::network())?;
    let blob = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|_| ApiError::network())?;
    let blob: web_sys::Blob = blob.dyn_into().map_err(|_| ApiError::network())?;
    web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| ApiError::network())
}
