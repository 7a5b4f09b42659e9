// Accounts that arrived from outside (a deep link, a second launch: the shell's "pending"
// event, or takeDeepLink at start-up) wait here until the vault is unlocked and the user
// has seen them.
import type { Pending } from "./api";

export const inbox = $state<{ items: Pending[] }>({ items: [] });

export function deliver(p: Pending): void {
  if (!inbox.items.some((x) => x.pending_id === p.pending_id)) inbox.items.push(p);
}

export function take(): Pending | undefined {
  return inbox.items.shift();
}
