// The colours of both themes, read from app.css, meet WCAG AA: 4.5:1 for text,
// 3:1 for the focus ring, input borders and the countdown ring.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { contrast } from "./format";

// Vitest runs from ui/ (where vite.config.ts is).
const css = readFileSync(resolve(process.cwd(), "src/app.css"), "utf8");

function block(selector: string, from = 0): Record<string, string> {
  const start = css.indexOf(`${selector} {`, from);
  if (start < 0) throw new Error(`no ${selector} block`);
  const body = css.slice(start, css.indexOf("}", start));
  const vars: Record<string, string> = {};
  for (const m of body.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})\s*;/gi)) vars[m[1]] = m[2];
  return vars;
}

const light = block(":root");
const dark = block(':root[data-theme="dark"]');
const systemDark = block(':root:not([data-theme="light"])', css.indexOf("prefers-color-scheme: dark"));

const TEXT: Array<[string, string]> = [
  ["text", "bg"],
  ["text", "surface"],
  ["text", "surface-2"],
  ["text", "surface-hover"],
  ["text", "selected"],
  ["text-muted", "bg"],
  ["text-muted", "surface"],
  ["text-muted", "surface-2"],
  ["text-muted", "selected"],
  ["code", "surface"],
  ["code", "selected"],
  ["on-accent", "accent"],
  ["on-accent", "accent-hover"],
  ["on-danger", "danger"],
  ["on-danger", "danger-hover"],
  ["accent-text", "surface"],
  ["accent-text", "bg"],
  ["danger-text", "surface"],
  ["danger-text", "danger-bg"],
  ["warn-text", "warn-bg"],
  ["warn-text", "surface"],
  ["ok-text", "surface"],
  ["ok-text", "selected"],
  ["toast-text", "toast-bg"],
];

const GRAPHICS: Array<[string, string]> = [
  ["focus", "surface"],
  ["focus", "bg"],
  ["border-strong", "surface"],
  ["ring", "surface"],
  ["ring", "selected"],
  ["ring-urgent", "surface"],
];

describe.each([
  ["light", light],
  ["dark", dark],
])("%s theme", (_name, vars) => {
  it.each(TEXT)("%s on %s is readable text (≥ 4.5:1)", (fg, bg) => {
    expect(vars[fg], fg).toBeDefined();
    expect(vars[bg], bg).toBeDefined();
    expect(contrast(vars[fg], vars[bg])).toBeGreaterThanOrEqual(4.5);
  });
  it.each(GRAPHICS)("%s on %s is a visible control edge (≥ 3:1)", (fg, bg) => {
    expect(contrast(vars[fg], vars[bg])).toBeGreaterThanOrEqual(3);
  });
});

describe("system theme", () => {
  it("uses exactly the dark colours when the system is dark", () => {
    expect(systemDark).toEqual(dark);
    expect(Object.keys(light).sort()).toEqual(Object.keys(dark).sort());
  });
});
