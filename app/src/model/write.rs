//! The permission-checked writes the generated endpoints call (create, update, replace,
//! delete), with the model's lifecycle hooks ([`Hooks`]) around each.
//!
//! Order of one write: policy check (403; 404 when the row is not even visible), then in one
//! transaction `before_*` hook, the statement, `after_*` hook, and commit; then, outside the
//! transaction, [`Hooks::after_commit`] (for side effects that must see the committed row,
//! such as cache invalidation). A hook error rolls the whole write back and is the answer. A
//! model without `before_*`/`after_*` hooks writes without a transaction (one statement).
//!
//! The application state type `S` is a parameter, so this runtime names no domain: the
//! generated code instantiates it with the application's state.

use std::future::Future;

use rbatis::executor::{Executor, RBatisTxExecutor};
use rbs::Value;

use super::{Action, Model, crud, policy::Caller};
use crate::{
    db::{Db, Dialect},
    error::AppError,
};

/// What a hook sees: the application state, the write's executor (inside its transaction
/// when the model declares `before_*`/`after_*` hooks), the dialect and the caller.
pub struct WriteContext<'a, S> {
    /// The application state (caches, settings).
    pub app: &'a S,
    /// Run the hook's own statements here, so they commit or roll back with the write.
    pub exec: &'a dyn Executor,
    /// The database's dialect, for binding values.
    pub dialect: Dialect,
    /// Who writes; `None` for a public operation.
    pub caller: Option<Caller>,
    /// Which write this is.
    pub action: Action,
}

/// The result every hook returns: an [`AppError`] aborts the write and is the answer.
pub type HookResult = Result<(), AppError>;

/// Lifecycle hooks of a model, implemented by `#[derive(Model)]` from
/// `#[model(hooks(before_create = "path", …))]`. Every method defaults to doing nothing.
///
/// A `before_*` hook may change the row (normalise it) or refuse it (`AppError::Validation`
/// answers 422); an `after_*` hook may write related rows through [`WriteContext::exec`].
pub trait Hooks<S: Sync>: Model {
    /// Whether the write needs a transaction (some `before_*` or `after_*` hook is declared).
    const IN_TRANSACTION: bool = false;

    /// Before the `INSERT`.
    fn before_create<'a>(
        _ctx: &'a WriteContext<'a, S>,
        _row: &'a mut Self,
    ) -> impl Future<Output = HookResult> + Send + 'a {
        async { Ok(()) }
    }
    /// After the `INSERT`, in its transaction.
    fn after_create<'a>(
        _ctx: &'a WriteContext<'a, S>,
        _row: &'a Self,
    ) -> impl Future<Output = HookResult> + Send + 'a {
        async { Ok(()) }
    }
    /// Before the `UPDATE` of a patch or a replace, with the changed row.
    fn before_update<'a>(
        _ctx: &'a WriteContext<'a, S>,
        _row: &'a mut Self,
    ) -> impl Future<Output = HookResult> + Send + 'a {
        async { Ok(()) }
    }
    /// After the `UPDATE`, in its transaction.
    fn after_update<'a>(
        _ctx: &'a WriteContext<'a, S>,
        _row: &'a Self,
    ) -> impl Future<Output = HookResult> + Send + 'a {
        async { Ok(()) }
    }
    /// Before the `DELETE`, with the row about to go.
    fn before_delete<'a>(
        _ctx: &'a WriteContext<'a, S>,
        _row: &'a Self,
    ) -> impl Future<Output = HookResult> + Send + 'a {
        async { Ok(()) }
    }
    /// After the `DELETE`, in its transaction.
    fn after_delete<'a>(
        _ctx: &'a WriteContext<'a, S>,
        _row: &'a Self,
    ) -> impl Future<Output = HookResult> + Send + 'a {
        async { Ok(()) }
    }
    /// After the commit of any write (`action` says which), outside the transaction: cache
    /// invalidation and other effects that must not see uncommitted data. Cannot fail the
    /// write, which is already stored.
    fn after_commit<'a>(
        _app: &'a S,
        _action: Action,
        _row: &'a Self,
    ) -> impl Future<Output = ()> + Send + 'a {
        async {}
    }
}

/// The write's transaction, when the model's hooks need one.
async fn begin<M: Hooks<S>, S: Sync>(db: &Db) -> Result<Option<RBatisTxExecutor>, AppError> {
    if M::IN_TRANSACTION {
        Ok(Some(db.begin_write().await?))
    } else {
        Ok(None)
    }
}

/// Commits when `done` is `Ok`, rolls back otherwise; `done`'s error is the answer.
async fn finish<T>(tx: Option<RBatisTxExecutor>, done: Result<T, AppError>) -> Result<T, AppError> {
    match tx {
        Some(tx) => settle(tx, done).await,
        None => done,
    }
}

/// Ends a hand-written transaction: commits `tx` when `done` is `Ok` (a failed commit is the
/// error), rolls it back otherwise and answers `done`'s error. rbatis does not roll back a
/// dropped transaction, so every transaction ends here.
///
/// # Errors
/// `done`'s error, or the commit's.
pub async fn settle<T, E: From<AppError>>(
    tx: RBatisTxExecutor,
    done: Result<T, E>,
) -> Result<T, E> {
    match done {
        Ok(v) => {
            tx.commit().await.map_err(|e| E::from(AppError::from(e)))?;
            Ok(v)
        }
        Err(e) => {
            // The rollback's own failure changes nothing: the connection is discarded.
            let _ = tx.rollback().await;
            Err(e)
        }
    }
}

fn executor<'a>(db: &'a Db, tx: Option<&'a RBatisTxExecutor>) -> &'a dyn Executor {
    match tx {
        Some(tx) => tx,
        None => &db.rb,
    }
}

fn lower_display<M: Model>() -> String {
    M::META.display.to_lowercase()
}

/// Loads a row for a write: 404 when the caller cannot even read it, 403 when they can read
/// but the write policy refuses (documented choice: visible rows are not hidden on write).
async fn load_for_write<M: Model>(
    exec: &dyn Executor,
    dialect: Dialect,
    caller: Option<Caller>,
    id: Value,
    action: Action,
) -> Result<M, AppError> {
    M::META.write.require_admin(caller)?;
    let scope = M::META.read.scope(caller, M::META.owner, dialect);
    let row = crud::find_scoped_with::<M>(exec, &scope, id)
        .await?
        .ok_or(AppError::NotFound(M::META.display))?;
    if !M::authorize(caller, action, &row) {
        let verb = if action == Action::Delete {
            "delete"
        } else {
            "change"
        };
        return Err(AppError::Forbidden(format!(
            "You may not {verb} this {}",
            lower_display::<M>()
        )));
    }
    Ok(row)
}

/// `create`: inserts `row` when the create policy allows `caller`, with the create hooks.
///
/// # Errors
/// 403 when not allowed; a hook's error; 409 on a duplicate key; database errors.
pub async fn create<M: Hooks<S>, S: Sync>(
    db: &Db,
    app: &S,
    caller: Option<Caller>,
    mut row: M,
) -> Result<M, AppError> {
    M::META.create.require_admin(caller)?;
    if !M::META.create.allows(caller) {
        return Err(AppError::Forbidden(format!(
            "You may not create a {}",
            lower_display::<M>()
        )));
    }
    let tx = begin::<M, S>(db).await?;
    let ctx = WriteContext {
        app,
        exec: executor(db, tx.as_ref()),
        dialect: db.dialect,
        caller,
        action: Action::Create,
    };
    let done = async {
        M::before_create(&ctx, &mut row).await?;
        crud::insert_with(ctx.exec, ctx.dialect, &row).await?;
        M::after_create(&ctx, &row).await
    }
    .await;
    finish(tx, done).await?;
    M::after_commit(app, Action::Create, &row).await;
    Ok(row)
}

/// `update` (PATCH) and `replace` (PUT): applies `apply` to the stored row, then the update
/// hooks, and stores it, when the caller may write it.
///
/// # Errors
/// 404 (invisible), 403 (visible, not writable), whatever `apply` or a hook returns,
/// database errors.
pub async fn update<M: Hooks<S>, S: Sync>(
    db: &Db,
    app: &S,
    caller: Option<Caller>,
    id: Value,
    apply: impl FnOnce(&mut M) -> Result<(), AppError> + Send,
) -> Result<M, AppError> {
    let tx = begin::<M, S>(db).await?;
    let ctx = WriteContext {
        app,
        exec: executor(db, tx.as_ref()),
        dialect: db.dialect,
        caller,
        action: Action::Update,
    };
    let done = async {
        let mut row =
            load_for_write::<M>(ctx.exec, ctx.dialect, caller, id, Action::Update).await?;
        apply(&mut row)?;
        M::before_update(&ctx, &mut row).await?;
        crud::update_with(ctx.exec, ctx.dialect, &row).await?;
        M::after_update(&ctx, &row).await?;
        Ok(row)
    }
    .await;
    let row = finish(tx, done).await?;
    M::after_commit(app, Action::Update, &row).await;
    Ok(row)
}

/// `delete`: removes the row when the caller may delete it, with the delete hooks.
///
/// # Errors
/// 404 (invisible), 403 (visible, not deletable), a hook's error, database errors.
pub async fn delete<M: Hooks<S>, S: Sync>(
    db: &Db,
    app: &S,
    caller: Option<Caller>,
    id: Value,
) -> Result<M, AppError> {
    let tx = begin::<M, S>(db).await?;
    let ctx = WriteContext {
        app,
        exec: executor(db, tx.as_ref()),
        dialect: db.dialect,
        caller,
        action: Action::Delete,
    };
    let done = async {
        let row = load_for_write::<M>(ctx.exec, ctx.dialect, caller, id, Action::Delete).await?;
        M::before_delete(&ctx, &row).await?;
        crud::delete_with::<M>(ctx.exec, row.id_value(ctx.dialect)).await?;
        M::after_delete(&ctx, &row).await?;
        Ok(row)
    }
    .await;
    let row = finish(tx, done).await?;
    M::after_commit(app, Action::Delete, &row).await;
    Ok(row)
}
