//! `/admin/users`: list, get and update accounts (role `admin`; others get 403).

use poem::{http::StatusCode, web::Data};
use poem_openapi::{
    OpenApi,
    param::{Path, Query},
    payload::Json,
};
use uuid::Uuid;

use super::{
    Auth, Principal, Role,
    dto::{AdminUserUpdate, UserPage, UserResponse},
    models::User,
    store,
};
use crate::{
    error::ApiError,
    http::{ApiTags, json::JsonBody},
    model::{ColumnType, Filter, ListQuery, crud, policy::Scope},
    state::AppState,
};

fn require_admin(p: &Principal) -> Result<(), ApiError> {
    if p.is_admin() {
        Ok(())
    } else {
        Err(ApiError::new(StatusCode::FORBIDDEN, "Administrators only"))
    }
}

fn default_limit() -> u32 {
    50
}

/// Account administration.
#[derive(Debug, Default)]
pub struct AdminApi;

#[allow(clippy::too_many_arguments)] // one parameter per documented query parameter
#[OpenApi(prefix_path = "/admin", tag = "ApiTags::Admin")]
impl AdminApi {
    /// List accounts
    ///
    /// Filter by `is_active`, `role`, and `search` (substring of email or username, case-insensitive).
    #[oai(path = "/users", method = "get")]
    async fn list_users(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        /// Page size, 1–100 (default 50).
        #[oai(
            default = "default_limit",
            validator(minimum(value = "1"), maximum(value = "100"))
        )]
        limit: Query<u32>,
        /// Rows to skip.
        #[oai(default)]
        offset: Query<u64>,
        /// Only enabled (true) or disabled (false) accounts.
        is_active: Query<Option<bool>>,
        /// Only accounts with this role.
        role: Query<Option<Role>>,
        /// Substring of the email or username (at least 2 characters).
        #[oai(validator(min_length = 2, max_length = 200))]
        search: Query<Option<String>>,
    ) -> Result<Json<UserPage>, ApiError> {
        require_admin(auth.principal())?;
        let d = state.db.dialect;
        let mut filters = Vec::new();
        if let Some(a) = is_active.0 {
            filters.push(Filter::Eq("is_active", a.to_value(d)));
        }
        if let Some(r) = role.0 {
            filters.push(Filter::Eq(
                "role",
                crate::model::column::enum_to_value(&r, d),
            ));
        }
        if let Some(s) = search.0 {
            filters.push(Filter::AnyContains(&["email", "username"], s));
        }
        let q = ListQuery {
            filters,
            sort: None,
            limit: limit.0,
            offset: offset.0,
        };
        let page = crud::list::<User>(&state.db, &Scope::All, &q).await?;
        let has_more = page.has_more();
        Ok(Json(UserPage {
            users: page.items.into_iter().map(UserResponse::from).collect(),
            total: page.total,
            limit: page.limit,
            offset: page.offset,
            has_more,
        }))
    }

    /// Get one account
    #[oai(path = "/users/:id", method = "get")]
    async fn get_user(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<Uuid>,
    ) -> Result<Json<UserResponse>, ApiError> {
        require_admin(auth.principal())?;
        let user = store::user_by_id(&state.db, id.0)
            .await?
            .ok_or_else(|| ApiError::not_found("User not found"))?;
        Ok(Json(user.into()))
    }

    /// Enable, disable or change the role of an account
    ///
    /// Disabling ends every session of the account. Administrators cannot disable or demote
    /// themselves (409), so the last administrator cannot lock everyone out.
    #[oai(path = "/users/:id", method = "patch")]
    async fn update_user(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<Uuid>,
        body: JsonBody<AdminUserUpdate>,
    ) -> Result<Json<UserResponse>, ApiError> {
        let p = auth.principal();
        require_admin(p)?;
        let b = body.0;
        if id.0 == p.user_id && (b.is_active == Some(false) || b.role == Some(Role::User)) {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "You cannot disable or demote your own account",
            ));
        }
        let mut user = store::user_by_id(&state.db, id.0)
            .await?
            .ok_or_else(|| ApiError::not_found("User not found"))?;
        let disabling = user.is_active && b.is_active == Some(false);
        if let Some(a) = b.is_active {
            user.is_active = a;
        }
        if let Some(r) = b.role {
            user.role = r;
        }
        if disabling {
            state.auth.end_all_sessions(&state.db, &mut user).await?;
        } else {
            user.updated_at = crate::model::column::truncate_to_millis(chrono::Utc::now());
            crud::update(&state.db, &user).await?;
            state.auth.forget_user(user.id).await;
        }
        tracing::info!(admin = %p.user_id, user_id = %user.id, is_active = user.is_active, role = ?user.role, "account updated");
        Ok(Json(user.into()))
    }
}
