//! The Cognito sign-in in progress (desktop only): kept between the command that starts
//! it and the ones that answer its prompts.

use sesame::cognito::Driver;

/// At most one sign-in waiting for the user (an async mutex: held across Cognito calls).
#[derive(Default)]
pub struct CognitoFlow(pub tauri::async_runtime::Mutex<Option<Driver>>);
