//! `/api/v1/attachments`: upload a file (multipart, field `file`), download it.

use actix_files::NamedFile;
use actix_web::http::header::{
    self, CONTENT_TYPE, ContentDisposition, DispositionParam, DispositionType, HeaderValue,
};
use actix_web::web::{Data, Path, Payload};
use actix_web::{HttpRequest, HttpResponse, get, post};
use ayuda_domain::content;
use ayuda_types::{Attachment, ProblemDetails};
use futures_util::StreamExt;
use utoipa_actix_web::service_config::ServiceConfig;

use super::responses::Unauthorized;
use super::tags;
use crate::attachments;
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub(super) fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(upload).service(download);
}

/// The multipart/form-data body of an upload, for the OpenAPI document.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct UploadForm {
    /// The file.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Upload a file to attach to a ticket, a reply or a chat message (send its id in
/// `attachment_ids`). The media type is detected from the bytes; the client's claim is
/// ignored.
#[utoipa::path(
    tag = tags::TICKETS,
    security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored; `Location` names it", body = Attachment),
        (status = 400, description = "Broken multipart body", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, response = Unauthorized),
        (status = 413, description = "Larger than the configured limit", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 415, description = "Not multipart/form-data", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "No `file` field, or an empty file", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many uploads, or the daily upload quota is used up", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/attachments")]
async fn upload(
    state: Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    payload: Payload,
) -> ApiResult<HttpResponse> {
    let is_multipart = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !is_multipart {
        return Err(ApiError::UnsupportedMediaType(
            "upload the file as multipart/form-data with a field named file".into(),
        ));
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let allowance = attachments::allowance(&state, &user.account, declared).await?;

    let mut form = actix_multipart::Multipart::new(req.headers(), payload);
    let mut stored = None;
    while let Some(field) = form.next().await {
        let mut field =
            field.map_err(|e| ApiError::BadRequest(format!("invalid multipart body: {e}")))?;
        if field.name() != Some("file") || stored.is_some() {
            // Other fields are read and ignored.
            while let Some(chunk) = field.next().await {
                chunk.map_err(|e| ApiError::BadRequest(format!("invalid multipart body: {e}")))?;
            }
            continue;
        }
        let filename = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .map_or_else(|| "file".to_owned(), content::clean_filename);
        let blob = state
            .blobs
            .put(&mut field, allowance.max)
            .await
            .map_err(|e| allowance.refusal(e))?;
        stored = Some((filename, blob));
    }
    let (filename, blob) = stored.ok_or_else(|| {
        ApiError::field("file", "required", "send the file in a field named file")
    })?;
    let created = attachments::record(&state, &user.account, filename, blob).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/attachments/{}", created.id),
        ))
        .json(created))
}

/// `filename=` (ASCII fallback) and, for other names, `filename*=UTF-8''...` (RFC 6266).
fn filename_params(name: &str) -> Vec<DispositionParam> {
    if name.is_ascii() {
        return vec![DispositionParam::Filename(name.to_owned())];
    }
    let fallback: String = name
        .chars()
        .map(|c| if c.is_ascii() { c } else { '_' })
        .collect();
    vec![
        DispositionParam::Filename(fallback),
        DispositionParam::FilenameExt(header::ExtendedValue {
            charset: header::Charset::Ext("UTF-8".into()),
            language_tag: None,
            value: name.as_bytes().to_vec(),
        }),
    ]
}

/// Download a file: its uploader, the requester of its ticket (unless it came with an
/// internal note), or an agent. Images are shown inline, everything else is a download;
/// `Range` requests are supported.
#[utoipa::path(
    tag = tags::TICKETS,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Attachment id")),
    responses(
        (status = 200, description = "The bytes, with `X-Content-Type-Options: nosniff`", content_type = "application/octet-stream"),
        (status = 401, response = Unauthorized),
        (status = 404, description = "No such attachment, or not yours to see", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/attachments/{id}")]
async fn download(
    state: Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: Path<i64>,
) -> ApiResult<HttpResponse> {
    let file = attachments::readable(&state, &user.account, id.into_inner()).await?;
    let path = state.blobs.path(&file.sha256);
    let named = NamedFile::open(&path)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("attachment {} missing: {e}", file.id)))?;
    let mime: mime::Mime = file
        .content_type
        .parse()
        .unwrap_or(mime::APPLICATION_OCTET_STREAM);
    let inline = content::is_inline_image(&file.content_type);
    let disposition = ContentDisposition {
        disposition: if inline {
            DispositionType::Inline
        } else {
            DispositionType::Attachment
        },
        parameters: filename_params(&file.filename),
    };
    let mut response = named
        .set_content_type(mime)
        .set_content_disposition(disposition)
        .use_last_modified(false)
        .into_response(&req);
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Even opened directly, a file can run nothing and load nothing.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; img-src 'self'; sandbox"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    Ok(response)
}
