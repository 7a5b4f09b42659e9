// Keyboard selection in the account list, as pure functions.

export type Move = "up" | "down" | "home" | "end" | "pageup" | "pagedown";

const PAGE = 5;

/**
 * The index selected after `move` in a list of `count` items, starting at `current`
 * (-1: nothing selected). Stops at the ends instead of wrapping; -1 for an empty list.
 */
export function moveIndex(current: number, count: number, move: Move): number {
  if (count <= 0) return -1;
  const last = count - 1;
  if (current < 0 || current > last) {
    return move === "up" || move === "end" || move === "pageup" ? last : 0;
  }
  switch (move) {
    case "up":
      return Math.max(0, current - 1);
    case "down":
      return Math.min(last, current + 1);
    case "home":
      return 0;
    case "end":
      return last;
    case "pageup":
      return Math.max(0, current - PAGE);
    case "pagedown":
      return Math.min(last, current + PAGE);
  }
}

/** The key → move map for the list; null for keys the list does not handle. */
export function moveForKey(key: string): Move | null {
  switch (key) {
    case "ArrowUp":
      return "up";
    case "ArrowDown":
      return "down";
    case "Home":
      return "home";
    case "End":
      return "end";
    case "PageUp":
      return "pageup";
    case "PageDown":
      return "pagedown";
    default:
      return null;
  }
}

/**
 * Which id is selected once the list changes (e.g. the search narrows it): the same one
 * if it is still shown; else, while searching (`autoFirst`), the first match, so that
 * Enter copies it; else none.
 */
export function effectiveSelection(ids: readonly string[], selected: string | null, autoFirst: boolean): string | null {
  if (selected !== null && ids.includes(selected)) return selected;
  return autoFirst ? (ids[0] ?? null) : null;
}

/** Whether a key press is a character to type into the search box ("type to search"). */
export function isTypingKey(e: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey">): boolean {
  return e.key.length === 1 && e.key !== " " && e.key !== "/" && !e.ctrlKey && !e.metaKey && !e.altKey;
}

/** Whether a keyboard event target is somewhere the user types text. */
export function isTextEntry(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).tagName !== "string") return false;
  const el = target as HTMLElement;
  if (el.isContentEditable) return true;
  const tag = el.tagName.toLowerCase();
  if (tag === "textarea" || tag === "select") return true;
  if (tag !== "input") return false;
  const type = ((el as HTMLInputElement).type || "text").toLowerCase();
  return !["checkbox", "radio", "button", "submit", "reset", "file", "range", "color"].includes(type);
}

/** A value quoted for a CSS attribute selector (CSS.escape where the browser has it). */
export function cssEscape(value: string): string {
  return typeof CSS !== "undefined" && typeof CSS.escape === "function" ? CSS.escape(value) : value.replace(/["\\]/g, "\\$&");
}
