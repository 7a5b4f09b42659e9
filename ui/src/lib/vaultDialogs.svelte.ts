// Which dialog the vault screen shows (at most one), and how one leads to the next: the
// Add dialog to the confirmation of what it found and back, a failed drop or paste to the
// Add dialog with its error.
import type { AccountView, AppError, Pending, PickedFile } from "./api";
import type { AddTab } from "./types";

export type VaultDialog =
  | { type: "add" }
  /** `back`: Cancel returns to the Add dialog it came from. */
  | { type: "pending"; pending: Pending; back: boolean }
  | { type: "edit"; account: AccountView }
  | { type: "delete"; account: AccountView }
  | { type: "reveal"; account: AccountView }
  | { type: "transfer" }
  | { type: "settings" }
  | { type: "cognito" }
  | { type: "sync" };

/** A drop or paste that gave no accounts: the Add dialog opens on `tab` to say why. */
export interface AddFailure {
  tab: AddTab;
  error: AppError | null;
  /** A dropped backup file: the Add dialog asks for its password. */
  backupFile: PickedFile | null;
}

export class DialogRoute {
  current = $state<VaultDialog | null>(null);
  /** The Add dialog's tab, kept between openings. */
  addTab = $state<AddTab>("image");
  addError = $state<AppError | null>(null);
  addBackup = $state<PickedFile | null>(null);

  get isOpen(): boolean {
    return this.current !== null;
  }

  /** Whether accounts from outside (a drop, a paste, a deep link) may come in now. */
  get acceptsOutside(): boolean {
    return this.current === null || this.current.type === "add";
  }

  /** Opens a dialog that needs no setup (edit, delete, reveal, transfer, settings, Cognito, sync). */
  open(dialog: Exclude<VaultDialog, { type: "add" } | { type: "pending" }>): void {
    this.current = dialog;
  }

  openAdd(tab: AddTab = this.addTab): void {
    this.addTab = tab;
    this.addError = null;
    this.addBackup = null;
    this.current = { type: "add" };
  }

  /** Asks to confirm what was found; Cancel goes back to the Add dialog if it was open. */
  showPending(pending: Pending): void {
    this.current = { type: "pending", pending, back: this.current?.type === "add" };
  }

  /** Accounts that arrived from outside (deep link, second launch): Cancel just closes. */
  showArrived(pending: Pending): void {
    this.current = { type: "pending", pending, back: false };
  }

  cancelPending(): void {
    if (this.current?.type === "pending" && this.current.back) this.openAdd();
    else this.close();
  }

  addFailed(f: AddFailure): void {
    this.addTab = f.tab;
    this.addError = f.error;
    this.addBackup = f.backupFile;
    this.current = { type: "add" };
  }

  close(): void {
    this.current = null;
    this.addError = null;
    this.addBackup = null;
  }
}
