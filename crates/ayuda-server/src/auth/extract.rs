//! Extractors: who is calling, and from where.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use ayuda_db::users::{self, UserRow};
use ayuda_types::Role;

use crate::error::ApiError;
use crate::state::AppState;

/// The logged-in user of a request with a valid `Authorization: Bearer` access token.
///
/// The user is read from the database together with whether the token's session is still
/// live, and kept for a few seconds ([`super::cache`]) until anything about the account or
/// its sessions changes, so a deactivated account, a changed role, a logout or a password
/// reset takes effect at once rather than when the token expires.
///
/// Its role is read strictly once, here: a user whose stored role Ayuda does not know is
/// refused (500, logged), never served as some default role.
#[derive(Debug, Clone)]
pub struct AuthUser {
    /// The user's id.
    pub id: i64,
    /// Their role, read strictly.
    pub role: Role,
    /// The session (refresh-token family) the request's access token belongs to.
    pub session: String,
    /// The stored account (name, email, language...), as the use cases take it.
    pub account: UserRow,
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
            let (user_id, session) = state
                .jwt
                .verify(&token)
                .ok_or(ApiError::Unauthorized("invalid or expired token"))?;
            let user = match state.accounts.get(user_id, &session) {
                Some(user) => user,
                None => {
                    let generation = state.accounts.generation();
                    let user = users::find_in_session(&state.db, user_id, &session)
                        .await?
                        .ok_or(ApiError::Unauthorized("invalid or expired token"))?;
                    state.accounts.put(&session, &user, generation);
                    user
                }
            };
            Ok(AuthUser {
                id: user.id,
                role: users::role_of(&user)?,
                session,
                account: user,
            })
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

/// The client's address, as a rate-limit key: the peer address, or behind the proxies named
/// in `AYUDA_TRUSTED_PROXIES` the nearest untrusted `X-Forwarded-For` hop (see
/// [`super::client`]); IPv6 by its /64.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl FromRequest for ClientAddr {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let key = match (req.peer_addr(), req.app_data::<web::Data<AppState>>()) {
            (Some(peer), Some(state)) => {
                let forwarded = req
                    .headers()
                    .get_all("x-forwarded-for")
                    .filter_map(|v| v.to_str().ok());
                super::client::rate_key(state.proxies.client(peer.ip(), forwarded))
            }
            (Some(peer), None) => super::client::rate_key(peer.ip()),
            (None, _) => "unknown".to_owned(),
        };
        std::future::ready(Ok(ClientAddr(key)))
    }
}
