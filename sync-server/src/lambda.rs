//! The same router as an AWS Lambda function behind API Gateway (REST API v1 or HTTP API
//! v2 proxy events), configured from the environment like `sesame-sync serve`
//! (`SESAME_SYNC_STORE=dynamodb:TABLE`, `SESAME_SYNC_USER_POOL_ID`,
//! `SESAME_SYNC_CLIENT_IDS`, `AWS_REGION`). The binary becomes the function when
//! `AWS_LAMBDA_RUNTIME_API` is set (Lambda's `provided.al2023` runtime).

use std::process::ExitCode;

use clap::Parser;
use lambda_http::{Request, RequestExt};

use crate::api::{AppState, router};
use crate::config::ServerArgs;

#[derive(Parser)]
#[command(name = "sesame-sync")]
struct FromEnv {
    #[command(flatten)]
    args: ServerArgs,
}

/// The service [`lambda_http::run`] drives: the router, seeing the path the client asked
/// for (a REST API's stage, `/prod`, taken off).
pub type Handler = tower::util::MapRequest<axum::Router, fn(Request) -> Request>;

/// The handler of one API Gateway request.
pub fn handler(state: AppState) -> Handler {
    tower::ServiceExt::map_request(router(state), without_stage as fn(Request) -> Request)
}

/// The request with the path as the client sent it, without API Gateway's stage.
fn without_stage(mut request: Request) -> Request {
    let path = request.raw_http_path().to_owned();
    if !path.is_empty() && path != request.uri().path() {
        let target = match request.uri().query() {
            Some(query) => format!("{path}?{query}"),
            None => path,
        };
        if let Ok(uri) = target.parse() {
            *request.uri_mut() = uri;
        }
    }
    request
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
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
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
