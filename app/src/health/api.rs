//! `GET /health`, `/health/live`, `/health/ready` under the API prefix (documented in the spec),
//! and the same three at the root for load balancers and container probes.

use poem::{IntoResponse, handler, web::Data};
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, payload::Json, types::Example};

use super::{database_up, readiness};
use crate::{http::ApiTags, state::AppState};

/// Overall state in `/health`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum HealthStatus {
    /// Everything answers.
    Healthy,
    /// The process serves but the database does not answer.
    Degraded,
}

/// Database state in `/health`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum DatabaseStatus {
    /// `SELECT 1` answered within 2 s.
    Connected,
    /// It did not.
    Disconnected,
}

/// `GET /health`.
#[derive(Debug, Object)]
#[oai(example)]
pub struct Health {
    /// `healthy` or `degraded`.
    pub status: HealthStatus,
    /// Service version (semver).
    pub version: String,
    /// `connected` or `disconnected`.
    pub database: DatabaseStatus,
}

impl Example for Health {
    fn example() -> Self {
        Self {
            status: HealthStatus::Healthy,
            version: env!("CARGO_PKG_VERSION").into(),
            database: DatabaseStatus::Connected,
        }
    }
}

/// `GET /health/live`.
#[derive(Debug, Object)]
#[oai(example)]
pub struct Liveness {
    /// Always `alive` while the process serves.
    pub status: String,
}

impl Example for Liveness {
    fn example() -> Self {
        Self {
            status: "alive".into(),
        }
    }
}

/// One readiness check.
#[derive(Debug, Object)]
pub struct ReadinessCheck {
    /// `database`, `migrations` or `storage`.
    pub name: String,
    /// Whether it passed.
    pub ok: bool,
    /// What was found.
    pub detail: String,
}

/// The shared Redis in `/health/ready` (present only when `redis.url` is set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum RedisStatus {
    /// `PING` answered: limits, logouts and invalidations are shared.
    Up,
    /// It did not: this instance serves on its own counters and caches. Not a readiness
    /// failure, since every request is still answered correctly for this instance.
    Degraded,
}

/// `GET /health/ready`.
#[derive(Debug, Object)]
#[oai(example)]
pub struct Readiness {
    /// `ready` or `not_ready`.
    pub status: String,
    /// Each check and its outcome.
    pub checks: Vec<ReadinessCheck>,
    /// `up` or `degraded` when Redis is configured; absent otherwise.
    #[oai(skip_serializing_if_is_none)]
    pub redis: Option<RedisStatus>,
    /// Human-readable remarks that do not make the instance unready (e.g. Redis degraded);
    /// always present, empty when there is nothing to say (the schema requires it).
    pub notes: Vec<String>,
}

impl Example for Readiness {
    fn example() -> Self {
        let check = |name: &str, detail: &str| ReadinessCheck {
            name: name.into(),
            ok: true,
            detail: detail.into(),
        };
        Self {
            status: "ready".into(),
            checks: vec![
                check("database", "postgres answers"),
                check("migrations", "16 applied"),
                check("storage", "writes succeed"),
            ],
            redis: Some(RedisStatus::Up),
            notes: Vec::new(),
        }
    }
}

/// Readiness answer.
#[derive(Debug, ApiResponse)]
pub enum ReadinessResponse {
    /// The database answers and every migration is applied.
    #[oai(status = 200)]
    Ready(Json<Readiness>),
    /// At least one check failed; the body says which.
    #[oai(status = 503)]
    NotReady(Json<Readiness>),
}

/// Health endpoints.
#[derive(Debug, Default)]
pub struct HealthApi;

#[OpenApi(tag = "ApiTags::Health")]
impl HealthApi {
    /// Health summary
    ///
    /// Always 200 while the process serves; `status` is `degraded` when the database does not answer.
    #[oai(path = "/health", method = "get", operation_id = "get_health")]
    async fn health(&self, state: Data<&AppState>) -> Json<Health> {
        Json(health_summary(&state).await)
    }

    /// Liveness probe
    ///
    /// 200 while the process serves requests; it checks nothing else.
    #[oai(path = "/health/live", method = "get", operation_id = "get_liveness")]
    async fn live(&self) -> Json<Liveness> {
        Json(Liveness {
            status: "alive".into(),
        })
    }

    /// Readiness probe
    ///
    /// 200 when the database answers within 2 s and every migration is applied, else 503
    /// with the failing checks. With Redis configured, `redis` says `up` or `degraded`; an
    /// unreachable Redis is a note, never a 503.
    #[oai(path = "/health/ready", method = "get", operation_id = "get_readiness")]
    async fn ready(&self, state: Data<&AppState>) -> ReadinessResponse {
        ready_response(&state).await
    }
}

async fn health_summary(state: &AppState) -> Health {
    let up = database_up(&state.db).await;
    Health {
        status: if up {
            HealthStatus::Healthy
        } else {
            HealthStatus::Degraded
        },
        version: env!("CARGO_PKG_VERSION").into(),
        database: if up {
            DatabaseStatus::Connected
        } else {
            DatabaseStatus::Disconnected
        },
    }
}

async fn ready_response(state: &AppState) -> ReadinessResponse {
    let checks = readiness(state).await;
    let ok = checks.iter().all(|c| c.ok);
    let mut notes = Vec::new();
    let redis = match &state.cluster {
        Some(c) => {
            let answers = c.ping().await;
            if answers && c.is_listening() {
                Some(RedisStatus::Up)
            } else {
                notes.push(if answers {
                    "redis: degraded (it answers, but the invalidation subscription is not listening yet); other instances' cache invalidations are missed until it re-subscribes".to_owned()
                } else {
                    "redis: degraded (unreachable); rate limits, logouts and cache invalidations are per instance until it answers".to_owned()
                });
                Some(RedisStatus::Degraded)
            }
        }
        None => None,
    };
    let body = Readiness {
        status: if ok { "ready" } else { "not_ready" }.into(),
        checks: checks
            .into_iter()
            .map(|c| ReadinessCheck {
                name: c.name.into(),
                ok: c.ok,
                detail: c.detail,
            })
            .collect(),
        redis,
        notes,
    };
    if ok {
        ReadinessResponse::Ready(Json(body))
    } else {
        ReadinessResponse::NotReady(Json(body))
    }
}

/// Root alias of `GET {prefix}/health`.
#[handler]
pub async fn root_health(state: Data<&AppState>) -> impl IntoResponse {
    Json(health_summary(&state).await)
}

/// Root alias of `GET {prefix}/health/live`.
#[handler]
pub async fn root_live() -> impl IntoResponse {
    Json(Liveness {
        status: "alive".into(),
    })
}

/// Root alias of `GET {prefix}/health/ready`.
#[handler]
pub async fn root_ready(state: Data<&AppState>) -> impl IntoResponse {
    ready_response(&state).await
}
