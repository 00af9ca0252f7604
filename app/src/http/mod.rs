//! The HTTP kit: the middleware of `DESIGN.md`'s request path, the uniform error body, JSON
//! bodies, the spec's post-processing and the tags grouping operations in the docs. It names no
//! domain: the application's routes are assembled in [`crate::routes`].

pub mod allow;
pub mod allowed_hosts;
pub mod body_limit;
pub mod client_ip;
pub mod compression;
pub mod connection_errors;
pub mod json;
pub mod problem;
pub mod rate_limit;
pub mod request_context;
pub mod same_origin;
pub mod server;
pub mod spec;
pub mod strict_uri;

use poem_openapi::Tags;

/// Tags grouping the operations in the docs.
#[derive(Debug, Tags)]
pub enum ApiTags {
    /// Liveness, readiness and the health summary (also served at the root: `/health`, `/health/live`, `/health/ready`).
    Health,
    /// Accounts and sessions: register, log in, refresh (rotating), log out, change password.
    Auth,
    /// Account administration (role `admin`).
    Admin,
    /// Your combat runs: submit, list, get, delete, statistics and comparison (another user's run is 404).
    Runs,
    /// Your characters, derived from your runs.
    Characters,
    /// Trends over your runs: DPS per day, percentiles, buff uptimes.
    Analytics,
    /// The desktop companion's idempotent uploads.
    Sync,
    /// Build advice computed from your runs against similar runs.
    Recommendations,
    /// The ESO feature database: skills, passives, morphs, scribing, champion points, companion skills and gear sets. Reading needs a signed-in user; writing, an administrator.
    Features,
}
