// The vault screen's keyboard: "/" or Ctrl+F to search, arrows/Home/End/Page keys to move
// the selection through the account list, and "type to search" from anywhere on the list.
import { openDialogCount } from "./dialogStack";
import { cssEscape, isTextEntry, isTypingKey, moveForKey, moveIndex } from "./keynav";

/** What the keyboard acts on. */
export interface KeyedList {
  search: HTMLInputElement;
  /** The ids of the rows shown, in order. */
  ids: readonly string[];
  selected: string | null;
  select(id: string): void;
}

/** The copy button of the row for `id`. */
export function rowButton(id: string): HTMLElement | null {
  return document.querySelector<HTMLElement>(`[data-row-button="${cssEscape(id)}"]`);
}

/** Handles a window keydown for the list; does nothing while a dialog or menu is open. */
export function handleListKey(e: KeyboardEvent, list: KeyedList): void {
  if (e.defaultPrevented || openDialogCount() > 0) return;
  const { search } = list;
  const t = e.target as HTMLElement | null;
  const inSearch = t === search;
  const onRow = !!t?.dataset?.rowButton;
  const onPage = !t || t === document.body || t === document.documentElement;

  if ((e.key === "/" && !isTextEntry(t)) || ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "f")) {
    e.preventDefault();
    search.focus();
    search.select();
    return;
  }
  const m = moveForKey(e.key);
  if (m && (inSearch || onRow || onPage)) {
    if (inSearch && (m === "home" || m === "end")) return;
    e.preventDefault();
    const { ids, selected } = list;
    const j = moveIndex(selected ? ids.indexOf(selected) : -1, ids.length, m);
    if (j < 0) return;
    list.select(ids[j]);
    const el = rowButton(ids[j]);
    if (inSearch) el?.scrollIntoView({ block: "nearest" });
    else el?.focus();
    return;
  }
  if ((onRow || onPage) && isTypingKey(e)) {
    // Type to search: the key goes into the search box.
    search.focus();
  }
}
