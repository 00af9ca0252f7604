//! Lifecycle hooks of [`User`] writes through the generated `/admin/users` endpoints (declared
//! in `models.rs`): the self-demotion guard, ending sessions on deactivation, the audit line and
//! dropping the cached account state on every instance.

use super::{Role, models::User, store};
use crate::{
    error::AppError,
    model::{Action, HookResult, WriteContext},
    state::AppState,
};

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
        row.token_version += 1;
        store::revoke_user_tokens_with(ctx.exec, ctx.dialect, row.id).await?;
    }
    Ok(())
}

/// `after_update`: the audit line, naming the administrator.
pub async fn audit_account_change(ctx: &WriteContext<'_, AppState>, row: &User) -> HookResult {
    let admin = ctx.caller.map(|c| c.user_id);
    tracing::info!(admin = ?admin, user_id = %row.id, is_active = row.is_active, role = ?row.role, "account updated");
    Ok(())
}

/// `after_commit`: drops the cached state of the account here and, through Redis, everywhere,
/// so a new role or a disabled account counts at the next request.
pub async fn account_committed(app: &AppState, _action: Action, row: &User) {
    app.auth.forget_user(row.id).await;
}
