// The contract between the web view and the Tauri shell (`src-tauri/src/commands/`). Its
// types and one wrapper per command are generated from the Rust side into `bindings.ts`
// (`make bindings`; a Rust test fails while they differ); this file re-exports them and
// adds the UI's own shapes. Every command rejects with an `AppError`. The web view never
// receives an OTP secret, except from `revealSecret` and the export commands, which the
// user asks for.
//
// Events the shell emits (listen with @tauri-apps/api/event):
//   "pending"  payload Pending   a deep link or a second launch brought accounts (only
//                                sent while unlocked; otherwise call takeDeepLink after unlock)
//   "locked"   payload null      the vault locked itself (idle)
//   "deep-link-error" payload string  a link Sesame was opened with cannot be added
//   "files-dropped" payload PickedFile[]  files dropped on the window, each with the token
//                                scanFile takes (only sent while unlocked)
//   "sync"     payload null      a sync round started or ended (read syncStatus)
//   "accounts-changed" payload null  a sync round added, changed or removed accounts

import { cognitoConfigure as configure, type HostedSetup } from "./bindings";

export * from "./bindings";

/** A user pool as the Cognito form holds it. */
export interface CognitoPool {
  region: string;
  userPoolId: string;
  clientId: string;
  clientSecret: string | null;
  endpoint: string | null;
  /** The hosted page's settings; null (or an empty domain) for none. */
  hosted: HostedSetup | null;
}

/** Stores the pool and app client; an empty secret keeps the stored one of the same client. */
export const cognitoConfigure = (pool: CognitoPool) =>
  configure(pool.region, pool.userPoolId, pool.clientId, pool.clientSecret, pool.endpoint, pool.hosted);

/** The shell's event for files dropped on the window (payload `PickedFile[]`). */
export const FILES_DROPPED = "files-dropped";
