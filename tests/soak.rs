//! `make soak`: a thousand `sesame` processes killed with SIGKILL at random moments of saves
//! of every kind (add, rename, HOTP counter, password change, import of 100 accounts). After
//! each kill the vault must open, with the password it had before or the one being set, and
//! hold either the state before the command or the state after it: a change the command
//! acknowledged (exit 0) is never lost, a half-done one never shows.
//!
//! Ignored by `cargo test` (it takes minutes); `make soak` runs it. `SESAME_SOAK_KILLS`
//! sets the number of kills (default 1000).

#[path = "support/home.rs"]
mod home;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use home::{Home, link};
use serde_json::Value;

/// The kinds of save, and how often each is picked (out of 20).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Add,
    Rename,
    HotpCounter,
    Password,
    Import100,
}

impl Kind {
    fn pick(roll: u64) -> Kind {
        match roll % 20 {
            0..=5 => Kind::Add,
            6..=9 => Kind::Rename,
            10..=13 => Kind::HotpCounter,
            14..=17 => Kind::Password,
            _ => Kind::Import100,
        }
    }
}

/// xorshift64: deterministic kill timings without a dependency.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

/// The accounts by id, as `sesame list --json` shows them.
type Accounts = BTreeMap<String, Value>;

/// Lists the vault with `password` (none: a vault without one); `None` if it does not open.
fn try_list(home: &Home, password: Option<&str>) -> Option<Accounts> {
    let mut cmd = home.std_sesame();
    cmd.args(["list", "--json"]);
    if password.is_some() {
        cmd.arg("--password-stdin");
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(pw) = password {
        let _ = writeln!(child.stdin.take().unwrap(), "{pw}");
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    out.status.success().then(|| {
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .map(|a| (a["id"].as_str().unwrap().to_owned(), a))
            .collect()
    })
}

/// What one command is asked to do, and the state it must leave if it finishes.
struct Save {
    kind: Kind,
    args: Vec<String>,
    stdin: String,
    /// The password the vault has once the command finished.
    new_password: Option<String>,
}

struct Soak {
    home: Home,
    password: Option<String>,
    accounts: Accounts,
    hotp_id: String,
    serial: u64,
}

impl Soak {
    fn start() -> Soak {
        let home = Home::with_file_keystore();
        home.init(None);
        home.ok(
            &[
                "add",
                "otpauth://hotp/Soak:counter?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&counter=0",
            ],
            "",
        );
        for i in 0..20 {
            home.ok(&["add", &link("Soak", &format!("base{i}"), 7_000 + i)], "");
        }
        let accounts = try_list(&home, None).expect("a new vault opens");
        let hotp_id = accounts
            .iter()
            .find(|(_, a)| a["type"] == "hotp")
            .map(|(id, _)| id.clone())
            .unwrap();
        Soak {
            home,
            password: None,
            accounts,
            hotp_id,
            serial: 0,
        }
    }

    /// The password line(s) every command reads first.
    fn unlock_stdin(&self) -> String {
        self.password
            .as_ref()
            .map_or_else(String::new, |pw| format!("{pw}\n"))
    }

    fn with_password_flag(&self, mut args: Vec<String>) -> Vec<String> {
        if self.password.is_some() {
            args.push("--password-stdin".into());
        }
        args
    }

    fn next_save(&mut self, kind: Kind, random: &mut Random) -> Save {
        self.serial += 1;
        let n = self.serial;
        let unlock = self.unlock_stdin();
        match kind {
            Kind::Add => Save {
                kind,
                args: self.with_password_flag(vec![
                    "add".into(),
                    link("Soak", &format!("add{n}"), 1_000_000 + n),
                ]),
                stdin: unlock,
                new_password: self.password.clone(),
            },
            Kind::Rename => {
                let ids: Vec<&String> = self.accounts.keys().collect();
                let id = ids[(random.next() % ids.len() as u64) as usize].clone();
                Save {
                    kind,
                    args: self.with_password_flag(vec![
                        "rename".into(),
                        id,
                        "--account".into(),
                        format!("renamed{n}"),
                    ]),
                    stdin: unlock,
                    new_password: self.password.clone(),
                }
            }
            Kind::HotpCounter => Save {
                kind,
                args: self.with_password_flag(vec!["code".into(), self.hotp_id.clone()]),
                stdin: unlock,
                new_password: self.password.clone(),
            },
            Kind::Password => match &self.password {
                None => {
                    let new = format!("soak password {n}");
                    Save {
                        kind,
                        args: [
                            "passwd",
                            "--password-stdin",
                            "--kdf-memory-mib",
                            "8",
                            "--kdf-passes",
                            "1",
                        ]
                        .map(String::from)
                        .to_vec(),
                        stdin: format!("{new}\n"),
                        new_password: Some(new),
                    }
                }
                Some(_) => Save {
                    kind,
                    args: ["passwd", "--password-stdin", "--remove", "--yes"]
                        .map(String::from)
                        .to_vec(),
                    stdin: unlock,
                    new_password: None,
                },
            },
            Kind::Import100 => {
                let file = self.home.dir.path().join(format!("import{n}.txt"));
                let lines: Vec<String> = (0..100)
                    .map(|j| link(&format!("Import{n}"), &format!("a{j}"), n * 1_000 + j))
                    .collect();
                std::fs::write(&file, lines.join("\n")).unwrap();
                Save {
                    kind,
                    args: self
                        .with_password_flag(vec!["import".into(), file.display().to_string()]),
                    stdin: unlock,
                    new_password: self.password.clone(),
                }
            }
        }
    }

    /// Runs `save`, killing it after `delay` (or never); returns whether it finished.
    fn run(&self, save: &Save, delay: Option<Duration>) -> bool {
        let mut child = self
            .home
            .std_sesame()
            .args(&save.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let _ = child.stdin.take().unwrap().write_all(save.stdin.as_bytes());
        if let Some(delay) = delay {
            std::thread::sleep(delay);
            let _ = child.kill(); // SIGKILL
        }
        child.wait().unwrap().success()
    }

    /// Checks the vault after `save` ran (finished or killed) and adopts its state; returns
    /// whether the change is in the vault.
    fn check(&mut self, save: &Save, finished: bool, i: usize) -> bool {
        // No password first: a vault without one also opens when a password is given (it is
        // not read), while a vault with one never opens without it.
        let mut candidates = [save.new_password.clone(), self.password.clone()];
        candidates.sort_by_key(Option::is_some);
        let (state, password) = candidates
            .into_iter()
            .find_map(|pw| try_list(&self.home, pw.as_deref()).map(|s| (s, pw)))
            .unwrap_or_else(|| panic!("kill {i} ({:?}): the vault no longer opens", save.kind));
        let changed = match save.kind {
            Kind::Password => password != self.password,
            _ => state != self.accounts,
        };
        if finished {
            assert!(
                changed,
                "kill {i} ({:?}): the command finished but its change is not in the vault",
                save.kind
            );
            assert_eq!(
                password, save.new_password,
                "kill {i}: password after passwd"
            );
        }
        for id in self.accounts.keys() {
            assert!(
                state.contains_key(id),
                "kill {i} ({:?}): account {id} was lost",
                save.kind
            );
        }
        let added = state.len() - self.accounts.len();
        let before = |id: &str| &self.accounts[id];
        match save.kind {
            Kind::Add => assert!(added <= 1, "kill {i}: {added} accounts from one add"),
            Kind::Import100 => assert!(
                added == 0 || added == 100,
                "kill {i}: an import of 100 left {added}"
            ),
            Kind::HotpCounter => {
                let (old, new) = (
                    before(&self.hotp_id)["counter"].as_u64().unwrap(),
                    state[&self.hotp_id]["counter"].as_u64().unwrap(),
                );
                assert!(
                    new == old || new == old + 1,
                    "kill {i}: HOTP counter went from {old} to {new}"
                );
                assert!(
                    !finished || new == old + 1,
                    "kill {i}: a used counter came back"
                );
            }
            Kind::Rename | Kind::Password => {
                assert_eq!(added, 0, "kill {i} ({:?}) added accounts", save.kind)
            }
        }
        if save.kind == Kind::Password {
            assert_eq!(
                state.keys().collect::<Vec<_>>(),
                self.accounts.keys().collect::<Vec<_>>(),
                "kill {i}: a password change changed the accounts"
            );
        }
        assert!(
            only_known_files(&self.home.vault_dir()),
            "kill {i}: a stray file was left in the vault folder"
        );
        self.accounts = state;
        self.password = password;
        changed
    }
}

fn only_known_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).unwrap().all(|e| {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        matches!(
            name.as_str(),
            "vault" | "vault.bak" | "vault.tmp" | "vault.bak.tmp" | "vault.lock"
        )
    })
}

#[test]
#[ignore = "minutes long: `make soak`"]
fn a_thousand_kills_across_every_kind_of_save_lose_no_acknowledged_change() {
    let kills: usize = std::env::var("SESAME_SOAK_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let mut soak = Soak::start();
    let mut random = Random(0x5EED_50A4_0F0F_u64);

    // How long each kind takes here, from one run not killed, to spread the kills over it.
    let mut full = BTreeMap::new();
    for kind in [
        Kind::Add,
        Kind::Rename,
        Kind::HotpCounter,
        Kind::Password,
        Kind::Password,
        Kind::Import100,
    ] {
        let save = soak.next_save(kind, &mut random);
        let started = Instant::now();
        let finished = soak.run(&save, None);
        full.insert(kind, started.elapsed());
        soak.check(&save, finished, 0);
    }

    let mut spans: BTreeMap<Kind, f64> = full
        .iter()
        .map(|(kind, took)| (*kind, took.as_micros() as f64))
        .collect();
    let started = Instant::now();
    // Per kind: killed before the change reached the disk, killed after, finished.
    let mut tally: BTreeMap<Kind, [usize; 3]> = BTreeMap::new();
    for i in 1..=kills {
        let kind = Kind::pick(random.next());
        let save = soak.next_save(kind, &mut random);
        // Kills are spread over [0, span). The span adapts to this machine's load: it grows
        // while kills land before the save and shrinks once the change is saved (finished or
        // not), so that kills keep landing around the write.
        let span = spans.get_mut(&kind).unwrap();
        let delay = Duration::from_micros(random.next() % (*span as u64 + 1));
        let finished = soak.run(&save, Some(delay));
        let changed = soak.check(&save, finished, i);
        *span *= match (changed, finished) {
            (false, false) => 1.1,
            (_, true) => 0.85,
            (true, false) => 0.9,
        };
        tally.entry(kind).or_default()[usize::from(changed) + usize::from(finished)] += 1;
    }
    let killed: usize = tally.values().map(|t| t[0] + t[1]).sum();
    eprintln!(
        "soak: {kills} SIGKILLs in {:.0} s, {killed} landed mid-command; the vault opened after every one with {} accounts at the end",
        started.elapsed().as_secs_f64(),
        soak.accounts.len()
    );
    for (kind, [before, after, finished]) in &tally {
        eprintln!(
            "  {kind:?}: {before} killed before the change was saved, {after} after, {finished} finished (one unkilled run: {:?})",
            full[kind]
        );
    }
    assert!(
        killed * 4 > kills,
        "only {killed} of {kills} kills landed mid-command: the test would prove little"
    );
}
