//! Lifecycle hooks of [`User`] writes through the generated `/admin/users` endpoints (declared
//! in `models.rs`): the self-demotion and self-deletion guards, ending sessions on
//! deactivation, the audit entries and dropping the cached account state on every instance.

use chrono::Utc;
use uuid::Uuid;

use super::{
    Role,
    models::{AuditEntry, User},
    sessions::end_sessions_with,
};
use crate::{
    error::AppError,
    model::{Action, HookResult, WriteContext, column::truncate_to_millis, crud},
    state::AppState,
};

/// Writes one audit entry through the write's transaction.
async fn audit(
    ctx: &WriteContext<'_, AppState>,
    action: &str,
    row: &User,
    detail: String,
) -> HookResult {
    let entry = AuditEntry {
        id: Uuid::new_v4(),
        admin_id: ctx.caller.map(|c| c.user_id),
        action: action.into(),
        user_id: row.id,
        detail,
        created_at: truncate_to_millis(Utc::now()),
    };
    crud::insert_with(ctx.exec, ctx.dialect, &entry).await
}

/// `before_update`: an administrator cannot disable or demote their own account (409), so the
/// last administrator cannot lock everyone out. Disabling ends every session: the session
/// version is bumped (every access token is refused at once) and every refresh token is
/// revoked, in the write's transaction.
///
/// # Errors
/// 409 for a self-demotion; database errors.
pub async fn guard_account_change(ctx: &WriteContext<'_, AppState>, row: &mut User) -> HookResult {
    let own = ctx.caller.is_some_and(|c| c.user_id == row.id);
    if own && (!row.is_active || row.role != Role::Admin) {
        return Err(AppError::Conflict(
            "You cannot disable or demote your own account".to_owned(),
        ));
    }
    if !row.is_active {
        end_sessions_with(ctx.exec, ctx.dialect, row).await?;
    }
    Ok(())
}

/// `after_update`: the audit entry and log line, naming the administrator.
pub async fn audit_account_change(ctx: &WriteContext<'_, AppState>, row: &User) -> HookResult {
    let admin = ctx.caller.map(|c| c.user_id);
    tracing::info!(admin = ?admin, user_id = %row.id, is_active = row.is_active, role = ?row.role, "account updated");
    let role = if row.role == Role::Admin {
        "admin"
    } else {
        "user"
    };
    let detail = format!("role={role} is_active={}", row.is_active);
    audit(ctx, "user.update", row, detail).await
}

/// `before_delete`: an administrator cannot delete their own account here (409; they use
/// `DELETE /auth/me`), so the last administrator cannot lock everyone out.
///
/// # Errors
/// 409 for the caller's own account.
pub async fn guard_account_delete(ctx: &WriteContext<'_, AppState>, row: &User) -> HookResult {
    if ctx.caller.is_some_and(|c| c.user_id == row.id) {
        return Err(AppError::Conflict(
            "You cannot delete your own account here; use DELETE /auth/me".to_owned(),
        ));
    }
    Ok(())
}

/// `after_delete`: the audit entry. The account's data (builds, runs, recommendations, sync
/// records, sessions, mailed tokens) went with it in the same transaction (`ON DELETE
/// CASCADE`); `after_commit` then ends its sessions on every instance.
pub async fn audit_account_delete(ctx: &WriteContext<'_, AppState>, row: &User) -> HookResult {
    tracing::info!(admin = ?ctx.caller.map(|c| c.user_id), user_id = %row.id, "account deleted by an administrator");
    // No email or name: the entry outlives the account (GDPR art. 17).
    audit(
        ctx,
        "user.delete",
        row,
        "account and all its data deleted".into(),
    )
    .await
}

/// `after_commit`: drops the cached state of the account here and, through Redis, everywhere,
/// so a new role, a disabled or a deleted account counts at the next request.
pub async fn account_committed(app: &AppState, _action: Action, row: &User) {
    app.auth.forget_user(row.id).await;
}
