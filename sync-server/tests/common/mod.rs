//! Shared by the sync server's integration tests: one ministack (Cognito + DynamoDB) per
//! test binary, killed at exit; DynamoDB clients and fresh tables on it.
#![allow(dead_code)]

#[path = "../../../tests/support/ministack.rs"]
pub mod ministack;
#[path = "../../../tests/support/service.rs"]
pub mod service;
pub mod tokens;

use std::sync::{Mutex, OnceLock};

use ministack::{Ministack, REGION};

static MINISTACK: OnceLock<Mutex<Option<Ministack>>> = OnceLock::new();
static ENDPOINT: OnceLock<String> = OnceLock::new();

extern "C" fn stop_ministack() {
    if let Some(lock) = MINISTACK.get()
        && let Ok(mut slot) = lock.lock()
    {
        drop(slot.take());
    }
}

/// The endpoint of this binary's ministack, started on first use.
pub fn endpoint() -> &'static str {
    ENDPOINT.get_or_init(|| {
        let ms = Ministack::start_with("cognito-idp,dynamodb");
        let endpoint = ms.endpoint.clone();
        MINISTACK.get_or_init(|| Mutex::new(Some(ms)));
        // Statics are never dropped: stop the emulator when the test binary exits.
        unsafe { libc::atexit(stop_ministack) };
        endpoint
    })
}

/// Runs `f` with this binary's ministack.
pub fn with_ministack<R>(f: impl FnOnce(&Ministack) -> R) -> R {
    endpoint();
    let lock = MINISTACK.get().expect("started");
    let slot = lock.lock().unwrap_or_else(|p| p.into_inner());
    f(slot.as_ref().expect("running"))
}

/// A multi-threaded runtime for one test.
pub fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// ministack's static credentials, for the DynamoDB client and the server process.
pub fn set_dummy_credentials() {
    // SAFETY: set before any thread reads the environment in these tests, always to the
    // same values.
    unsafe {
        std::env::set_var("AWS_ACCESS_KEY_ID", "test");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "test");
    }
}

/// A DynamoDB client on the emulator.
pub fn dynamodb() -> aws_sdk_dynamodb::Client {
    set_dummy_credentials();
    sesame_sync::store::dynamodb::client(&sesame_sync::store::dynamodb::DynamoConfig {
        table: String::new(),
        region: REGION.into(),
        endpoint: Some(endpoint().to_owned()),
    })
    .unwrap()
}

/// A random name or id: `prefix` and 24 hex digits.
pub fn unique(prefix: &str) -> String {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).unwrap();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}{hex}")
}

/// A fresh table on the emulator.
pub async fn table() -> String {
    let table = unique("sesame-sync-");
    sesame_sync::store::dynamodb::create_table(&dynamodb(), &table)
        .await
        .unwrap();
    table
}
