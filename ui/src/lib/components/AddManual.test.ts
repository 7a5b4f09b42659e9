import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import AddManual from "./AddManual.svelte";
import { accountView, fakeShell, reject } from "../../test-shell";

async function type(testid: string, value: string) {
  await fireEvent.input(screen.getByTestId(testid), { target: { value } });
}

describe("AddManual", () => {
  it("keeps Advanced folded at first", () => {
    fakeShell({});
    render(AddManual, { onadded: () => {} });
    expect((screen.getByTestId("manual-advanced").parentElement as HTMLDetailsElement).open).toBe(false);
  });

  it("shows field errors and sends nothing when the form is wrong", async () => {
    const shell = fakeShell({ add_manual: () => accountView("x", null, "x") });
    render(AddManual, { onadded: () => {} });
    await type("manual-secret", "JBSWY3DPEHPK3PX0");
    await fireEvent.click(screen.getByTestId("manual-submit"));
    const errors = screen.getAllByTestId("field-error").map((e) => e.textContent);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/account name/);
    expect(errors[1]).toContain("“0”");
    expect(screen.getByTestId("manual-name").getAttribute("aria-invalid")).toBe("true");
    expect(shell.argsOf("add_manual")).toEqual([]);
  });

  it("opens Advanced to show an error hidden there", async () => {
    fakeShell({});
    render(AddManual, { onadded: () => {} });
    await type("manual-name", "alice");
    await type("manual-secret", "JBSWY3DPEHPK3PXP");
    await fireEvent.click(screen.getByTestId("manual-advanced"));
    await type("manual-digits", "12");
    await fireEvent.click(screen.getByTestId("manual-advanced"));
    await fireEvent.click(screen.getByTestId("manual-submit"));
    await waitFor(() => expect((screen.getByTestId("manual-advanced").parentElement as HTMLDetailsElement).open).toBe(true));
    expect(screen.getByTestId("field-error").textContent).toMatch(/6 to 10/);
  });

  it("sends a clean account", async () => {
    const added = accountView("new", "GitHub", "alice");
    const shell = fakeShell({ add_manual: () => added });
    const onadded = vi.fn();
    render(AddManual, { onadded });
    await type("manual-issuer", "GitHub");
    await type("manual-name", "alice");
    await type("manual-secret", "jbsw-y3dp ehpk-3pxp");
    await fireEvent.change(screen.getByTestId("manual-kind"), { target: { value: "hotp" } });
    await type("manual-counter", "5");
    await fireEvent.click(screen.getByTestId("manual-submit"));
    await waitFor(() => expect(onadded).toHaveBeenCalledWith(added));
    expect(shell.argsOf("add_manual")).toEqual([
      {
        account: { issuer: "GitHub", name: "alice", secret: "JBSWY3DPEHPK3PXP", kind: "hotp", algorithm: "SHA1", digits: 6, period: 30, counter: 5 },
      },
    ]);
  });

  it("shows the shell's error", async () => {
    fakeShell({ add_manual: reject("invalid_input", "The secret is too short.") });
    render(AddManual, { onadded: () => {} });
    await type("manual-name", "alice");
    await type("manual-secret", "JBSWY3DP");
    await fireEvent.click(screen.getByTestId("manual-submit"));
    expect((await screen.findByTestId("error")).textContent).toBe("The secret is too short.");
  });
});
