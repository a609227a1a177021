//! Extractors: who is calling, and from where.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use ayuda_db::users::{self, UserRow};
use ayuda_types::Role;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The logged-in user of a request with a valid `Authorization: Bearer` access token.
///
/// The user is read from the database on every request, so a deactivated account or a
/// changed role takes effect at once rather than when the token expires.
#[derive(Debug, Clone)]
pub struct AuthUser(pub UserRow);

impl AuthUser {
    /// The user's role.
    pub fn role(&self) -> Role {
        users::role_of(&self.0)
    }

    /// 403 unless the user is an agent or an admin.
    pub fn require_staff(&self) -> ApiResult<()> {
        if self.role().is_staff() {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }

    /// 403 unless the user is an admin.
    pub fn require_admin(&self) -> ApiResult<()> {
        if self.role() == Role::Admin {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req).map(str::to_owned);
        Box::pin(async move {
            let state =
                state.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("AppState missing")))?;
            let token = token.ok_or(ApiError::Unauthorized("missing bearer token"))?;
            let user_id = state
                .jwt
                .verify(&token)
                .ok_or(ApiError::Unauthorized("invalid or expired token"))?;
            let user = users::find_by_id(&state.db, user_id)
                .await?
                .filter(|u| u.active)
                .ok_or(ApiError::Unauthorized("invalid or expired token"))?;
            Ok(AuthUser(user))
        })
    }
}

/// The token of an `Authorization: Bearer <token>` header.
pub fn bearer_token(req: &HttpRequest) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// The client's address, for rate limits: the peer address, or the first `X-Forwarded-For`
/// hop when `AYUDA_TRUST_PROXY` is set.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl FromRequest for ClientAddr {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let trust_proxy = req
            .app_data::<web::Data<AppState>>()
            .is_some_and(|s| s.settings.trust_proxy);
        let info = req.connection_info();
        let addr = if trust_proxy {
            info.realip_remote_addr()
        } else {
            info.peer_addr()
        };
        // Strip the port so one client is one key.
        let ip = addr.map_or_else(
            || "unknown".to_owned(),
            |a| {
                a.parse::<std::net::SocketAddr>()
                    .map_or_else(|_| a.to_owned(), |s| s.ip().to_string())
            },
        );
        std::future::ready(Ok(ClientAddr(ip)))
    }
}
