//! Release links of the `sesame` CLI fold identical functions (lld's `--icf=all`): Rust's
//! generics leave many byte-identical copies, and folding them keeps the CLI under 8 MB
//! (docs/build-times.md). Debug builds link as usual, so tests link fast.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var("PROFILE").as_deref() == Ok("release") {
        println!("cargo::rustc-link-arg-bins=-Wl,--icf=all");
    }
}
