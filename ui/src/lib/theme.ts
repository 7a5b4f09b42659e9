// The theme is a `data-theme` attribute on <html>: "light", "dark" or "system" (CSS then
// follows prefers-color-scheme). It is remembered in localStorage so that the unlock screen,
// shown before the settings can be read, already has the user's colours.
import type { Settings } from "./api";

export type Theme = Settings["theme"];
const KEY = "sesame.theme";

export function isTheme(v: unknown): v is Theme {
  return v === "system" || v === "light" || v === "dark";
}

export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  root.dataset.theme = theme;
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // Storage may be unavailable; the theme still applies for this session.
  }
}

export function rememberedTheme(): Theme {
  try {
    const v = localStorage.getItem(KEY);
    return isTheme(v) ? v : "system";
  } catch {
    return "system";
  }
}
