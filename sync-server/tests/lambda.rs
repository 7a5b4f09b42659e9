//! The Lambda path without AWS: API Gateway proxy events (HTTP API v2 and REST API v1, JSON
//! fixtures in tests/data/) parsed by `lambda_http` as the runtime does, answered by
//! [`sesame_sync::lambda::handler`] with a real access token from the emulator.

mod common;

use std::sync::Arc;

use serde_json::{Value, json};
use sesame_sync::api::AppState;
use sesame_sync::auth::Auth;
use sesame_sync::limits::Limits;
use sesame_sync::store::sqlite::SqliteStore;
use tower::ServiceExt;

fn state(dir: &std::path::Path) -> AppState {
    let auth = common::tokens::fixture().auth_config();
    let store = Arc::new(SqliteStore::open(&dir.join("sync.db")).unwrap());
    let mut state = AppState::new(
        store,
        Auth::new(&auth, Arc::new(sesame::clock::SystemClock)),
        Limits::default(),
    );
    state.log = false;
    state
}

/// Sends one event through the handler: (status, headers, JSON body).
async fn send(state: &AppState, event: &str) -> (u16, lambda_http::http::HeaderMap, Value) {
    let f = common::tokens::fixture();
    let event = event.replace("{{TOKEN}}", &f.alice);
    let request = lambda_http::request::from_str(&event).expect("an API Gateway event");
    let response = sesame_sync::lambda::handler(state.clone())
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap()
    };
    (status, headers, body)
}

#[test]
fn api_gateway_events_of_both_api_kinds_are_answered_by_the_router() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path());
    common::rt().block_on(async {
        let (status, _, body) =
            send(&state, include_str!("data/apigw-http-v2-post-items.json")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            body,
            json!({"seq": 1, "applied": [{"id": "from-lambda", "version": 1, "seq": 1}]})
        );

        let (status, _, body) =
            send(&state, include_str!("data/apigw-http-v2-get-items.json")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["items"][0]["id"], "from-lambda");
        assert_eq!(body["items"][0]["data"], "U1NJMQAAAA==");
        assert_eq!(body["items"][0]["device"], "laptop-aaaaaaaaaaaaaaaaaaaa");

        let (status, _, body) =
            send(&state, include_str!("data/apigw-rest-v1-get-devices.json")).await;
        assert_eq!(status, 200, "{body}");
        let devices: Vec<_> = body["devices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["id"].clone(), d["name"].clone()))
            .collect();
        assert_eq!(
            devices,
            [
                (json!("laptop-aaaaaaaaaaaaaaaaaaaa"), json!("Lambda test")),
                (json!("phone-bbbbbbbbbbbbbbbbbbbbb"), Value::Null),
            ]
        );

        let (status, headers, body) =
            send(&state, include_str!("data/apigw-rest-v1-no-token.json")).await;
        assert_eq!(
            (status, body["error"].clone()),
            (401, json!("invalid_token"))
        );
        assert_eq!(
            headers["www-authenticate"],
            r#"Bearer error="invalid_token""#
        );
    });
}
