//! The application assembled: every domain's API combined into one OpenAPI service, the root
//! endpoints (health, JWKS, metrics, docs) and the middleware stack of [`crate::http`] in the
//! order of `DESIGN.md`'s request path. With [`crate::startup`], the one place that knows every
//! domain.

use std::sync::Arc;

use poem::{
    Endpoint, EndpointExt, IntoEndpoint, IntoResponse, Route, get, handler,
    http::Method,
    middleware::Cors,
    web::{Data, Json},
};
use poem_openapi::{ContactObject, OpenApi, OpenApiService};

use crate::{
    auth, builds,
    config::{Environment, Settings},
    export, features, health,
    http::{
        allow, allowed_hosts, body_limit, compression, problem, rate_limit, request_context,
        same_origin, spec, strict_uri,
    },
    metrics, recommendations, runs,
    state::AppState,
    sync,
};

/// Every API of the service, combined into one OpenAPI document: adding an API is one line
/// here (each is a unit struct with `Default`), in the group of its domain (a tuple has
/// `Default` up to 12 members, so the list is grouped).
pub type Apis = (
    // Service and accounts.
    (
        health::api::HealthApi,
        auth::api::AuthApi,
        auth::recovery_api::RecoveryApi,
        auth::sessions_api::SessionsApi,
        export::ExportApi,
        auth::models::UserApi,
        auth::models::AuditEntryApi,
    ),
    // Builds and the feature database.
    (
        builds::SavedBuildApi,
        features::api::FeaturesApi,
        features::models::FeatureApi,
        features::models::GearSetApi,
    ),
    // Combat runs and what is made of them.
    (
        runs::api::RunsApi,
        runs::CombatRunSummaryApi,
        runs::CombatRunApi,
        runs::insights::InsightsApi,
        sync::api::SyncApi,
        recommendations::api::RecommendationsApi,
        recommendations::RecommendationApi,
    ),
);

/// Title of the OpenAPI document.
pub const API_TITLE: &str = "ESO Build Analytics API";

const API_DESCRIPTION: &str = "\
Combat runs, percentile rankings, build recommendations and the ESO feature database \
(skills, morphs, passives, gear sets).

**Errors.** Every non-2xx response has one body: `{error, detail, status_code, request_id, errors?}`; \
`errors` lists per-field problems on 422. Every response carries `X-Request-ID` (yours if you sent a sane \
one) and `X-Process-Time` (seconds).

**Text.** No string in a JSON body may contain the NUL character (U+0000), at any depth and in \
free-form objects (`attributes`, `bonuses`) too: 422 naming where (a sync item with one fails \
alone). Typed strings state it with a pattern.

**Auth.** Send `Authorization: Bearer <access token>`.

**Probes.** `/health`, `/health/live` and `/health/ready` are also served at the root, outside the API prefix.";

/// The document's `info.contact` (OpenAPI 3.0 §4.7.3; Spectral's `info-contact`): the team that
/// answers for the API.
const API_CONTACT: &str = "ESO Build Analytics API maintainers";

/// The combined OpenAPI service for `settings.server.api_prefix`; needs no database, so
/// `ebo openapi` can write the spec anywhere.
pub fn api_service(settings: &Settings) -> OpenApiService<Apis, ()> {
    OpenApiService::new(Apis::default(), API_TITLE, env!("CARGO_PKG_VERSION"))
        .description(API_DESCRIPTION)
        .contact(ContactObject::new().name(API_CONTACT))
        .server(settings.server.api_prefix.clone())
}

/// The OpenAPI document for `settings`, as served at `/api/openapi.json` and written by
/// `ebo openapi` (pretty-printed JSON, after [`spec::document`]'s corrections).
pub fn document(settings: &Settings) -> String {
    let extra: Vec<(&str, &[u16])> =
        [auth::api::EXTRA_STATUSES, sync::api::EXTRA_STATUSES].concat();
    spec::document(
        api_service(settings).spec(),
        &settings.server.api_prefix,
        &extra,
    )
}

/// The root paths reached by infrastructure (load balancers, orchestrators, scrapers) rather
/// than API clients: exempt from `server.allowed_hosts`.
pub const INFRASTRUCTURE_PATHS: [&str; 4] =
    ["/health", "/health/live", "/health/ready", "/metrics"];

/// Whether `/metrics` is served on the public listener (enabled, and no `metrics.bind`).
fn public_metrics(settings: &Settings) -> bool {
    settings.metrics.enabled && settings.metrics.bind.is_none()
}

/// The outermost middleware's settings; `routes` names the matched routes in the request log.
fn request_context(
    settings: &Settings,
    routes: Arc<metrics::track::RouteNames>,
) -> request_context::RequestContext {
    request_context::RequestContext {
        routes,
        expose_internal: settings.expose_internal_errors(),
        hsts: settings.environment != Environment::Development,
        docs_prefixes: vec!["/api/docs".into(), "/api/redoc".into()],
        trusted_proxies: settings.server.trusted_proxies.clone().into(),
    }
}

/// The endpoint of the separate metrics listener (`metrics.bind`): `GET /metrics` only, with
/// request ids and the uniform error body.
pub fn metrics_app(state: AppState) -> impl Endpoint + 'static {
    let context = request_context(&state.settings, Arc::default());
    Route::new()
        .at(
            "/metrics",
            get(metrics::endpoint::scrape).data(scrape(&state)),
        )
        .catch_all_error(|e| async move { problem::error_response(e) })
        .data(state)
        .with(context)
        .into_endpoint()
}

/// A documentation page (`html`, poem-openapi's Swagger UI or ReDoc page) with the document
/// it embeds replaced by `corrected` ([`document`]'s), so the page shows what
/// `/api/openapi.json` says (every operation of a path two APIs share, the `tokenUrl` under
/// the API prefix). `ui` still serves the page's other files (the OAuth2 receiver).
fn with_document<E: Endpoint + 'static>(
    ui: E,
    html: String,
    corrected: &str,
) -> impl Endpoint + use<E> {
    const START: &str = "let spec = ";
    // poem-openapi embeds its compact document on one line: `let spec = {…};`.
    let page = html.rfind(START).and_then(|at| {
        let from = at + START.len();
        let to = from + html[from..].find(";\n")?;
        Some(format!("{}{corrected}{}", &html[..from], &html[to..]))
    });
    let page = Arc::new(page.unwrap_or(html));
    ui.around(move |ep, req| {
        let page = page.clone();
        async move {
            if req.uri().path().trim_end_matches('/').is_empty() {
                Ok(poem::web::Html(page.as_str().to_owned()).into_response())
            } else {
                ep.call(req).await.map(IntoResponse::into_response)
            }
        }
    })
}

/// What `/metrics` reads.
fn scrape(state: &AppState) -> metrics::endpoint::Scrape {
    metrics::endpoint::Scrape {
        metrics: state.metrics.clone(),
        db: state.db.clone(),
        token: state.settings.metrics.token.clone(),
    }
}

/// The whole application endpoint with its middleware, ready to serve.
pub fn app(state: AppState) -> impl Endpoint + 'static {
    let settings = state.settings.clone();
    let prefix = settings.server.api_prefix.clone();
    let prefix_for_limits = prefix.clone();
    let api = api_service(&settings);
    let mut route = Route::new()
        .at("/", get(root))
        .at("/health", get(health::api::root_health))
        .at("/health/live", get(health::api::root_live))
        .at("/health/ready", get(health::api::root_ready))
        .at("/.well-known/jwks.json", get(jwks));
    if public_metrics(&settings) {
        route = route.at(
            "/metrics",
            get(metrics::endpoint::scrape).data(scrape(&state)),
        );
    }
    if settings.docs.enabled {
        let corrected = document(&settings);
        route = route
            .at("/api/openapi.json", spec_endpoint(corrected.clone()))
            .nest(
                "/api/docs",
                with_document(api.swagger_ui(), api.swagger_ui_html(), &corrected),
            )
            .nest(
                "/api/redoc",
                with_document(api.redoc(), api.redoc_html(), &corrected),
            );
    }
    let route_names = Arc::new(metrics::track::RouteNames::new(
        &prefix,
        Apis::meta()
            .into_iter()
            .flat_map(|api| api.paths)
            .map(|p| p.path),
    ));
    let mut allowed: Vec<(String, String)> = Apis::meta()
        .into_iter()
        .flat_map(|api| api.paths)
        .flat_map(|p| {
            let pattern = format!("{prefix}{}", metrics::track::positional(&p.path));
            p.operations
                .into_iter()
                .map(move |op| (pattern.clone(), op.method.to_string()))
        })
        .collect();
    for root_path in [
        "/",
        "/health",
        "/health/live",
        "/health/ready",
        "/.well-known/jwks.json",
    ]
    .into_iter()
    .chain(public_metrics(&settings).then_some("/metrics"))
    {
        allowed.push((root_path.to_owned(), "GET".to_owned()));
    }
    let allowed = Arc::new(allow::AllowedMethods::new(
        allowed.iter().map(|(p, m)| (p.clone(), m.as_str())),
    ));
    // The scope each operation declares, which the security schemes enforce.
    let scopes = Arc::new(auth::scope::RequiredScopes::new(&prefix, Apis::meta()));
    let route = route.nest(prefix, api.data(scopes));

    let mut cors = Cors::new().max_age(settings.cors.max_age_secs as i32);
    let any_origin = settings.cors.allowed_origins.iter().any(|o| o == "*");
    if !any_origin {
        for o in &settings.cors.allowed_origins {
            cors = cors.allow_origin(o.as_str());
        }
    }
    for m in &settings.cors.allowed_methods {
        if let Ok(m) = m.parse::<Method>() {
            cors = cors.allow_method(m);
        }
    }
    for h in &settings.cors.allowed_headers {
        cors = cors.allow_header(h.as_str());
    }
    for h in &settings.cors.expose_headers {
        cors = cors.expose_header(h.as_str());
    }
    let cors_enabled = any_origin || !settings.cors.allowed_origins.is_empty();

    let context = request_context(&settings, route_names.clone());
    let hosts = allowed_hosts::AllowedHosts::new(
        &settings.server.allowed_hosts,
        INFRASTRUCTURE_PATHS.map(String::from).to_vec(),
    );
    let track = metrics::track::TrackRequests {
        metrics: state.metrics.clone(),
        routes: route_names,
    };
    route
        .with(body_limit::BodyLimit {
            max_bytes: settings.server.request_body_limit_bytes,
            upload_paths: vec![format!("{}/runs/import", settings.server.api_prefix)],
            upload_max_bytes: settings.server.upload_body_limit_bytes,
        })
        .with(allow::AllowHeader(allowed))
        // Errors become uniform responses here, so CORS and compression apply to them too.
        .catch_all_error(|e| async move { problem::error_response(e) })
        .with(rate_limit::RateLimit {
            limits: state.limits.clone(),
            prefix: prefix_for_limits,
        })
        .with_if(hosts.is_active(), hosts)
        .with(strict_uri::StrictUri)
        .with(compression::Compression {
            min_bytes: settings.server.compression_min_bytes,
        })
        .with_if(cors_enabled, cors)
        .with_if(cors_enabled, same_origin::SameOriginIsNotCors)
        .data(state)
        .with_if(settings.metrics.enabled, track)
        .with(context)
        .into_endpoint()
}

/// `GET /api/openapi.json`: the document of [`spec::document`], built once at start.
fn spec_endpoint(document: String) -> impl Endpoint + 'static {
    poem::endpoint::make_sync(move |_| {
        poem::Response::builder()
            .content_type("application/json")
            .body(document.clone())
    })
}

/// `GET /`: what this service is and where to look.
#[handler]
async fn root(state: Data<&AppState>) -> Json<serde_json::Value> {
    let prefix = &state.settings.server.api_prefix;
    let docs = state.settings.docs.enabled;
    Json(serde_json::json!({
        "name": API_TITLE,
        "version": env!("CARGO_PKG_VERSION"),
        "documentation": {
            "openapi": docs.then_some("/api/openapi.json"),
            "swagger": docs.then_some("/api/docs"),
            "redoc": docs.then_some("/api/redoc"),
        },
        "endpoints": {
            "health": "/health",
            "liveness": "/health/live",
            "readiness": "/health/ready",
            "metrics": public_metrics(&state.settings).then_some("/metrics"),
            "api": prefix,
        }
    }))
}

/// `GET /.well-known/jwks.json`: the public keys verifying access tokens (RS256/EdDSA only;
/// 404 with HS256, whose key is secret).
#[handler]
async fn jwks(state: Data<&AppState>) -> poem::Result<Json<serde_json::Value>> {
    match state.auth.keys.jwks() {
        Some(set) => Ok(Json(
            serde_json::to_value(set).map_err(poem::error::InternalServerError)?,
        )),
        None => Err(poem::error::NotFoundError.into()),
    }
}

#[cfg(test)]
mod tests {
    use poem_openapi::{OpenApi, types::Example};

    use super::{Apis, document};
    use crate::{
        auth::models::{AuditEntryPage, AuditEntryView, UserPage, UserView},
        builds::{SavedBuildPage, SavedBuildView},
        config::Settings,
        http::json::assert_serde_is_to_json,
        recommendations::{RecommendationPage, RecommendationView},
        runs::CombatRunSummaryPage,
    };

    /// Every resource answering with `api(serde)` writes exactly what its `ToJSON` would (the
    /// features add odd values in `features::models`; the stored run, `CombatRunResponse`, is
    /// checked with an addon run in `runs::dto`).
    #[test]
    fn reads_written_by_serde_equal_their_to_json() {
        assert_serde_is_to_json(&SavedBuildView::example());
        assert_serde_is_to_json(&SavedBuildPage::example());
        assert_serde_is_to_json(&UserView::example());
        assert_serde_is_to_json(&UserPage::example());
        assert_serde_is_to_json(&AuditEntryView::example());
        assert_serde_is_to_json(&AuditEntryPage::example());
        assert_serde_is_to_json(&RecommendationView::example());
        assert_serde_is_to_json(&RecommendationPage::example());
        assert_serde_is_to_json(&CombatRunSummaryPage::example());
    }

    /// Every operation of every API is in the served document, including paths two APIs
    /// share (the generated list and the hand-written submit of `/runs`), which poem-openapi
    /// writes twice and a plain JSON parse would reduce to the last.
    #[test]
    fn the_document_has_every_operation_of_every_api() {
        let doc: serde_json::Value =
            serde_json::from_str(&document(&Settings::default())).unwrap_or_default();
        let mut missing = Vec::new();
        let mut count = 0;
        for api in Apis::meta() {
            for path in api.paths {
                for op in path.operations {
                    count += 1;
                    let method = op.method.as_str().to_lowercase();
                    if doc["paths"][&path.path][&method].is_null() {
                        missing.push(format!("{method} {}", path.path));
                    }
                }
            }
        }
        assert!(count > 40, "{count} operations");
        assert!(missing.is_empty(), "not in the document: {missing:?}");
    }
}
