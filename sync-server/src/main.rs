//! `sesame-sync`: the Sesame Sync server (`serve`) and its DynamoDB table (`create-table`).

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use sesame_sync::config::ServerArgs;
use sesame_sync::store::dynamodb::{self, DynamoConfig};

#[derive(Parser)]
#[command(
    name = "sesame-sync",
    version,
    about = "Sesame Sync: stores end-to-end encrypted vault items"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API until SIGTERM or Ctrl-C.
    Serve(Box<ServerArgs>),
    /// Create the DynamoDB table the server stores in.
    CreateTable {
        /// The table name.
        #[arg(long)]
        table: String,
        /// Another DynamoDB endpoint than AWS's (an emulator).
        #[arg(long)]
        dynamodb_endpoint: Option<String>,
        /// The AWS region.
        #[arg(long, env = "AWS_REGION")]
        region: String,
    },
}

fn main() -> ExitCode {
    #[cfg(feature = "lambda")]
    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        return sesame_sync::lambda::main();
    }
    let cli = Cli::parse();
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
        match cli.command {
            Command::Serve(args) => serve(*args).await,
            Command::CreateTable {
                table,
                dynamodb_endpoint,
                region,
            } => {
                let client = dynamodb::client(&DynamoConfig {
                    table: table.clone(),
                    region,
                    endpoint: dynamodb_endpoint,
                })
                .map_err(|e| e.to_string())?;
                dynamodb::create_table(&client, &table)
                    .await
                    .map_err(|e| e.to_string())?;
                eprintln!("sesame-sync: table {table} is ready");
                Ok(())
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("sesame-sync: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: ServerArgs) -> Result<(), String> {
    let state = args.state().map_err(|e| e.to_string())?;
    let store = state.store.kind();
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    eprintln!("sesame-sync: listening on http://{address} (store {store})");
    axum::serve(listener, sesame_sync::api::router(state))
        .with_graceful_shutdown(stop_signal())
        .await
        .map_err(|e| format!("the server stopped: {e}"))?;
    eprintln!("sesame-sync: stopped");
    Ok(())
}

/// SIGTERM or Ctrl-C.
async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
