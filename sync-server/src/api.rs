//! The HTTP API (`/v1`) as an axum router: handlers, the caller extractor (token, device,
//! rate), JSON errors, the request log, and the OpenAPI document generated from all of it.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use sesame::clock::Clock;
use sesame::cognito::TokenError;
use utoipa::OpenApi;

use crate::auth::Auth;
use crate::limits::{Limits, RateLimiter};
use crate::store::{Batch, BatchError, BatchOutcome, DeviceStatus, KeyWrite, Store, StoreError};
use crate::wire::{
    self, ConflictBody, DataDeleted, Devices, ErrorBody, Health, ItemsApplied, ItemsPage,
    ItemsQuery, KeyConflict, KeyRecord, KeyVersion, PostItems, PutKey,
};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The storage engine.
    pub store: Arc<dyn Store>,
    /// The token checker.
    pub auth: Arc<Auth>,
    /// The limits.
    pub limits: Limits,
    /// Per-user request rate.
    pub rate: Arc<RateLimiter>,
    /// Server time (item `modified`, device times).
    pub clock: Arc<dyn Clock>,
    /// Whether to log one line per request to stderr.
    pub log: bool,
}

impl AppState {
    /// State for `store`, `auth` and `limits`, with the system clock and the request log on.
    pub fn new(store: Arc<dyn Store>, auth: Auth, limits: Limits) -> AppState {
        AppState {
            store,
            auth: Arc::new(auth),
            rate: Arc::new(RateLimiter::new(limits.rate_per_sec, limits.burst)),
            limits,
            clock: Arc::new(sesame::clock::SystemClock),
            log: true,
        }
    }
}

/// An error answer: a status and `{"error", "message", ...}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: Value,
    headers: Vec<(header::HeaderName, HeaderValue)>,
}

impl ApiError {
    fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: json!({"error": code, "message": message.into()}),
            headers: Vec::new(),
        }
    }

    fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
    }

    fn too_large(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", message)
    }

    fn unauthorized(message: impl Into<String>) -> ApiError {
        let mut e = ApiError::new(StatusCode::UNAUTHORIZED, "invalid_token", message);
        e.headers.push((
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(r#"Bearer error="invalid_token""#),
        ));
        e
    }

    fn with(mut self, field: &str, value: Value) -> ApiError {
        self.body[field] = value;
        self
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        eprintln!("sesame-sync: {e}");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the server cannot reach its storage; try again later",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        response.headers_mut().extend(self.headers);
        response
    }
}

/// A JSON body whose rejections are JSON errors (413 `too_large`, 422 `invalid`).
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::too_large("the request body is larger than the server accepts (1 MiB)")
    } else {
        ApiError::invalid(rejection.body_text())
    }
}

fn query_rejection(rejection: QueryRejection) -> ApiError {
    ApiError::invalid(rejection.body_text())
}

/// The authenticated caller: the token's `sub` and a device that is not revoked.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user.
    pub sub: String,
    /// The `Sesame-Device` id.
    pub device: String,
}

fn bearer(headers: &HeaderMap) -> Result<&str, ApiError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::unauthorized("sign in: the request carries no access token"))?;
    let text = value
        .to_str()
        .map_err(|_| ApiError::unauthorized("the Authorization header is not text"))?;
    match text.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim())
        }
        _ => Err(ApiError::unauthorized(
            "the Authorization header must be \"Bearer <access token>\"",
        )),
    }
}

fn device_name(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get(wire::DEVICE_NAME_HEADER) else {
        return Ok(None);
    };
    let bad = || {
        ApiError::invalid(format!(
            "{} must be percent-encoded UTF-8 of at most {} characters",
            wire::DEVICE_NAME_HEADER,
            wire::MAX_DEVICE_NAME_CHARS
        ))
    };
    let raw = value.to_str().map_err(|_| bad())?;
    let name = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| bad())?;
    if name.chars().count() > wire::MAX_DEVICE_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(bad());
    }
    Ok(Some(name.into_owned()))
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(&parts.headers)?;
        let sub = state.auth.user(token).await.map_err(|e| match e {
            TokenError::Jwks { .. } => {
                eprintln!("sesame-sync: {e}");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "the server cannot get the user pool's signing keys; try again later",
                )
            }
            e => ApiError::unauthorized(format!("{e}; sign in again")),
        })?;
        let device = parts
            .headers
            .get(wire::DEVICE_HEADER)
            .and_then(|v| v.to_str().ok())
            .filter(|d| wire::valid_device_id(d))
            .ok_or_else(|| {
                ApiError::invalid(format!(
                    "the {} header must name this device: 22 to 64 characters of A-Z, a-z, 0-9, _ and -",
                    wire::DEVICE_HEADER
                ))
            })?
            .to_owned();
        let name = device_name(&parts.headers)?;
        if let Err(wait) = state.rate.check(&sub) {
            let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
            let mut e = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("too many requests; try again in {secs} s"),
            );
            e.headers
                .push((header::RETRY_AFTER, HeaderValue::from(secs)));
            return Err(e);
        }
        let status = state
            .store
            .touch_device(sub.clone(), device.clone(), name, state.clock.now_ms())
            .await?;
        if status == DeviceStatus::Revoked {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "device_revoked",
                "this device was removed from sync by another of your devices; turn sync off and on again to use it",
            ));
        }
        Ok(Caller { sub, device })
    }
}

/// The API as a router over `state`.
pub fn router(state: AppState) -> Router {
    let body_limit = state.limits.max_body_bytes;
    let log = state.log;
    let router = Router::new()
        .route("/v1/health", get(health))
        .route("/v1/openapi.json", get(openapi))
        .route("/v1/key", get(get_key).put(put_key))
        .route("/v1/items", get(get_items).post(post_items))
        .route("/v1/devices", get(list_devices))
        .route("/v1/devices/{id}", delete(revoke_device))
        .route("/v1/data", delete(delete_data))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(state);
    if log {
        router.layer(middleware::from_fn(log_request))
    } else {
        router
    }
}

/// One line per request on stderr: method, path (no query), status, milliseconds.
async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    eprintln!(
        "{method} {path} {} {:.1}ms",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "there is nothing at this path",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this path does not take this method",
    )
}

/// Whether the server is up, and which engine it stores in.
#[utoipa::path(get, path = "/v1/health", tag = "sync",
    responses((status = 200, body = Health)))]
async fn health(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        store: state.store.kind().into(),
    })
}

/// This document.
#[utoipa::path(get, path = "/v1/openapi.json", tag = "sync",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json")))]
async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], openapi_json()).into_response()
}

/// The user's wrapped sync key.
#[utoipa::path(get, path = "/v1/key", tag = "sync", security(("bearer" = [])),
    params(DeviceHeaders),
    responses(
        (status = 200, body = KeyRecord),
        (status = 404, body = ErrorBody, description = "`no_key`: sync was never set up"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn get_key(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<KeyRecord>, ApiError> {
    match state.store.get_key(caller.sub).await? {
        Some(key) => Ok(Json(key)),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "no_key",
            "sync has not been set up for this user: no key is stored",
        )),
    }
}

/// Creates the key (`replaces: null`) or replaces the current version.
#[utoipa::path(put, path = "/v1/key", tag = "sync", security(("bearer" = [])),
    params(DeviceHeaders), request_body = PutKey,
    responses(
        (status = 200, body = KeyVersion),
        (status = 404, body = ErrorBody, description = "`no_key`: nothing to replace"),
        (status = 409, body = KeyConflict, description = "`key_exists` or `stale_key`, with the current key"),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn put_key(
    State(state): State<AppState>,
    caller: Caller,
    Body(put): Body<PutKey>,
) -> Result<Json<KeyVersion>, ApiError> {
    if !put.key.is_object() {
        return Err(ApiError::invalid("key must be a JSON object"));
    }
    let size = put.key.to_string().len();
    if size > wire::MAX_KEY_BYTES {
        return Err(ApiError::too_large(format!(
            "the key object is {size} bytes; at most {} are stored",
            wire::MAX_KEY_BYTES
        )));
    }
    let now = state.clock.now_ms();
    match state
        .store
        .put_key(caller.sub, put.replaces, put.key, now)
        .await?
    {
        KeyWrite::Written(version) => Ok(Json(KeyVersion { version })),
        KeyWrite::Exists(current) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "key_exists",
            "a sync key already exists for this user; unwrap it with the sync passphrase instead",
        )
        .with("current", json!(current))),
        KeyWrite::Stale(current) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "stale_key",
            format!(
                "the key was changed meanwhile (now version {}); read it again",
                current.version
            ),
        )
        .with("current", json!(current))),
        KeyWrite::Missing => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "no_key",
            "there is no key to replace; create one with replaces: null",
        )),
    }
}

/// The changes after `since`, oldest first.
#[utoipa::path(get, path = "/v1/items", tag = "sync", security(("bearer" = [])),
    params(DeviceHeaders, ItemsQuery),
    responses(
        (status = 200, body = ItemsPage),
        (status = 422, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn get_items(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<ItemsQuery>, QueryRejection>,
) -> Result<Json<ItemsPage>, ApiError> {
    let Query(query) = query.map_err(query_rejection)?;
    let limit = query.limit.unwrap_or(wire::DEFAULT_LIMIT);
    if limit == 0 {
        return Err(ApiError::invalid("limit must be at least 1"));
    }
    let page = state
        .store
        .items(
            caller.sub,
            query.since.unwrap_or(0),
            limit.min(wire::MAX_LIMIT),
            state.clock.now_ms(),
        )
        .await?;
    Ok(Json(page))
}

/// Applies a batch of changes: all of them or none.
#[utoipa::path(post, path = "/v1/items", tag = "sync", security(("bearer" = [])),
    params(DeviceHeaders), request_body = PostItems,
    responses(
        (status = 200, body = ItemsApplied, description = "Applied (or the first answer to this request id)"),
        (status = 409, body = ConflictBody, description = "`conflict`: nothing applied"),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 507, body = ErrorBody, description = "`quota`: too many items"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn post_items(
    State(state): State<AppState>,
    caller: Caller,
    Body(post): Body<PostItems>,
) -> Result<Json<ItemsApplied>, ApiError> {
    crate::store::check_batch(&post.request_id, &post.changes, state.limits.max_item_bytes)
        .map_err(|e| match e {
            BatchError::Invalid(m) => ApiError::invalid(m),
            e @ BatchError::TooLarge { .. } => ApiError::too_large(e.to_string()),
        })?;
    let batch = Batch {
        sub: caller.sub,
        device: caller.device,
        request_id: post.request_id,
        changes: post.changes,
        now: state.clock.now_ms(),
        max_items: state.limits.max_items,
    };
    match state.store.apply(batch).await? {
        BatchOutcome::Applied(answer) => Ok(Json(answer)),
        BatchOutcome::Conflicts(conflicts) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            format!(
                "{} item(s) changed meanwhile; nothing was applied: pull, merge and push again",
                conflicts.len()
            ),
        )
        .with("conflicts", json!(conflicts))),
        BatchOutcome::Quota(max) => Err(ApiError::new(
            StatusCode::INSUFFICIENT_STORAGE,
            "quota",
            format!("a user may keep at most {max} items; nothing was applied"),
        )),
    }
}

/// The user's devices.
#[utoipa::path(get, path = "/v1/devices", tag = "sync", security(("bearer" = [])),
    params(DeviceHeaders),
    responses((status = 200, body = Devices),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn list_devices(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Devices>, ApiError> {
    Ok(Json(Devices {
        devices: state.store.devices(caller.sub).await?,
    }))
}

/// Revokes another device of the user: its requests are refused from then on.
#[utoipa::path(delete, path = "/v1/devices/{id}", tag = "sync", security(("bearer" = [])),
    params(DeviceHeaders, ("id" = String, Path, description = "The device to revoke")),
    responses((status = 204, description = "Revoked"),
        (status = 404, body = ErrorBody, description = "`not_found`: no such device"),
        (status = 422, body = ErrorBody, description = "`invalid`: a device cannot revoke itself"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn revoke_device(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    if id == caller.device {
        return Err(ApiError::invalid(
            "a device cannot revoke itself; turn sync off on it instead",
        ));
    }
    if state.store.revoke_device(caller.sub, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "this user has no device with that id",
        ))
    }
}

/// Deletes everything the server holds for the user: the key, every item and tombstone,
/// the devices (revocations too), the change sequence and the request ids. Afterwards
/// `GET /v1/key` is 404 `no_key`, and a device that syncs is told so.
#[utoipa::path(delete, path = "/v1/data", tag = "sync", security(("bearer" = [])),
    params(DeviceHeaders),
    responses((status = 200, body = DataDeleted, description = "Deleted (`deleted`: 0 when nothing was stored)"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn delete_data(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<DataDeleted>, ApiError> {
    Ok(Json(DataDeleted {
        deleted: state.store.delete_user(caller.sub).await?,
    }))
}

/// The headers every authenticated request carries besides the token.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
struct DeviceHeaders {
    /// This device's id: 22–64 characters of `[A-Za-z0-9_-]`, chosen once per vault.
    #[param(rename = "Sesame-Device")]
    sesame_device: String,
    /// This device's name, percent-encoded UTF-8, at most 64 characters.
    #[param(rename = "Sesame-Device-Name")]
    sesame_device_name: Option<String>,
}

struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("A Cognito access token of the configured user pool"))
                    .build(),
            ),
        );
    }
}

/// The API's OpenAPI 3.1 document.
#[derive(OpenApi)]
#[openapi(
    info(title = "Sesame Sync", description = "End-to-end encrypted sync of Sesame vaults. The server stores opaque sealed items; see sync-server/README.md."),
    paths(health, openapi, get_key, put_key, get_items, post_items, list_devices, revoke_device, delete_data),
    modifiers(&BearerScheme),
    tags((name = "sync", description = "Sesame Sync v1"))
)]
pub struct ApiDoc;

/// The OpenAPI document as pretty JSON (what `/v1/openapi.json` serves and
/// `sync-server/openapi.json` holds).
pub fn openapi_json() -> String {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").into();
    doc.info.license = None;
    doc.to_pretty_json()
        .expect("the OpenAPI document serializes")
        + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regenerate with `SESAME_WRITE_OPENAPI=1 cargo test -p sesame-sync openapi`.
    #[test]
    fn openapi_json_is_up_to_date() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");
        let fresh = openapi_json();
        if std::env::var_os("SESAME_WRITE_OPENAPI").is_some() {
            std::fs::write(path, &fresh).unwrap();
        }
        let stored = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            stored == fresh,
            "sync-server/openapi.json is stale: run `SESAME_WRITE_OPENAPI=1 cargo test -p sesame-sync openapi` and commit it"
        );
        let doc: Value = serde_json::from_str(&fresh).unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        for path in [
            "/v1/key",
            "/v1/items",
            "/v1/devices",
            "/v1/devices/{id}",
            "/v1/health",
            "/v1/data",
        ] {
            assert!(doc["paths"][path].is_object(), "{path} is documented");
        }
    }
}
