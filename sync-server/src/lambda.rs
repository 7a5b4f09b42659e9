//! The same router as an AWS Lambda function behind API Gateway (REST API v1 or HTTP API
//! v2 proxy events), configured from the environment like `sesame-sync serve`
//! (`SESAME_SYNC_STORE=dynamodb:TABLE`, `SESAME_SYNC_USER_POOL_ID`,
//! `SESAME_SYNC_CLIENT_IDS`, `AWS_REGION`). The binary becomes the function when
//! `AWS_LAMBDA_RUNTIME_API` is set (Lambda's `provided.al2023` runtime).

use std::process::ExitCode;

use clap::Parser;

use crate::api::{AppState, router};
use crate::config::ServerArgs;

#[derive(Parser)]
#[command(name = "sesame-sync")]
struct FromEnv {
    #[command(flatten)]
    args: ServerArgs,
}

/// A service that answers one API Gateway request (what [`lambda_http::run`] drives).
pub fn handler(state: AppState) -> axum::Router {
    router(state)
}

/// Runs as a Lambda function until the runtime stops it.
pub fn main() -> ExitCode {
    let args = match FromEnv::try_parse_from(["sesame-sync"]) {
        Ok(env) => env.args,
        Err(e) => {
            eprintln!("sesame-sync: the function's environment is incomplete: {e}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("sesame-sync: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let state = args.state().map_err(|e| e.to_string())?;
        lambda_http::run(handler(state))
            .await
            .map_err(|e| e.to_string())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("sesame-sync: {message}");
            ExitCode::FAILURE
        }
    }
}
