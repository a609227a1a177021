//! Serving the built SPA (`trunk build --release` output): files by name, and `index.html`
//! for every other path so client-side routes survive a reload. Files are compressed for
//! clients that accept it (a `<file>.gz` beside a built file, written by the build step at
//! the best level, is sent as is; anything else is compressed on the fly); Trunk's hashed
//! file names are cached for good, `index.html` (which names them) is revalidated.

use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

use actix_files::{Files, NamedFile};
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{HttpServiceFactory, ServiceRequest, ServiceResponse, fn_service};
use actix_web::http::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ContentEncoding,
    HeaderValue, VARY,
};
use actix_web::middleware::{Compress, Next, from_fn};
use actix_web::web::{self, Data};
use actix_web::{HttpResponse, Responder};

/// The SPA service, mounted last at `/`.
pub fn service(dist: PathBuf) -> impl HttpServiceFactory {
    web::scope("")
        .app_data(Data::new(Dist {
            dir: dist.clone(),
            csp: Mutex::default(),
        }))
        // Outermost last: compression, then cache headers, then the `.gz` shortcut.
        .wrap(from_fn(precompressed))
        .wrap(from_fn(cache_headers))
        .wrap(from_fn(content_security_policy))
        .wrap(Compress::default())
        .service(files(dist))
}

/// Where the built files are, and the policy for their `index.html`.
struct Dist {
    dir: PathBuf,
    /// The CSP of `index.html` as last modified: worked out again only when a build changes it.
    csp: Mutex<Option<(SystemTime, HeaderValue)>>,
}

impl Dist {
    /// The Content-Security-Policy for the current `index.html`.
    fn csp(&self) -> Option<HeaderValue> {
        let index = self.dir.join("index.html");
        let modified = std::fs::metadata(&index).and_then(|m| m.modified()).ok()?;
        let mut cached = self.csp.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((at, value)) = cached.as_ref()
            && *at == modified
        {
            return Some(value.clone());
        }
        let value = HeaderValue::from_str(&csp_for(&std::fs::read_to_string(&index).ok()?)).ok()?;
        *cached = Some((modified, value.clone()));
        Some(value)
    }
}

/// Answers a hashed asset with its `.br` or `.gz` sibling (Brotli first) when the client
/// takes that encoding and one was made at build time.
async fn precompressed(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> actix_web::Result<ServiceResponse<EitherBody<impl MessageBody + 'static>>> {
    let accepted = req
        .headers()
        .get(ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let accepts = |name: &str| {
        accepted
            .split(',')
            .any(|e| e.trim().split(';').next() == Some(name))
    };
    let file = req.path().trim_start_matches('/').to_owned();
    let sibling = req
        .app_data::<Data<Dist>>()
        .filter(|_| is_hashed_asset(&file) && !file.contains('/'))
        .and_then(|dist| {
            [
                ("br", ContentEncoding::Brotli),
                ("gz", ContentEncoding::Gzip),
            ]
            .into_iter()
            .filter(|(ext, _)| accepts(if *ext == "br" { "br" } else { "gzip" }))
            .map(|(ext, encoding)| (dist.dir.join(format!("{file}.{ext}")), encoding))
            .find(|(path, _)| path.is_file())
        });
    if let Some((path, encoding)) = sibling
        && let Ok(named) = NamedFile::open(&path)
    {
        let ext = file.rsplit('.').next().unwrap_or_default();
        let (req, _) = req.into_parts();
        let res = named
            .set_content_type(actix_files::file_extension_to_mime(ext))
            .set_content_encoding(encoding)
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

/// Adds the Content-Security-Policy to the app's HTML: its own scripts (Trunk's inline
/// loader by its hash, the wasm by `'wasm-unsafe-eval'`), its own styles, images and API,
/// and nothing from anywhere else; no inline script of any other text runs, so HTML that
/// slipped through sanitizing could not execute.
async fn content_security_policy(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> actix_web::Result<ServiceResponse<impl MessageBody + 'static>> {
    let dist = req.app_data::<Data<Dist>>().cloned();
    let mut res = next.call(req).await?;
    let is_html = res
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html && let Some(value) = dist.and_then(|d| d.csp()) {
        res.headers_mut().insert(CONTENT_SECURITY_POLICY, value);
    }
    Ok(res)
}

/// The policy for an `index.html`: the hashes of its inline scripts are allowed.
fn csp_for(index_html: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    let hashes: String = inline_scripts(index_html)
        .map(|script| {
            let digest = sha2::Sha256::digest(script.as_bytes());
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; \
         style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The text of every `<script>` element without a `src`.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (open_tag, after) = rest.split_once('>')?;
        let (body, _) = after.split_once("</script>")?;
        (!open_tag.contains("src=")).then_some(body)
    })
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
                // A missing file (`/favicon.ico`, an old build's script) is a 404; only app
                // routes, which never have a file extension, get the app.
                let last = req.path().rsplit('/').next().unwrap_or_default();
                if last.contains('.') {
                    return Ok(ServiceResponse::new(req, HttpResponse::NotFound().finish()));
                }
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
    use super::{csp_for, is_hashed_asset};

    #[test]
    fn the_policy_allows_the_loaders_hash_and_nothing_inline_else() {
        let index = "<html><head><script src=\"/x.js\"></script>\
            <script type=\"module\">init('/a_bg.wasm');</script></head></html>";
        let csp = csp_for(index);
        assert!(
            csp.contains(
                "script-src 'self' 'wasm-unsafe-eval' 'sha256-nfFk20k0v4aowOcBqAQjolCw62OGZKxQMNge2whGy3w=';"
            ),
            "{csp}"
        );
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.contains("frame-ancestors 'none'"));
    }

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
