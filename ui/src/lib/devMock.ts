// A fake shell for `npm run dev` in a plain browser (no Tauri). It is imported only when
// import.meta.env.DEV is true, so the production build holds none of it.
//
// Query parameters pick where it starts:
//   ?state=no_vault | locked | unlocked | empty   (default: locked)
//   ?pw=0        the vault has no password
//   ?deeplink=1  the app "was opened" with an otpauth:// link
//   ?slow=1      every command takes 600 ms
//   ?rollback=1  the vault file is an older copy: unlock answers rolled_back until the
//                user opens the older copy
//   ?cognito=configured | signed_in   a Cognito user pool is set up (and signed in to)
// The mock accepts any password except "wrong". window.sesameMock.lock() locks as the
// idle timer would.
//
// Cognito sign-in, by username: "invited" must choose a new password (and give a name),
// "newuser" must set up MFA (Sesame becomes the authenticator), "smsonly" must set up
// MFA by text message (unsupported), "texted" answers a code sent by SMS (any 6 digits);
// anyone else signs in, with Sesame's one-click code once it is their authenticator. The
// password "wrong" is refused; a new password shorter than 8 characters too.
import { mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import type {
  SyncDevice,
  SyncStatus,
  AccountView,
  AppError,
  CodeView,
  CognitoStatus,
  CommandName,
  Commands,
  Pending,
  PendingAccount,
  Settings,
  SignInPrompt,
  Status,
} from "./bindings";

/** The fake shell's side of every command: the generated arguments and result types, so
 *  a command added on the Rust side fails `npm run check` here until the mock answers it. */
type MockCommands = {
  [C in CommandName]: (args: Commands[C]["args"]) => Commands[C]["result"] | Promise<Commands[C]["result"]>;
};
type CognitoCommand = Extract<CommandName, `cognito_${string}`>;
type SyncCommand = Extract<CommandName, `sync_${string}`>;

interface MockAccount extends AccountView {
  secret: string;
}

const STEAM = "23456789BCDFGHJKMNPQRTVWXY";

function h32(text: string): number {
  let h = 0x811c9dc5;
  for (const ch of text) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Not a real OTP: a stable, code-looking value per account and time step. */
function fakeCode(a: MockAccount, step: number): string {
  let x = h32(`${a.secret}:${step}`);
  if (a.kind === "steam") {
    let s = "";
    for (let i = 0; i < 5; i++) {
      s += STEAM[x % STEAM.length];
      x = (Math.floor(x / STEAM.length) ^ h32(s)) >>> 0;
    }
    return s;
  }
  let digits = "";
  while (digits.length < a.digits) {
    digits += String(x).padStart(10, "0");
    x = h32(digits);
  }
  return digits.slice(0, a.digits);
}

function account(
  id: string,
  issuer: string | null,
  name: string,
  extra: Partial<MockAccount> = {},
): MockAccount {
  return {
    id,
    issuer,
    name,
    kind: "totp",
    algorithm: "SHA1",
    digits: 6,
    period: 30,
    counter: null,
    icon: null,
    tags: [],
    note: null,
    can_compute: true,
    secret: `JBSWY3DPEHPK3PXP${id.toUpperCase().replace(/[^A-Z2-7]/g, "")}`.slice(0, 32),
    ...extra,
  };
}

function sampleAccounts(): MockAccount[] {
  return [
    account("gh", "GitHub", "alice@example.com", { tags: ["work"] }),
    account("goog", "Google", "alice.liddell@gmail.com", { tags: ["personal"] }),
    account("aws", "Amazon Web Services", "root@acme-corp", { tags: ["work"] }),
    account("ms", "Microsoft", "alice@outlook.com", { digits: 8 }),
    account("steam", "Steam", "alice_plays", { kind: "steam", digits: 5 }),
    account("bank", "Zürcher Kantonalbank", "A-1234567", { kind: "hotp", period: null, counter: 12 }),
    account("cf", "Cloudflare", "ops@acme-corp.example", { period: 60, tags: ["work", "ops"] }),
    account("proton", "Proton", "alice@proton.me", { digits: 7 }),
    account("srv", null, "backup-server.home.arpa"),
    account("vpn", "Legacy VPN", "alice", { can_compute: false, note: "MD5, cannot compute" }),
    account("fb", "Facebook", "alice.liddell"),
    account("dbx", "Dropbox", "alice@example.com"),
  ];
}

function fakeQrSvg(text: string): string {
  const n = 29;
  const cells: string[] = [];
  const finder = (x: number, y: number) => {
    for (let i = 0; i < 7; i++)
      for (let j = 0; j < 7; j++) {
        const edge = i === 0 || i === 6 || j === 0 || j === 6;
        const core = i >= 2 && i <= 4 && j >= 2 && j <= 4;
        if (edge || core) cells.push(`M${x + i} ${y + j}h1v1h-1z`);
      }
  };
  finder(0, 0);
  finder(n - 7, 0);
  finder(0, n - 7);
  let x = h32(text);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const inFinder = (i < 8 && j < 8) || (i >= n - 8 && j < 8) || (i < 8 && j >= n - 8);
      x = Math.imul(x ^ (x >>> 13), 0x5bd1e995) >>> 0;
      if (!inFinder && x % 2 === 0) cells.push(`M${i} ${j}h1v1h-1z`);
    }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="-2 -2 ${n + 4} ${n + 4}" shape-rendering="crispEdges"><rect x="-2" y="-2" width="${n + 4}" height="${n + 4}" fill="#fff"/><path d="${cells.join("")}" fill="#000"/></svg>`;
}

function pendingAccount(issuer: string | null, name: string, extra: Partial<PendingAccount> = {}): PendingAccount {
  return {
    issuer,
    name,
    kind: "totp",
    algorithm: "SHA1",
    digits: 6,
    period: 30,
    counter: null,
    warnings: [],
    duplicate: false,
    conflict: false,
    ...extra,
  };
}

export function installDevMock(): void {
  const params = new URLSearchParams(location.search);
  const start = params.get("state") ?? "locked";
  const slow = params.get("slow") === "1";
  let hasPassword = params.get("pw") !== "0";
  let state: Status["state"] = start === "no_vault" ? "no_vault" : start === "unlocked" || start === "empty" ? "unlocked" : "locked";
  let accounts: MockAccount[] = start === "empty" || start === "no_vault" ? [] : sampleAccounts();
  let settings: Settings = {
    auto_lock_secs: 300,
    clipboard_clear_secs: 30,
    time_correction: false,
    ntp_server: "pool.ntp.org",
    clock_offset_ms: 0,
    clock_checked_at_ms: null,
    theme: (params.get("theme") as Settings["theme"]) ?? "system",
  };
  if (params.get("theme")) localStorage.setItem("sesame.theme", settings.theme);
  /** The offset `check_time` measured, until `apply_time_check`. */
  let measured: number | null = null;
  let deepLink: Pending | null =
    params.get("deeplink") === "1"
      ? {
          pending_id: "p-deep",
          source: "deep link",
          accounts: [pendingAccount("Mastodon", "@alice@social.example")],
          format: null,
          skipped: [],
        }
      : null;
  const pendings = new Map<string, PendingAccount[]>();
  let rolledBack = params.get("rollback") === "1";
  let seq = 0;
  let lastActivity = Date.now();
  const fail = (kind: AppError["kind"], message: string): never => {
    throw { kind, message } satisfies AppError;
  };
  /** File choices by token, as the shell's PathGrants keeps them (names only here). */
  const grants = new Map<string, string>();
  const grant = (fileName: string) => {
    const token = `t${++seq}`;
    grants.set(token, fileName);
    return { token, file_name: fileName };
  };
  /** The file a token stands for; spent unless `keep` (a password retry keeps it). */
  const granted = (token: string, keep = false): string => {
    const name = grants.get(token);
    if (name === undefined) return fail("not_found", "That file choice was used already or has expired: choose the file again.");
    if (!keep) grants.delete(token);
    return name;
  };
  const needUnlocked = () => {
    if (state === "no_vault") fail("no_vault", "There is no vault yet.");
    if (state !== "unlocked") fail("locked", "The vault is locked.");
  };
  const cognito = cognitoMock(params.get("cognito"), fail, (issuer, name) => {
    const a = account(`c${++seq}`, issuer, name);
    accounts.push(a);
    return a.id;
  }, (id) => {
    accounts = accounts.filter((a) => a.id !== id);
  });
  const view = (a: MockAccount): AccountView => {
    const { secret: _secret, ...rest } = a;
    void _secret;
    return { ...rest, tags: [...rest.tags] };
  };
  /** Reveal and exports ask for the vault password again when it has one. */
  const needVaultPassword = (password: unknown) => {
    if (!hasPassword) return;
    if (!password) fail("password_required", "Enter the vault password to continue.");
    if (password === "wrong") fail("wrong_password", "Wrong password.");
  };
  const find = (id: string) => accounts.find((a) => a.id === id) ?? fail("not_found", "That account is no longer in the vault.");
  const codeOf = (a: MockAccount): CodeView => {
    if (!a.can_compute) return { id: a.id, code: null, next_code: null, valid_for_ms: null, period_ms: null };
    if (a.kind === "hotp") return { id: a.id, code: fakeCode(a, a.counter ?? 0), next_code: null, valid_for_ms: null, period_ms: null };
    const now = Date.now() + (settings.time_correction ? settings.clock_offset_ms : 0);
    const p = (a.period ?? 30) * 1000;
    const step = Math.floor(now / p);
    return { id: a.id, code: fakeCode(a, step), next_code: fakeCode(a, step + 1), valid_for_ms: p - (now % p), period_ms: p };
  };
  const newPending = (source: string, list: PendingAccount[]): Pending => {
    const id = `p-${++seq}`;
    pendings.set(id, list);
    return { pending_id: id, source, accounts: list, format: null, skipped: [] };
  };
  const isDuplicate = (issuer: string | null, name: string) =>
    accounts.some((a) => a.issuer === issuer && a.name === name);

  function parseOtpauth(text: string): PendingAccount[] {
    if (/^otpauth-migration:\/\//i.test(text)) {
      return [
        pendingAccount("GitHub", "alice@example.com", { duplicate: isDuplicate("GitHub", "alice@example.com") }),
        pendingAccount("Slack", "alice@acme-corp"),
        pendingAccount("Twitch", "alice_streams", {
          warnings: [{ kind: "short_secret", message: "The secret is only 80 bits; 128 or more is recommended." }],
        }),
      ];
    }
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return fail("invalid_input", "This is not an otpauth:// link.");
    }
    if (url.protocol !== "otpauth:") fail("invalid_input", "The link must start with otpauth://.");
    const kind = url.host === "hotp" ? "hotp" : "totp";
    const label = decodeURIComponent(url.pathname.replace(/^\//, ""));
    const [prefix, rest] = label.includes(":") ? label.split(/:(.*)/s) : [null, label];
    const secret = url.searchParams.get("secret");
    if (!secret) fail("invalid_input", "The link has no secret parameter.");
    const issuer = url.searchParams.get("issuer") ?? prefix;
    const warnings: PendingAccount["warnings"] = [];
    if (prefix && url.searchParams.get("issuer") && prefix !== url.searchParams.get("issuer"))
      warnings.push({ kind: "issuer_mismatch", message: `The label says “${prefix}” but the issuer is “${issuer}”; Sesame keeps “${issuer}”.` });
    return [
      pendingAccount(issuer, (rest ?? "").trim() || "account", {
        kind,
        digits: Number(url.searchParams.get("digits") ?? 6),
        period: kind === "totp" ? Number(url.searchParams.get("period") ?? 30) : null,
        counter: kind === "hotp" ? Number(url.searchParams.get("counter") ?? 0) : null,
        duplicate: isDuplicate(issuer, (rest ?? "").trim()),
        warnings,
      }),
    ];
  }

  /** The shell's commands, each checked against the generated `Commands`. */
  const shell: MockCommands = {
    status: () => {
      return {
        state,
        has_password: state === "no_vault" ? false : hasPassword,
        vault_path: "/home/alice/.local/share/sesame/vault",
        keystore: "Secret Service (GNOME Keyring), login collection",
      } satisfies Status;
    },
    create_vault: (args) => {
      if (state !== "no_vault") fail("invalid_input", "A vault already exists.");
      hasPassword = args.password !== null;
      state = "unlocked";
      return null;
    },
    unlock: (args) => {
      if (state === "no_vault") fail("no_vault", "There is no vault yet.");
      if (hasPassword && !args.password) fail("password_required", "This vault needs its password.");
      if (args.password === "wrong") fail("wrong_password", "Wrong password. Check Caps Lock and try again.");
      if (args.password === "keystore") fail("keystore", "The system keyring is locked.");
      if (args.password === "elsewhere") fail("bound_to_another_device", "This vault is bound to another device.");
      if (rolledBack) fail("rolled_back", "This vault file is older than the last one saved on this device: it holds save 3, and this device last saved 5. An older copy was put in place of the newest one, by a restore, a sync tool or someone else. Nothing was changed.");
      state = "unlocked";
      lastActivity = Date.now();
      return null;
    },
    unlock_older_copy: (args) => {
      if (hasPassword && !args.password) fail("password_required", "This vault needs its password.");
      if (args.password === "wrong") fail("wrong_password", "Wrong password. Check Caps Lock and try again.");
      rolledBack = false;
      state = "unlocked";
      lastActivity = Date.now();
      return null;
    },
    lock: () => {
      if (state === "unlocked") state = "locked";
      return null;
    },
    touch: () => {
      lastActivity = Date.now();
      return null;
    },
    change_password: (args) => {
      needUnlocked();
      if (hasPassword && args.oldPassword !== "password" && args.oldPassword !== "sesame")
        fail("wrong_password", "The current password is wrong.");
      hasPassword = args.newPassword !== null;
      return null;
    },
    list_accounts: () => {
      needUnlocked();
      return accounts.map(view);
    },
    codes: () => {
      needUnlocked();
      return accounts.map(codeOf);
    },
    next_hotp: (args) => {
      needUnlocked();
      const a = find(args.id as string);
      a.counter = (a.counter ?? 0) + 1;
      return codeOf(a);
    },
    copy_code: (args) => {
      needUnlocked();
      find(args.id as string);
      return { clear_after_secs: settings.clipboard_clear_secs };
    },
    edit_account: (args) => {
      needUnlocked();
      const a = find(args.id as string);
      Object.assign(a, args.edit);
      return view(a);
    },
    move_account: (args) => {
      needUnlocked();
      const a = find(args.id as string);
      accounts = accounts.filter((x) => x !== a);
      accounts.splice(args.position as number, 0, a);
      return null;
    },
    delete_account: (args) => {
      needUnlocked();
      find(args.id as string);
      accounts = accounts.filter((x) => x.id !== args.id);
      return null;
    },
    reveal_secret: (args) => {
      needUnlocked();
      needVaultPassword(args.password);
      const a = find(args.id as string);
      const uri = `otpauth://${a.kind === "hotp" ? "hotp" : "totp"}/${encodeURIComponent(a.issuer ?? "")}:${encodeURIComponent(a.name)}?secret=${a.secret}${a.issuer ? `&issuer=${encodeURIComponent(a.issuer)}` : ""}`;
      return { secret: a.secret, uri, qr_svg: fakeQrSvg(uri) };
    },
    parse_link: (args) => {
      return newPending("link", parseOtpauth(String(args.text).trim()));
    },
    scan_image: (args) => {
      if ((args.bytes as number[]).length < 16) fail("no_qr_code", "No QR code found in this image.");
      return newPending("image", [pendingAccount("Discord", "alice#1234")]);
    },
    scan_screen: () => {
      return newPending("screen", [
        pendingAccount("GitHub", "alice@example.com", { duplicate: isDuplicate("GitHub", "alice@example.com") }),
        pendingAccount("GitLab", "alice", {
          warnings: [{ kind: "short_secret", message: "The secret is only 80 bits; 128 or more is recommended." }],
        }),
      ]);
    },
    pick_open_file: () => {
      needUnlocked();
      return grant(params.get("pick") ?? "sesame-backup.sesame");
    },
    pick_save_file: (args) => {
      needUnlocked();
      return grant(args.suggestedName);
    },
    scan_file: (args) => {
      // A file that needs a password keeps its token for open_backup, as in the shell.
      if (granted(args.fileToken, true).endsWith(".sesame")) fail("password_required", "This backup is encrypted: enter its password.");
      grants.delete(args.fileToken);
      return newPending("file", [pendingAccount("Reddit", "u/alice")]);
    },
    open_backup: (args) => {
      granted(args.fileToken, true);
      if (args.password === "wrong") fail("wrong_password", "Wrong backup password.");
      grants.delete(args.fileToken);
      return newPending("backup", [
        pendingAccount("GitHub", "alice@example.com", { duplicate: isDuplicate("GitHub", "alice@example.com") }),
        pendingAccount("Atlassian", "alice@acme-corp.example"),
        pendingAccount("Legacy VPN", "alice", {
          algorithm: "MD5",
          warnings: [{ kind: "cannot_compute_codes", message: "This account uses MD5, which Sesame cannot compute codes with." }],
        }),
      ]);
    },
    open_backup_bytes: (args) => shell.open_backup({ fileToken: grant("picked in the web view").token, password: args.password }),
    add_manual: (args) => {
      needUnlocked();
      const m = args.account;
      if (m.secret.length < 8) fail("invalid_input", "The secret is too short to be real (less than 40 bits).");
      const a = account(`m${++seq}`, m.issuer, m.name, {
        kind: m.kind,
        algorithm: m.algorithm,
        digits: m.digits,
        period: m.kind === "hotp" ? null : m.period,
        counter: m.kind === "hotp" ? m.counter : null,
        secret: m.secret,
      });
      accounts.push(a);
      return view(a);
    },
    confirm_pending: (args) => {
      needUnlocked();
      const list = pendings.get(args.pendingId as string) ?? (args.pendingId === "p-deep" ? [pendingAccount("Mastodon", "@alice@social.example")] : null);
      if (!list) fail("not_found", "This import is no longer waiting.");
      pendings.delete(args.pendingId as string);
      const added = (args.indices as number[]).map((i) => {
        const p = list![i];
        const a = account(`i${++seq}`, p.issuer, p.name, { kind: p.kind, digits: p.digits, period: p.period, counter: p.counter });
        accounts.push(a);
        return view(a);
      });
      return added;
    },
    discard_pending: (args) => {
      pendings.delete(args.pendingId as string);
      return null;
    },
    take_deep_link: () => {
      const p = deepLink;
      deepLink = null;
      return p;
    },
    export_aegis: (args) => {
      needUnlocked();
      granted(args.fileToken);
      needVaultPassword(args.vaultPassword);
      return { written: accounts.length, left_out: [] };
    },
    export_backup: (args) => {
      needUnlocked();
      granted(args.fileToken);
      needVaultPassword(args.vaultPassword);
      return accounts.length;
    },
    export_otpauth: (args) => {
      needUnlocked();
      granted(args.fileToken);
      needVaultPassword(args.vaultPassword);
      return accounts.length;
    },
    export_migration_qr: (args) => {
      needUnlocked();
      needVaultPassword(args.vaultPassword);
      return Array.from({ length: Math.max(1, Math.ceil(accounts.length / 5)) }, (_, i) => fakeQrSvg(`batch ${i}`));
    },
    get_settings: () => {
      needUnlocked();
      return { ...settings };
    },
    set_settings: (args) => {
      needUnlocked();
      settings = { ...(args.settings as Settings) };
      return { ...settings };
    },
    check_time: () => {
      if (/fail/.test(settings.ntp_server)) fail("time", `No answer from ${settings.ntp_server} within 3 s.`);
      // A server named "…ahead…" answers an hour ahead (an on-path attacker's answer).
      const offset = /ahead/.test(settings.ntp_server) ? 3_600_000 : 1234;
      measured = offset;
      return { offset_ms: offset, delay_ms: 38, server: settings.ntp_server, address: "192.0.2.123:123", needs_confirmation: offset > 300_000 };
    },
    apply_time_check: (args) => {
      if (measured === null) return fail("not_found", "There is no measured offset to apply: choose \"Check now\" first.");
      if (measured > 300_000 && !args.confirmLarge) fail("confirmation_required", `The time server ${settings.ntp_server} says this clock is off by more than 5 minutes; confirm that before Sesame applies it.`);
      settings.clock_offset_ms = measured;
      settings.clock_checked_at_ms = Date.now();
      measured = null;
      return { ...settings };
    },
    ...cognito,
    ...syncMock(params.get("sync"), fail, () => cognito.cognito_status({}) as CognitoStatus),
  };
  /** Plugin commands the UI calls (none: the file dialogs are the shell's commands). */
  const plugins: Record<string, (args: Record<string, unknown>) => unknown> = {};

  async function handle(cmd: string, args: Record<string, unknown>): Promise<unknown> {
    if (slow) await new Promise((r) => setTimeout(r, 600));
    if (cmd in shell) {
      const name = cmd as CommandName;
      if (name.startsWith("cognito_")) needUnlocked();
      return (shell[name] as (args: unknown) => unknown)(args);
    }
    if (cmd in plugins) return plugins[cmd](args);
    return fail("internal", `The dev mock does not know the command “${cmd}”.`);
  }

  mockIPC((cmd, args) => handle(cmd, (args ?? {}) as Record<string, unknown>), { shouldMockEvents: true });

  // The idle timer, as the shell runs it.
  setInterval(() => {
    if (state === "unlocked" && settings.auto_lock_secs > 0 && Date.now() - lastActivity > settings.auto_lock_secs * 1000) {
      state = "locked";
      void emit("locked", null);
    }
  }, 1000);

  (window as unknown as { sesameMock: unknown }).sesameMock = {
    lock() {
      state = "locked";
      void emit("locked", null);
    },
    deepLink() {
      void emit("pending", newPending("deep link", [pendingAccount("Mastodon", "@alice@social.example")]));
    },
  };
  console.info("Sesame dev mock: fake shell installed (any password but “wrong” unlocks).");
}

/** The prompt each test user's sign-in starts with (what the shell's core would decide);
 *  once Sesame is their authenticator they get its one-click code instead. */
const FIRST_PROMPT: Record<string, SignInPrompt> = {
  invited: { prompt: "new_password", required_attributes: ["name"] },
  newuser: { prompt: "mfa_setup" },
  smsonly: { prompt: "unsupported", why: "mfa_setup_by_text_or_email" },
  texted: { prompt: "mfa_code", kind: "sms", destination: "+*******1234", answerable_from_vault: false },
};

/** The Cognito commands over one fake user pool (see the top of the file for the users). */
function cognitoMock(
  start: string | null,
  fail: (kind: AppError["kind"], message: string) => never,
  addAccount: (issuer: string, name: string) => string,
  removeAccount: (id: string) => void,
): Pick<MockCommands, CognitoCommand> {
  const pool = { region: "eu-west-1", user_pool_id: "eu-west-1_DevMock1", client_id: "4c0dev1mock2client3id" };
  let configured = start === "configured" || start === "signed_in";
  let endpoint: string | null = null;
  let hosted: CognitoStatus["hosted"] = null;
  let hostedSession = false;
  let hostedProvider: string | null = null;
  // A hosted sign-in "in the browser": the dev mock answers it after a few seconds.
  let hostedWaiting: { provider: string | null; cancel: () => void } | null = null;
  // The hosted page's sign-out "in the browser": answered after a few seconds too.
  let signOutWaiting: { cancel: () => void } | null = null;
  let hasSecret = false;
  let user: string | null = start === "signed_in" ? "alice" : null;
  let expiresAt = Date.now() + 3_600_000;
  // username -> vault account id holding that user's authenticator
  const enrolled = new Map<string, string>();
  let waiting: { username: string; prompt: SignInPrompt["prompt"] } | null = null;
  const issuer = () => `Cognito (${pool.user_pool_id})`;

  const status = (claims = false): CognitoStatus => ({
    configured,
    region: configured ? pool.region : null,
    user_pool_id: configured ? pool.user_pool_id : null,
    client_id: configured ? pool.client_id : null,
    has_client_secret: configured && hasSecret,
    endpoint: configured ? endpoint : null,
    signed_in: user !== null,
    username: user,
    id_expires_at_ms: user ? expiresAt : null,
    access_expires_at_ms: user ? expiresAt : null,
    claims: user && claims ? { sub: `sub-${user}`, email: `${user}@example.com`, username: user, provider: hostedSession ? hostedProvider : null } : null,
    mfa_enrolled: user !== null && enrolled.has(user),
    hosted: configured ? hosted : null,
    hosted_session: user !== null && hostedSession,
  });
  const needPool = () => {
    if (!configured) fail("cognito", "No Cognito user pool is configured yet: give its region, user pool id and app client id first");
  };
  const needUser = () => {
    needPool();
    if (!user) fail("cognito", "Not signed in to Cognito");
    return user!;
  };
  const done = (username: string): SignInPrompt => {
    waiting = null;
    user = username;
    hostedSession = false;
    expiresAt = Date.now() + 3_600_000;
    return { prompt: "done" };
  };
  const wait = (username: string, prompt: SignInPrompt): SignInPrompt => {
    waiting = prompt.prompt === "unsupported" ? null : { username, prompt: prompt.prompt };
    return prompt;
  };
  const waitingFor = (prompt: SignInPrompt["prompt"]) => {
    if (!waiting || waiting.prompt !== prompt) fail("cognito", "There is no sign-in waiting for this step: sign in again.");
    return waiting!.username;
  };
  const sent = { confirmed: false, destination: "a***@e***.com", medium: "EMAIL" };

  const username = (args: { username?: string }) => String(args.username ?? "").trim();
  const commands: Pick<MockCommands, CognitoCommand> = {
    cognito_status: () => {
      return status();
    },
    cognito_configure: (args) => {
      if (!String(args.region ?? "").trim()) fail("invalid_input", "Invalid Cognito region: it is empty");
      configured = true;
      pool.region = String(args.region);
      pool.user_pool_id = String(args.userPoolId);
      pool.client_id = String(args.clientId);
      endpoint = (args.endpoint as string | null) ?? null;
      hasSecret = hasSecret || Boolean(args.clientSecret);
      const h = args.hosted;
      if (h && h.domain.trim() && !/^https?:\/\//.test(h.domain.trim())) fail("invalid_input", "Cognito setting domain is wrong: not a URL");
      hosted =
        h && h.domain.trim()
          ? {
              domain: h.domain.trim(),
              scopes: h.scopes.trim() || "openid email profile",
              redirect_port: h.redirect_port ?? 7372,
              providers: h.providers,
              callback_url: `http://127.0.0.1:${h.redirect_port ?? 7372}/callback`,
            }
          : null;
      return status();
    },
    cognito_hosted_start: (args) => {
      needPool();
      if (!hosted) fail("cognito_setup", "hosted sign-in needs the user pool's domain (its hosted page), which is not configured");
      hostedWaiting?.cancel();
      hostedWaiting = { provider: args.identityProvider, cancel: () => {} };
      const idp = args.identityProvider ? `&identity_provider=${encodeURIComponent(args.identityProvider)}` : "";
      return {
        url: `${hosted!.domain}/oauth2/authorize?response_type=code&client_id=${pool.client_id}&state=devmock${idp}`,
        redirect_uri: hosted!.callback_url,
        opened: false,
        page_codes: [],
      };
    },
    cognito_hosted_wait: () => {
      const waitingNow = hostedWaiting;
      if (!waitingNow) fail("cognito", "There is no sign-in waiting for this step: sign in again.");
      return new Promise<CognitoStatus>((resolve, reject) => {
        const timer = setTimeout(() => {
          hostedWaiting = null;
          user = waitingNow!.provider ? `${waitingNow!.provider.toLowerCase()}_dev` : "alice";
          hostedSession = true;
          hostedProvider = waitingNow!.provider;
          expiresAt = Date.now() + 3_600_000;
          resolve(status());
        }, 4000);
        waitingNow!.cancel = () => {
          clearTimeout(timer);
          reject({ kind: "cognito", message: "The sign-in through the hosted page was cancelled." });
        };
      });
    },
    cognito_hosted_sign_out_wait: () => {
      const waitingNow = signOutWaiting;
      if (!waitingNow) fail("cognito", "Signed out: the tokens are revoked and forgotten, but the browser's session with the hosted page may remain (no sign-out of it is waiting).");
      return new Promise<null>((resolve, reject) => {
        const timer = setTimeout(() => {
          signOutWaiting = null;
          resolve(null);
        }, 3000);
        waitingNow!.cancel = () => {
          clearTimeout(timer);
          reject({
            kind: "cognito",
            message: "Signed out: the tokens are revoked and forgotten, but the browser's session with the hosted page may remain (its sign-out was cancelled).",
          });
        };
      });
    },
    cognito_hosted_cancel: () => {
      hostedWaiting?.cancel();
      hostedWaiting = null;
      signOutWaiting?.cancel();
      signOutWaiting = null;
      return null;
    },
    cognito_hosted_copy_link: () => {
      if (!hostedWaiting && !signOutWaiting) fail("cognito", "There is no sign-in waiting for this step: sign in again.");
      return null;
    },
    cognito_sign_up: (args) => {
      needPool();
      if (String(args.password).length < 8) fail("cognito", "The password does not meet the user pool's policy: Password not long enough");
      return sent;
    },
    cognito_confirm: (args) => {
      needPool();
      if (String(args.code).trim() === "000000") fail("cognito", "The code is not right; check it and try again");
      return null;
    },
    cognito_confirm_forgot_password: (args) => commands.cognito_confirm(args),
    cognito_resend: () => {
      needPool();
      return sent;
    },
    cognito_forgot_password: (args) => commands.cognito_resend(args),
    cognito_sign_in: (args) => {
      const name = username(args);
      needPool();
      waiting = null;
      if (args.password === "wrong") fail("cognito", "Incorrect username or password");
      if (enrolled.has(name)) return wait(name, { prompt: "mfa_code", kind: "totp", answerable_from_vault: true });
      if (name in FIRST_PROMPT) return wait(name, FIRST_PROMPT[name]);
      return done(name);
    },
    cognito_answer_mfa: (args) => {
      const username = waitingFor("mfa_code");
      if (!/^\d{6}$/.test(String(args.code).trim())) fail("cognito", "The code is not right; check it and try again");
      return done(username);
    },
    cognito_answer_mfa_from_vault: () => {
      return done(waitingFor("mfa_code"));
    },
    cognito_set_new_password: (args) => {
      const username = waitingFor("new_password");
      if (String(args.password).length < 8) fail("cognito", "The password does not meet the user pool's policy: Password not long enough");
      const given = (args.attributes ?? {}) as Record<string, string>;
      if (!given.name) fail("cognito", "Cognito refused: Invalid attributes given, name is missing (InvalidParameterException)");
      return done(username);
    },
    cognito_set_up_mfa: () => {
      const username = waitingFor("mfa_setup");
      enrolled.set(username, addAccount(issuer(), username));
      return done(username);
    },
    cognito_whoami: () => {
      needUser();
      return status(true);
    },
    cognito_refresh: () => {
      needUser();
      expiresAt = Date.now() + 3_600_000;
      return status(true);
    },
    cognito_enable_mfa: () => {
      const username = needUser();
      const old = enrolled.get(username);
      if (old) removeAccount(old);
      enrolled.set(username, addAccount(issuer(), username));
      return status();
    },
    cognito_disable_mfa: () => {
      const username = needUser();
      const id = enrolled.get(username);
      if (id) removeAccount(id);
      enrolled.delete(username);
      return status();
    },
    cognito_sign_out: () => {
      needUser();
      user = null;
      const fromHostedPage = hostedSession && hosted !== null;
      hostedSession = false;
      hostedWaiting?.cancel();
      hostedWaiting = null;
      signOutWaiting?.cancel();
      signOutWaiting = fromHostedPage ? { cancel: () => {} } : null;
      return {
        status: status(),
        hosted: fromHostedPage
          ? {
              url: `${hosted!.domain}/logout?client_id=${pool.client_id}&logout_uri=${encodeURIComponent(`http://127.0.0.1:${hosted!.redirect_port}/signed-out`)}`,
              redirect_uri: `http://127.0.0.1:${hosted!.redirect_port}/signed-out`,
              opened: false,
              page_codes: [],
            }
          : null,
        hosted_error: null,
      };
    },
  };
  return commands;
}

/** Sesame Sync in dev mode: `?sync=on` starts on, `?sync=joining` makes the server hold a
 *  key already (passphrase "passphrase" until changed; anything else is wrong; recovery key
 *  `RECOVERY`). */
const RECOVERY = "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567-ABCD-EFGH-IJKL-MNOP-QRST-UVWX";

function syncMock(
  start: string | null,
  fail: (kind: AppError["kind"], message: string) => never,
  cognito: () => CognitoStatus,
): Pick<MockCommands, SyncCommand> {
  let on = start === "on";
  let server: string | null = on ? "https://sync.example.com" : null;
  let keyExists = start === "joining" || on;
  let passphrase = "passphrase";
  let lastSync: number | null = on ? Date.now() - 90_000 : null;
  let devices: SyncDevice[] = [
    { id: "devmock-this-device-aaaaaaaa", name: "This laptop", first_seen: Date.now() - 86_400_000, last_seen: Date.now(), revoked: false, this: true },
    { id: "devmock-phone-bbbbbbbbbbbbbbb", name: "Phone", first_seen: Date.now() - 86_400_000 * 7, last_seen: Date.now() - 3_600_000, revoked: false, this: false },
  ];
  const status = (): SyncStatus => ({
    enabled: on,
    signed_in: cognito().signed_in,
    server,
    device_id: on ? devices[0].id : null,
    device_name: on ? devices[0].name : null,
    last_sync_ms: lastSync,
    waiting: 0,
    items: on ? 3 : 0,
    running: false,
    last_error: null,
  });
  const needOn = () => {
    if (!on) fail("sync", "Sync is off in this vault. Turn it on in the Sync screen.");
  };
  return {
    sync_status: () => status(),
    sync_probe: (args) => {
      if (!cognito().signed_in) fail("signed_out", "Not signed in to Cognito");
      if (!/^https:\/\/|^http:\/\/127\.0\.0\.1/.test(args.server)) fail("invalid_input", "The sync server must be reached over HTTPS.");
      return { server: args.server.replace(/\/+$/, ""), login: cognito().username ?? "alice", first: !keyExists };
    },
    sync_enable: (args) => {
      if (keyExists && args.passphrase !== passphrase) fail("wrong_password", "Wrong sync passphrase (or the key on the server was changed).");
      const first = !keyExists;
      keyExists = true;
      on = true;
      server = args.server;
      lastSync = Date.now();
      if (first) passphrase = args.passphrase;
      return { recovery_key: first ? RECOVERY : null, status: status() };
    },
    sync_now: () => {
      needOn();
      lastSync = Date.now();
      return { pushed: 0, pulled: 0, conflicts: 0 };
    },
    sync_devices: () => {
      needOn();
      return devices;
    },
    sync_revoke: (args) => {
      needOn();
      devices = devices.map((d) => (d.id === args.device ? { ...d, revoked: true } : d));
      return devices;
    },
    sync_change_passphrase: (args) => {
      needOn();
      if (args.current !== passphrase) fail("wrong_password", "Wrong sync passphrase (or the key on the server was changed).");
      passphrase = args.newPassphrase;
      return null;
    },
    sync_recover: (args) => {
      if (!on && !args.server) fail("invalid_input", "Sync is off here: name the sync server.");
      if (args.recoveryKey.replace(/[\s-]/g, "").toUpperCase() !== RECOVERY.replace(/-/g, "")) {
        fail("invalid_input", "This recovery key does not open the sync key (or the key on the server was changed).");
      }
      passphrase = args.passphrase;
      if (!on) {
        on = true;
        server = args.server;
        lastSync = Date.now();
      }
      return status();
    },
    sync_delete_remote: () => {
      needOn();
      on = false;
      server = null;
      lastSync = null;
      return status();
    },
    sync_disable: () => {
      on = false;
      server = null;
      lastSync = null;
      return status();
    },
  };
}
