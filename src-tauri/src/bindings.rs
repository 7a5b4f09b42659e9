//! The contract between the web view and the shell, written out for TypeScript: the tests
//! here generate `ui/src/lib/bindings.ts` (every type a command takes or returns, through
//! ts-rs, and a typed wrapper per command, from the handler's signature) and the command
//! grants of `capabilities/default.json`, both from the list in `command_names.rs`, and
//! fail when the checked-in files differ.
//!
//! Regenerate with `make bindings` (which runs
//! `SESAME_WRITE_BINDINGS=1 cargo test -p sesame-app bindings`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use ts_rs::{Config, TS};

use crate::command_names::{COMMAND_MODULES, COMMANDS};

/// What regenerates the files, for the failure messages.
const REGENERATE: &str =
    "run `make bindings` (or `SESAME_WRITE_BINDINGS=1 cargo test -p sesame-app bindings`)";

/// Handler parameters Tauri fills in itself: the web view does not send them.
const INJECTED: &[&str] = &["State", "AppHandle", "Window", "Webview", "WebviewWindow"];

/// One exported type: its Rust name (as handlers spell it) and its TypeScript text.
struct Exported {
    rust: &'static str,
    ts: String,
    declaration: String,
}

fn config() -> Config {
    // serde_json writes u64 and i64 as plain numbers; ours stay below 2^53.
    Config::new().with_large_int("number")
}

fn exported<T: TS + ?Sized + 'static>(cfg: &Config) -> Exported {
    let full = std::any::type_name::<T>();
    let rust = full.rsplit("::").next().unwrap_or(full);
    let mut declaration = T::docs().unwrap_or_default();
    declaration.push_str("export ");
    declaration.push_str(&T::decl(cfg));
    Exported {
        rust,
        ts: T::ident(cfg),
        declaration,
    }
}

/// Every type the commands take or return, and the types inside them, in file order.
fn types(cfg: &Config) -> Vec<Exported> {
    use crate::cognito_view::{
        ClaimsView, CodeSent, CognitoStatus, HostedSetup, HostedStarted, HostedView, PageCode,
        SignedOut,
    };
    use crate::commands::accounts::{CopyResult, Revealed};
    use crate::commands::files::{OpenKind, PickedFile, SaveKind};
    use crate::commands::settings::TimeCheck;
    use crate::commands::transfer::AegisExported;
    use crate::commands::vault::{Status, VaultState};
    use crate::error::{AppError, ErrorKind};
    use crate::sync_view::{SyncDevice, SyncEnabled, SyncJoin, SyncReport, SyncStatus};
    use crate::views::{
        AccountEdit, AccountView, CodeView, KindName, ManualAccount, PendingAccount, PendingView,
        SkippedView, WarningKind, WarningView,
    };
    use sesame::Algorithm;
    use sesame::cognito::Prompt;
    use sesame::cognito::flow::{MfaKind, UnsupportedReason};
    use sesame::vault::Settings;
    vec![
        exported::<AppError>(cfg),
        exported::<ErrorKind>(cfg),
        exported::<VaultState>(cfg),
        exported::<AegisExported>(cfg),
        exported::<Status>(cfg),
        exported::<KindName>(cfg),
        exported::<Algorithm>(cfg),
        exported::<AccountView>(cfg),
        exported::<CodeView>(cfg),
        exported::<CopyResult>(cfg),
        exported::<AccountEdit>(cfg),
        exported::<Revealed>(cfg),
        exported::<WarningKind>(cfg),
        exported::<WarningView>(cfg),
        exported::<PendingAccount>(cfg),
        exported::<PendingView>(cfg),
        exported::<SkippedView>(cfg),
        exported::<ManualAccount>(cfg),
        exported::<Settings>(cfg),
        exported::<TimeCheck>(cfg),
        exported::<PickedFile>(cfg),
        exported::<OpenKind>(cfg),
        exported::<SaveKind>(cfg),
        exported::<CognitoStatus>(cfg),
        exported::<ClaimsView>(cfg),
        exported::<HostedView>(cfg),
        exported::<HostedSetup>(cfg),
        exported::<HostedStarted>(cfg),
        exported::<PageCode>(cfg),
        exported::<SignedOut>(cfg),
        exported::<CodeSent>(cfg),
        exported::<MfaKind>(cfg),
        exported::<UnsupportedReason>(cfg),
        exported::<Prompt>(cfg),
        exported::<SyncStatus>(cfg),
        exported::<SyncJoin>(cfg),
        exported::<SyncEnabled>(cfg),
        exported::<SyncReport>(cfg),
        exported::<SyncDevice>(cfg),
    ]
}

/// A command as the web view calls it.
struct Command {
    name: &'static str,
    docs: Vec<String>,
    /// (camelCase name as `invoke` sends it, TypeScript type)
    args: Vec<(String, String)>,
    result: String,
}

fn source_file(module: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/commands")
        .join(format!("{module}.rs"))
}

fn parse(path: &Path) -> syn::File {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn is_command(function: &syn::ItemFn) -> bool {
    function.attrs.iter().any(|a| {
        let segments: Vec<String> = a
            .path()
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        segments == ["tauri", "command"]
    })
}

fn docs(attrs: &[syn::Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value().strip_prefix(' ').unwrap_or(&s.value()).to_owned()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn last_segment(ty: &syn::Type) -> Option<&syn::PathSegment> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last(),
        _ => None,
    }
}

fn generic_args(segment: &syn::PathSegment) -> Vec<&syn::Type> {
    match &segment.arguments {
        syn::PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The TypeScript type of a handler's parameter or result type.
fn ts_type(ty: &syn::Type, known: &BTreeMap<&str, String>) -> String {
    match ty {
        syn::Type::Tuple(t) if t.elems.is_empty() => return "null".to_owned(),
        syn::Type::Reference(r) => return ts_type(&r.elem, known),
        _ => {}
    }
    let segment = last_segment(ty)
        .unwrap_or_else(|| panic!("a command uses a type bindings.rs cannot write (not a path)"));
    let name = segment.ident.to_string();
    let args = generic_args(segment);
    let arg = |i: usize| ts_type(args[i], known);
    match name.as_str() {
        "Option" => format!("{} | null", arg(0)),
        "Vec" => {
            let inner = arg(0);
            if inner.contains(' ') {
                format!("({inner})[]")
            } else {
                format!("{inner}[]")
            }
        }
        "Zeroizing" | "Box" => arg(0),
        "BTreeMap" | "HashMap" => format!("Record<{}, {}>", arg(0), arg(1)),
        "String" | "str" | "PathBuf" => "string".to_owned(),
        "bool" => "boolean".to_owned(),
        "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize" | "f32"
        | "f64" => "number".to_owned(),
        other => known.get(other).cloned().unwrap_or_else(|| {
            panic!("`{other}` crosses to the web view: add it to `types` in bindings.rs")
        }),
    }
}

fn camel_case(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Every listed command, read from its handler in `commands/<module>.rs`.
fn commands(known: &BTreeMap<&str, String>) -> Vec<Command> {
    let mut files = BTreeMap::new();
    COMMAND_MODULES
        .iter()
        .map(|&(module, name)| {
            let file = files
                .entry(module)
                .or_insert_with(|| parse(&source_file(module)));
            let function = file
                .items
                .iter()
                .find_map(|item| match item {
                    syn::Item::Fn(f) if f.sig.ident == name && is_command(f) => Some(f),
                    _ => None,
                })
                .unwrap_or_else(|| {
                    panic!("command_names.rs lists `{module}::{name}`, but commands/{module}.rs has no #[tauri::command] fn {name}")
                });
            let args = function
                .sig
                .inputs
                .iter()
                .filter_map(|input| match input {
                    syn::FnArg::Typed(t) => Some(t),
                    syn::FnArg::Receiver(_) => None,
                })
                .filter(|t| {
                    last_segment(&t.ty).is_none_or(|s| !INJECTED.contains(&s.ident.to_string().as_str()))
                })
                .map(|t| {
                    let syn::Pat::Ident(pat) = &*t.pat else {
                        panic!("{name}: a parameter that is not a plain name");
                    };
                    (camel_case(&pat.ident.to_string()), ts_type(&t.ty, known))
                })
                .collect();
            let syn::ReturnType::Type(_, returned) = &function.sig.output else {
                panic!("{name} returns nothing: commands return AppResult<T>");
            };
            let result = last_segment(returned)
                .filter(|s| s.ident == "AppResult")
                .map(generic_args)
                .and_then(|a| a.first().copied())
                .unwrap_or_else(|| panic!("{name} must return AppResult<T>"));
            Command {
                name,
                docs: docs(&function.attrs),
                args,
                result: ts_type(result, known),
            }
        })
        .collect()
}

fn js_doc(lines: &[String], indent: &str) -> String {
    match lines {
        [] => String::new(),
        [one] => format!("{indent}/** {one} */\n"),
        many => {
            let mut out = format!("{indent}/**\n");
            for line in many {
                let _ = writeln!(
                    out,
                    "{indent} *{}{line}",
                    if line.is_empty() { "" } else { " " }
                );
            }
            out + &format!("{indent} */\n")
        }
    }
}

/// The text of `ui/src/lib/bindings.ts`.
pub fn generate() -> String {
    let cfg = config();
    let types = types(&cfg);
    let known: BTreeMap<&str, String> = types.iter().map(|t| (t.rust, t.ts.clone())).collect();
    let commands = commands(&known);
    let mut out = String::from(
        "// Generated from the Rust side by src-tauri/src/bindings.rs (ts-rs for the types, the\n\
         // handlers' signatures for the commands). Do not edit: change the Rust types or\n\
         // commands, then run `make bindings`. Every command rejects with an `AppError`.\n\
         \n\
         import { invoke } from \"@tauri-apps/api/core\";\n",
    );
    for t in &types {
        let _ = write!(out, "\n{}\n", t.declaration.trim_end());
    }
    out.push_str("\n// ---- commands ----\n");
    for c in &commands {
        let params: Vec<String> = c.args.iter().map(|(n, t)| format!("{n}: {t}")).collect();
        let names: Vec<&str> = c.args.iter().map(|(n, _)| n.as_str()).collect();
        let payload = if names.is_empty() {
            String::new()
        } else {
            format!(", {{ {} }}", names.join(", "))
        };
        let _ = write!(
            out,
            "\n{}export const {} = ({}) =>\n  invoke<{}>(\"{}\"{});\n",
            js_doc(&c.docs, ""),
            camel_case(c.name),
            params.join(", "),
            c.result,
            c.name,
            payload
        );
    }
    out.push_str(
        "\n/** Every command by name: what `invoke` sends (`args`) and what it resolves to. */\n\
         export interface Commands {\n",
    );
    for c in &commands {
        let args: Vec<String> = c.args.iter().map(|(n, t)| format!("{n}: {t}")).collect();
        let args = if args.is_empty() {
            "Record<string, never>".to_owned()
        } else {
            format!("{{ {} }}", args.join("; "))
        };
        let _ = writeln!(
            out,
            "  {}: {{ args: {args}; result: {} }};",
            c.name, c.result
        );
    }
    out.push_str("}\n\n/** The name of a command. */\nexport type CommandName = keyof Commands;\n");
    out
}

/// The text of `capabilities/default.json`: the window's event permissions and one grant
/// per command. No plugin's commands: the file dialogs run in the shell (`commands::files`).
pub fn capability() -> String {
    let mut permissions: Vec<String> = ["core:event:allow-listen", "core:event:allow-unlisten"]
        .iter()
        .map(|p| (*p).to_owned())
        .collect();
    permissions.extend(
        COMMANDS
            .iter()
            .map(|c| format!("allow-{}", c.replace('_', "-"))),
    );
    let list: Vec<String> = permissions.iter().map(|p| format!("    \"{p}\"")).collect();
    format!(
        "{{\n  \"$schema\": \"../gen/schemas/desktop-schema.json\",\n  \"identifier\": \"default\",\n  \
         \"description\": \"What Sesame's one window may call: its own commands and events. Nothing else (file dialogs run in the shell). Generated by `make bindings` from src-tauri/src/command_names.rs.\",\n  \
         \"windows\": [\"main\"],\n  \"permissions\": [\n{}\n  ]\n}}\n",
        list.join(",\n")
    )
}

/// Compares `path` with `generated`, or writes it when `SESAME_WRITE_BINDINGS` is set.
fn check_or_write(relative: &str, generated: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    if std::env::var_os("SESAME_WRITE_BINDINGS").is_some() {
        std::fs::write(&path, generated).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current != generated {
        let line = current
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| current.lines().count().min(generated.lines().count()));
        panic!(
            "{relative} is not what the Rust side generates (first difference at line {}): {REGENERATE}, and commit it",
            line + 1
        );
    }
}

#[test]
fn bindings_match_the_rust_side() {
    check_or_write("../ui/src/lib/bindings.ts", &generate());
}

#[test]
fn bindings_capability_grants_every_command_and_nothing_more() {
    check_or_write("capabilities/default.json", &capability());
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("capabilities/default.json"),
    )
    .unwrap();
    let capability: serde_json::Value = serde_json::from_str(&text).unwrap();
    let granted: Vec<&str> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str())
        .filter_map(|p| p.strip_prefix("allow-"))
        .collect();
    let expected: Vec<String> = COMMANDS.iter().map(|c| c.replace('_', "-")).collect();
    assert_eq!(granted, expected);
}

/// A `#[tauri::command]` written but not in `command_names.rs` would be neither registered
/// nor granted nor in the bindings: each one is listed, under its own module.
#[test]
fn bindings_list_every_command_handler() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let module = path.file_stem().unwrap().to_str().unwrap().to_owned();
        if module == "mod" {
            continue;
        }
        for item in parse(&path).items {
            if let syn::Item::Fn(f) = item
                && is_command(&f)
            {
                found.push((module.clone(), f.sig.ident.to_string()));
            }
        }
    }
    found.sort();
    let mut listed: Vec<(String, String)> = COMMAND_MODULES
        .iter()
        .map(|(m, n)| ((*m).to_owned(), (*n).to_owned()))
        .collect();
    listed.sort();
    assert_eq!(found, listed);
}
