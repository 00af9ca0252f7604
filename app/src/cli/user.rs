//! `ebo user`: account administration from the command line.
use std::process::ExitCode;

use crate::config::Settings;

use super::{UserAction, migrated_db};

pub(super) async fn user_cmd(settings: Settings, action: UserAction) -> ExitCode {
    use crate::auth::{Role, cli as users, sessions::AuthState};
    let password = match &action {
        UserAction::CreateAdmin { password_stdin, .. }
        | UserAction::ResetPassword { password_stdin, .. } => {
            match users::read_password(*password_stdin) {
                Ok(p) => Some(p),
                Err(e) => {
                    eprintln!("ebo: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        _ => None,
    };
    let Some(db) = migrated_db(&settings).await else {
        return ExitCode::FAILURE;
    };
    let auth = match AuthState::new(&settings.auth) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("ebo: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match action {
        UserAction::CreateAdmin {
            email, username, ..
        } => {
            users::create_admin(
                &db,
                &auth,
                &email,
                &username,
                password.as_deref().unwrap_or_default(),
            )
            .await
        }
        UserAction::SetRole { login, role } => {
            users::set_role(
                &db,
                &login,
                if role == "admin" {
                    Role::Admin
                } else {
                    Role::User
                },
            )
            .await
        }
        UserAction::Deactivate { login } => users::deactivate(&db, &auth, &login).await,
        UserAction::ResetPassword { login, .. } => {
            users::reset_password(&db, &auth, &login, password.as_deref().unwrap_or_default()).await
        }
    };
    match result {
        Ok(u) => {
            println!(
                "{} {} ({}): role {:?}, active {}",
                u.id, u.username, u.email, u.role, u.is_active
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ebo: {e}");
            ExitCode::FAILURE
        }
    }
}
