//! Serving the built SPA (`trunk build --release` output): files by name, and `index.html`
//! for every other path so client-side routes survive a reload.

use std::path::PathBuf;

use actix_files::{Files, NamedFile};
use actix_web::dev::{HttpServiceFactory, ServiceRequest, ServiceResponse, fn_service};
use actix_web::{HttpResponse, Responder};

/// The SPA service, mounted last at `/`.
pub fn service(dist: PathBuf) -> impl HttpServiceFactory {
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
