//! The `BearerAuth` security scheme (OpenAPI `http`/`bearer`, format JWT): verifies the
//! access token and yields the [`Principal`]. Every failure is the same 401 with
//! `WWW-Authenticate: Bearer`; the reason is logged at debug level only.

use poem::{Request, http::StatusCode};
use poem_openapi::{SecurityScheme, auth::Bearer};

use super::Principal;
use crate::{error::ApiError, state::AppState};

/// `Authorization: Bearer <access token>`.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", bearer_format = "JWT", checker = "bearer_checker")]
pub struct BearerAuth(pub Principal);

async fn bearer_checker(req: &Request, bearer: Bearer) -> poem::Result<Principal> {
    let Some(state) = req.data::<AppState>() else {
        return Err(ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "state missing").into());
    };
    state.jwt.verify_access(&bearer.token).map_err(|e| {
        tracing::debug!(error = %e, "bearer token refused");
        ApiError::new(StatusCode::UNAUTHORIZED, "Invalid or expired access token").into()
    })
}
