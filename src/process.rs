//! Process hardening, first thing in both `main`s: the secrets in memory (keys, the
//! vault, a Cognito session) must not end up in a core file, and other processes of the
//! same user must not read this one's memory through `/proc/PID/mem` or `ptrace`.
//!
//! On Linux and Android: `RLIMIT_CORE` 0 (soft and hard, so it cannot be raised again)
//! and `PR_SET_DUMPABLE` 0 (which also makes `/proc/PID/` files root's and refuses
//! `ptrace` attaches from the same user). Elsewhere nothing is done yet.

/// Hardens the process. A step that fails is not fatal: a one-line warning on stderr
/// (naming the step, nothing else) and Sesame goes on.
pub fn harden() {
    for problem in harden_steps() {
        eprintln!("sesame: warning: {problem}");
    }
}

/// The steps that failed, in words.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn harden_steps() -> Vec<String> {
    use rustix::process::{DumpableBehavior, Resource, Rlimit, set_dumpable_behavior, setrlimit};

    let mut problems = Vec::new();
    let no_core = Rlimit {
        current: Some(0),
        maximum: Some(0),
    };
    if let Err(e) = setrlimit(Resource::Core, no_core) {
        problems.push(format!("could not turn core dumps off: {e}"));
    }
    if let Err(e) = set_dumpable_behavior(DumpableBehavior::NotDumpable) {
        problems.push(format!("could not make the process non-dumpable: {e}"));
    }
    problems
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn harden_steps() -> Vec<String> {
    Vec::new()
}
