import { describe, expect, it } from "vitest";
import type { AccountView, Pending } from "./api";
import { DialogRoute } from "./vaultDialogs.svelte";

const PENDING: Pending = { pending_id: "p1", source: "link", accounts: [], format: null, skipped: [] };
const ACCOUNT = { id: "gh", issuer: "GitHub", name: "alice" } as AccountView;

describe("DialogRoute", () => {
  it("returns from a confirmation to the Add dialog it came from", () => {
    const r = new DialogRoute();
    r.openAdd("link");
    r.showPending(PENDING);
    expect(r.current).toEqual({ type: "pending", pending: PENDING, back: true });
    r.cancelPending();
    expect(r.current).toEqual({ type: "add" });
    expect(r.addTab).toBe("link");
  });

  it("closes a confirmation that did not come from the Add dialog", () => {
    const r = new DialogRoute();
    r.showPending(PENDING);
    r.cancelPending();
    expect(r.current).toBeNull();
  });

  it("shows accounts from outside with no way back, even over the Add dialog", () => {
    const r = new DialogRoute();
    r.openAdd();
    r.showArrived(PENDING);
    expect(r.current).toEqual({ type: "pending", pending: PENDING, back: false });
  });

  it("opens the Add dialog with a failed drop's error, and forgets it on close", () => {
    const r = new DialogRoute();
    r.addFailed({ tab: "image", error: null, backupFile: { token: "t1", file_name: "b.sesame" } });
    expect(r.current).toEqual({ type: "add" });
    expect(r.addBackup).toEqual({ token: "t1", file_name: "b.sesame" });
    r.close();
    expect(r.current).toBeNull();
    expect(r.addBackup).toBeNull();
    expect(r.addError).toBeNull();
  });

  it("takes drops and pastes only with no dialog or the Add dialog open", () => {
    const r = new DialogRoute();
    expect(r.acceptsOutside).toBe(true);
    r.openAdd();
    expect(r.acceptsOutside).toBe(true);
    r.open({ type: "edit", account: ACCOUNT });
    expect(r.acceptsOutside).toBe(false);
    expect(r.isOpen).toBe(true);
  });
});
