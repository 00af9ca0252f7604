//! `ebo user …`: account administration from the command line. The first administrator is
//! created here, never through an open endpoint. Passwords come from an interactive prompt
//! (not echoed) or standard input (`--password-stdin`), never from an argument.

use std::io::{BufRead, IsTerminal};

use chrono::Utc;
use uuid::Uuid;

use super::{Role, models::User, password::check_policy, sessions::AuthState, store};
use crate::{
    db::Db,
    model::{column::truncate_to_millis, crud},
};

/// What went wrong, in words for the operator.
#[derive(Debug, thiserror::Error)]
pub enum UserCliError {
    /// Bad input.
    #[error("{0}")]
    Input(String),
    /// No such account.
    #[error("no account with email or username {0:?}")]
    NotFound(String),
    /// Anything else.
    #[error("{0}")]
    Other(String),
}

/// Reads the password: one line from stdin with `from_stdin`, else a prompt twice on the terminal.
///
/// # Errors
/// No terminal and no `--password-stdin`; the two entries differ; read errors.
pub fn read_password(from_stdin: bool) -> Result<String, UserCliError> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| UserCliError::Other(e.to_string()))?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    if !std::io::stdin().is_terminal() {
        return Err(UserCliError::Input(
            "no terminal to prompt on: pipe the password with --password-stdin".into(),
        ));
    }
    let first =
        rpassword::prompt_password("Password: ").map_err(|e| UserCliError::Other(e.to_string()))?;
    let again =
        rpassword::prompt_password("Repeat: ").map_err(|e| UserCliError::Other(e.to_string()))?;
    if first != again {
        return Err(UserCliError::Input("the passwords differ".into()));
    }
    Ok(first)
}

/// Creates an administrator.
///
/// # Errors
/// Invalid email, username or password; a taken email or username; database errors.
pub async fn create_admin(
    db: &Db,
    auth: &AuthState,
    email: &str,
    username: &str,
    password: &str,
) -> Result<User, UserCliError> {
    let mut problems: Vec<String> = check_policy("password", password)
        .into_iter()
        .map(|e| format!("password {}", e.message))
        .collect();
    if crate::model::validate::email(email).is_err() {
        problems.push("email must be an email address".into());
    }
    let valid_name = (3..=50).contains(&username.len())
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !valid_name {
        problems.push("username must be 3–50 of A-Z a-z 0-9 _ -".into());
    }
    if !problems.is_empty() {
        return Err(UserCliError::Input(problems.join("; ")));
    }
    let other = |e: crate::error::AppError| UserCliError::Other(e.to_string());
    for login in [email, username] {
        if store::user_by_login(db, login)
            .await
            .map_err(other)?
            .is_some()
        {
            return Err(UserCliError::Input(format!(
                "an account with {login:?} already exists"
            )));
        }
    }
    let hash = auth
        .hasher
        .hash(password)
        .await
        .map_err(|e| UserCliError::Other(e.to_string()))?;
    let now = truncate_to_millis(Utc::now());
    let user = User {
        id: Uuid::new_v4(),
        email: email.trim().to_lowercase(),
        username: username.to_owned(),
        password_hash: hash,
        role: Role::Admin,
        is_active: true,
        is_verified: true,
        token_version: 0,
        created_at: now,
        updated_at: now,
    };
    crud::insert(db, &user).await.map_err(other)?;
    Ok(user)
}

async fn find(db: &Db, login: &str) -> Result<User, UserCliError> {
    store::user_by_login(db, login)
        .await
        .map_err(|e| UserCliError::Other(e.to_string()))?
        .ok_or_else(|| UserCliError::NotFound(login.to_owned()))
}

/// Sets an account's role.
///
/// # Errors
/// Unknown account; database errors.
pub async fn set_role(db: &Db, login: &str, role: Role) -> Result<User, UserCliError> {
    let mut user = find(db, login).await?;
    user.role = role;
    user.updated_at = truncate_to_millis(Utc::now());
    crud::update(db, &user)
        .await
        .map_err(|e| UserCliError::Other(e.to_string()))?;
    Ok(user)
}

/// Disables an account and ends its sessions.
///
/// # Errors
/// Unknown account; database errors.
pub async fn deactivate(db: &Db, auth: &AuthState, login: &str) -> Result<User, UserCliError> {
    let mut user = find(db, login).await?;
    user.is_active = false;
    auth.end_all_sessions(db, &mut user)
        .await
        .map_err(|e| UserCliError::Other(e.to_string()))?;
    Ok(user)
}

/// Sets an account's password, ends every session of it and records the change in the audit
/// log (an operator's action: no administrator id).
///
/// # Errors
/// A password outside the rules; unknown account; database errors.
pub async fn reset_password(
    db: &Db,
    auth: &AuthState,
    login: &str,
    password: &str,
) -> Result<User, UserCliError> {
    let problems: Vec<String> = check_policy("password", password)
        .into_iter()
        .map(|e| e.message)
        .collect();
    if !problems.is_empty() {
        return Err(UserCliError::Input(format!(
            "password: {}",
            problems.join("; ")
        )));
    }
    let mut user = find(db, login).await?;
    user.password_hash = auth
        .hasher
        .hash(password)
        .await
        .map_err(|e| UserCliError::Other(e.to_string()))?;
    let other = |e: crate::error::AppError| UserCliError::Other(e.to_string());
    auth.end_all_sessions(db, &mut user).await.map_err(other)?;
    let entry = super::models::AuditEntry {
        id: Uuid::new_v4(),
        admin_id: None,
        action: "user.password_reset".into(),
        user_id: user.id,
        detail: "password set from the command line; every session ended".into(),
        created_at: truncate_to_millis(Utc::now()),
    };
    crud::insert(db, &entry).await.map_err(other)?;
    Ok(user)
}
