// Pure helpers that turn account data into what the list shows.

/**
 * Groups a code for reading: 6 → "123 456", 8 → "1234 5678", 7 → "123 4567",
 * 9 → "123 456 789", 10 → "12345 67890". Steam codes (letters) and anything
 * shorter than 6 characters are returned unchanged.
 */
export function groupCode(code: string | null | undefined): string {
  if (!code) return "";
  if (!/^\d+$/.test(code) || code.length < 6) return code;
  switch (code.length) {
    case 6:
      return `${code.slice(0, 3)} ${code.slice(3)}`;
    case 7:
      return `${code.slice(0, 3)} ${code.slice(3)}`;
    case 8:
      return `${code.slice(0, 4)} ${code.slice(4)}`;
    case 9:
      return `${code.slice(0, 3)} ${code.slice(3, 6)} ${code.slice(6)}`;
    case 10:
      return `${code.slice(0, 5)} ${code.slice(5)}`;
    default: {
      // Longer than anything an issuer sends: groups of four.
      return code.replace(/(\d{4})(?=\d)/g, "$1 ");
    }
  }
}

/** Reads a grouped code back the way a screen reader should say it: digit by digit. */
export function spokenCode(code: string | null | undefined): string {
  if (!code) return "no code";
  return code.split("").join(" ");
}

/** "+1.2 s", "-0.4 s", "0.0 s": a clock offset in milliseconds for people. */
export function formatOffset(ms: number): string {
  const s = Math.round(ms / 100) / 10;
  if (s === 0) return "0.0 s";
  return `${s > 0 ? "+" : "-"}${Math.abs(s).toFixed(1)} s`;
}

/** "30 s", "1 min", "5 min", "1 h": durations for the settings and the toast. */
export function formatDuration(secs: number): string {
  if (secs <= 0) return "never";
  if (secs < 60) return `${secs} s`;
  if (secs % 3600 === 0) return `${secs / 3600} h`;
  if (secs % 60 === 0) return `${secs / 60} min`;
  return `${Math.floor(secs / 60)} min ${secs % 60} s`;
}

/** "1 account", "3 accounts". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * One or two letters for an account's round icon: the first letters of the first two
 * words of the issuer ("Amazon Web Services" → "AW"), or the capitals of a single
 * CamelCase word ("GitHub" → "GH"), or its first letter ("google" → "G"). Without an
 * issuer, the account name is used (the part before "@" for e-mail addresses).
 */
export function initials(issuer: string | null | undefined, name = ""): string {
  let source = (issuer ?? "").trim();
  if (!source) source = name.trim().split("@")[0] ?? "";
  const words = source.split(/[\s\-_.,:;/|()+&]+/u).filter((w) => /[\p{L}\p{N}]/u.test(w));
  if (words.length === 0) return "?";
  const first = (w: string) => Array.from(w.replace(/^[^\p{L}\p{N}]+/u, ""))[0] ?? "";
  if (words.length >= 2) return (first(words[0]) + first(words[1])).toUpperCase();
  const word = words[0];
  const capitals = Array.from(word).filter((c, i) => i > 0 && /\p{Lu}/u.test(c));
  if (/^\p{Lu}/u.test(word) && capitals.length > 0) {
    return (first(word) + capitals[0]).toUpperCase();
  }
  return first(word).toUpperCase();
}

/**
 * Icon backgrounds. Each keeps white text at WCAG AA contrast (≥ 4.5:1); the test checks.
 */
export const ICON_COLORS = [
  "#1d5fbf", // blue
  "#7a3fc4", // violet
  "#b0306a", // raspberry
  "#b53a1f", // brick
  "#8a5a00", // ochre
  "#2f7a1f", // green
  "#0f766e", // teal
  "#0e6a8f", // petrol
  "#5b5bd6", // indigo
  "#a3327f", // plum
  "#5e6a14", // olive
  "#4b5563", // slate
] as const;

/** FNV-1a, 32 bits: a stable hash so an issuer keeps its colour everywhere. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (const ch of text) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The icon colour for an issuer (case- and space-insensitive), or the name without one. */
export function iconColor(issuer: string | null | undefined, name = ""): string {
  const key = ((issuer ?? "").trim() || name.trim()).toLowerCase().replace(/\s+/g, " ");
  return ICON_COLORS[hash(key) % ICON_COLORS.length];
}

/** WCAG relative luminance of "#rrggbb". */
export function luminance(hex: string): number {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  const [r, g, b] = m.slice(1).map((h) => {
    const c = parseInt(h, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio between two "#rrggbb" colours (1–21). */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** An SVG string as a data: URL for <img> (allowed by the CSP's img-src data:). */
export function svgDataUrl(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}
