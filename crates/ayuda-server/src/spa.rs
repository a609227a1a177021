//! Serving the built SPA (`trunk build --release` output): files by name, and `index.html`
//! for every other path so client-side routes survive a reload. Files are compressed for
//! clients that accept it (a `<file>.gz` beside a built file, written by the build step at
//! the best level, is sent as is; anything else is compressed on the fly); Trunk's hashed
//! file names are cached for good, `index.html` (which names them) is revalidated.

use std::path::PathBuf;

use actix_files::{Files, NamedFile};
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{HttpServiceFactory, ServiceRequest, ServiceResponse, fn_service};
use actix_web::http::header::{ACCEPT_ENCODING, CACHE_CONTROL, ContentEncoding, HeaderValue, VARY};
use actix_web::middleware::{Compress, Next, from_fn};
use actix_web::web::{self, Data};
use actix_web::{HttpResponse, Responder};

/// The SPA service, mounted last at `/`.
pub fn service(dist: PathBuf) -> impl HttpServiceFactory {
    web::scope("")
        .app_data(Data::new(Dist(dist.clone())))
        // Outermost last: compression, then cache headers, then the `.gz` shortcut.
        .wrap(from_fn(precompressed))
        .wrap(from_fn(cache_headers))
        .wrap(Compress::default())
        .service(files(dist))
}

/// Where the built files are.
struct Dist(PathBuf);

/// Answers a hashed asset with its `.gz` sibling when the client takes gzip and one exists.
async fn precompressed(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> actix_web::Result<ServiceResponse<EitherBody<impl MessageBody + 'static>>> {
    let accepts_gzip = req
        .headers()
        .get(ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    let file = req.path().trim_start_matches('/').to_owned();
    let gz = req
        .app_data::<Data<Dist>>()
        .filter(|_| accepts_gzip && is_hashed_asset(&file) && !file.contains('/'))
        .map(|dist| dist.0.join(format!("{file}.gz")))
        .filter(|gz| gz.is_file());
    if let Some(gz) = gz
        && let Ok(named) = NamedFile::open(&gz)
    {
        let ext = file.rsplit('.').next().unwrap_or_default();
        let (req, _) = req.into_parts();
        let res = named
            .set_content_type(actix_files::file_extension_to_mime(ext))
            .set_content_encoding(ContentEncoding::Gzip)
            .disable_content_disposition()
            .respond_to(&req)
            .map_into_boxed_body();
        let mut res = ServiceResponse::new(req, res).map_into_right_body();
        res.headers_mut()
            .insert(VARY, HeaderValue::from_static("accept-encoding"));
        return Ok(res);
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// `Cache-Control` by kind of file: assets with a content hash in their name never change.
async fn cache_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> actix_web::Result<ServiceResponse<impl MessageBody + 'static>> {
    let hashed = is_hashed_asset(req.path());
    let mut res = next.call(req).await?;
    if res.status().is_success() {
        let value = if hashed {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        res.headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(value));
    }
    Ok(res)
}

/// Trunk names built files `<name>-<hash>.<ext>`, the hash a 64-bit number in hex without
/// leading zeros (so sometimes fewer than 16 digits).
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let stem = file.split('.').next().unwrap_or_default();
    // The wasm is `<name>-<hash>_bg.wasm`.
    let hash = stem
        .rsplit('-')
        .next()
        .unwrap_or_default()
        .trim_end_matches("_bg");
    file.contains('.')
        && stem.contains('-')
        && (8..=16).contains(&hash.len())
        && hash.chars().all(|c| c.is_ascii_hexdigit())
}

fn files(dist: PathBuf) -> Files {
    let index = dist.join("index.html");
    Files::new("/", &dist)
        .index_file("index.html")
        .default_handler(fn_service(move |req: ServiceRequest| {
            let index = index.clone();
            async move {
                let (req, _) = req.into_parts();
                let response = match NamedFile::open(&index) {
                    Ok(file) => file.respond_to(&req).map_into_boxed_body(),
                    Err(_) => not_built(),
                };
                Ok(ServiceResponse::new(req, response))
            }
        }))
}

fn not_built() -> HttpResponse {
    HttpResponse::ServiceUnavailable()
        .content_type("text/html; charset=utf-8")
        .body(
            "<!doctype html><title>Ayuda</title><h1>Ayuda</h1>\
         <p>The web app has not been built. Start Ayuda with <code>cargo xtask run</code>, \
         which builds it, or set <code>AYUDA_DIST_DIR</code>.</p>\
         <p>The API is up: <a href=\"/api/docs/\">API documentation</a>.</p>",
        )
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn only_trunks_hashed_files_are_cached_for_good() {
        assert!(is_hashed_asset("/ayuda-frontend-b05439500ac410ea_bg.wasm"));
        assert!(is_hashed_asset("/ayuda-frontend-b05439500ac410ea.js"));
        assert!(is_hashed_asset("/main-ab0344536eb8b4ce.css"));
        // A hash with a leading zero digit is printed one digit shorter.
        assert!(is_hashed_asset("/ayuda-frontend-dc7e6941f989326_bg.wasm"));
        assert!(!is_hashed_asset("/"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/tickets/1042"));
        assert!(!is_hashed_asset("/forum/pago-con-tarjeta-rechazado"));
    }
}
