//! The single permission policy (STYLE §2 `auth/permissions.rs` role): a model declares, per
//! action, a disjunction of [`Term`]s; this module decides — for a row in Rust
//! ([`Policy::allows_row`]) and as a SQL predicate ([`Policy::scope`]) — so a list or get
//! never loads rows the caller may not see. Generated and hand-written code both call it.

use rbs::Value;
use uuid::Uuid;

use super::column::ColumnType;
use crate::db::Dialect;

/// One way to be allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user.
    Authenticated,
    /// The signed-in user whose id is in the model's owner column.
    Owner,
    /// A signed-in administrator.
    Admin,
    /// Any signed-in user, for rows whose boolean column is true (e.g. `flag(is_public)`).
    Flag(&'static str),
}

/// Which operation is being authorized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `get` and `list`.
    Read,
    /// `create`.
    Create,
    /// `update`.
    Update,
    /// `delete`.
    Delete,
}

/// A disjunction of terms: allowed when any term allows.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// The terms, any of which suffices.
    pub terms: &'static [Term],
}

/// The SQL form of a policy for one caller.
#[derive(Debug, Clone, PartialEq)]
pub enum Scope {
    /// Every row is visible: no predicate.
    All,
    /// No row is visible.
    Nothing,
    /// Rows matching `sql` (with `?` placeholders bound to `args`).
    Where {
        /// A parenthesised predicate.
        sql: String,
        /// Its bind values.
        args: Vec<Value>,
    },
}

/// Who asks, as a policy sees it: the model runtime's whole view of the caller (the auth
/// domain makes one from a verified token; the runtime knows nothing else of auth).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    /// The user's id.
    pub user_id: Uuid,
    /// Whether the caller is an administrator (policy term `admin`).
    pub is_admin: bool,
}

impl Policy {
    /// Whether anonymous callers are allowed (then the endpoint needs no token).
    pub fn is_public(&self) -> bool {
        self.terms.contains(&Term::Public)
    }

    /// Whether only administrators are allowed (the policy is exactly `admin`): then a caller
    /// who is not one is refused the whole operation with 403, before any row is looked at,
    /// since no row could be visible to them.
    pub fn is_admin_only(&self) -> bool {
        !self.terms.is_empty() && self.terms.iter().all(|t| *t == Term::Admin)
    }

    /// 403 `Administrators only` when the policy [`is_admin_only`](Self::is_admin_only) and
    /// `principal` is not an administrator.
    ///
    /// # Errors
    /// `AppError::Forbidden`.
    pub fn require_admin(&self, principal: Option<Caller>) -> Result<(), crate::error::AppError> {
        if self.is_admin_only() && !principal.is_some_and(|p| p.is_admin) {
            Err(crate::error::AppError::Forbidden(
                "Administrators only".to_owned(),
            ))
        } else {
            Ok(())
        }
    }

    /// Whether the row-independent terms allow `principal` (used for `create`).
    pub fn allows(&self, principal: Option<Caller>) -> bool {
        self.terms.iter().any(|t| match t {
            Term::Public => true,
            Term::Authenticated => principal.is_some(),
            Term::Admin => principal.is_some_and(|p| p.is_admin),
            Term::Owner | Term::Flag(_) => false,
        })
    }

    /// Whether `principal` may act on a row with owner `owner` whose boolean columns are read by `flag`.
    pub fn allows_row(
        &self,
        principal: Option<Caller>,
        owner: Option<Uuid>,
        flag: impl Fn(&str) -> bool,
    ) -> bool {
        self.allows(principal)
            || self.terms.iter().any(|t| match (t, principal) {
                (Term::Owner, Some(p)) => owner == Some(p.user_id),
                (Term::Flag(column), Some(_)) => flag(column),
                _ => false,
            })
    }

    /// The predicate restricting rows to those `principal` may see.
    pub fn scope(
        &self,
        principal: Option<Caller>,
        owner_column: Option<&str>,
        dialect: Dialect,
    ) -> Scope {
        if self.allows(principal) {
            return Scope::All;
        }
        let Some(p) = principal else {
            return Scope::Nothing;
        };
        let mut parts = Vec::new();
        let mut args = Vec::new();
        for t in self.terms {
            match (t, owner_column) {
                (Term::Owner, Some(col)) => {
                    parts.push(format!("{col} = ?"));
                    args.push(p.user_id.to_value(dialect));
                }
                (Term::Flag(col), _) => {
                    parts.push(format!("{col} = ?"));
                    args.push(true.to_value(dialect));
                }
                _ => {}
            }
        }
        if parts.is_empty() {
            Scope::Nothing
        } else {
            Scope::Where {
                sql: format!("({})", parts.join(" OR ")),
                args,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWNER_OR_PUBLIC: Policy = Policy {
        terms: &[Term::Owner, Term::Flag("is_public"), Term::Admin],
    };

    fn user(is_admin: bool) -> Caller {
        Caller {
            user_id: Uuid::new_v4(),
            is_admin,
        }
    }

    #[test]
    fn rows_are_allowed_by_any_term() {
        let (a, b, admin) = (user(false), user(false), user(true));
        let owned_by_a = |p: &Caller, public: bool| {
            OWNER_OR_PUBLIC.allows_row(Some(*p), Some(a.user_id), |_| public)
        };
        assert!(owned_by_a(&a, false));
        assert!(!owned_by_a(&b, false));
        assert!(owned_by_a(&b, true));
        assert!(owned_by_a(&admin, false));
        assert!(
            !OWNER_OR_PUBLIC.allows_row(None, Some(a.user_id), |_| true),
            "flags need a signed-in user"
        );
    }

    #[test]
    fn scope_becomes_sql_for_row_terms_only() {
        let a = user(false);
        match OWNER_OR_PUBLIC.scope(Some(a), Some("owner_id"), Dialect::Postgres) {
            Scope::Where { sql, args } => {
                assert_eq!(sql, "(owner_id = ? OR is_public = ?)");
                assert_eq!(args.len(), 2);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            OWNER_OR_PUBLIC.scope(Some(user(true)), Some("owner_id"), Dialect::Sqlite),
            Scope::All
        );
        assert_eq!(
            OWNER_OR_PUBLIC.scope(None, Some("owner_id"), Dialect::Sqlite),
            Scope::Nothing
        );
        let public = Policy {
            terms: &[Term::Public],
        };
        assert_eq!(public.scope(None, None, Dialect::Sqlite), Scope::All);
    }
}
