// Open dialogs, innermost last, so that Escape and the focus trap act on the top one only.

const stack: symbol[] = [];

export function pushDialog(): symbol {
  const id = Symbol("dialog");
  stack.push(id);
  return id;
}

export function popDialog(id: symbol): void {
  const i = stack.indexOf(id);
  if (i >= 0) stack.splice(i, 1);
}

export function isTopDialog(id: symbol): boolean {
  return stack[stack.length - 1] === id;
}

export function openDialogCount(): number {
  return stack.length;
}

/** Elements Tab can reach inside `root`, in order. */
export function focusable(root: HTMLElement): HTMLElement[] {
  const sel =
    'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';
  return Array.from(root.querySelectorAll<HTMLElement>(sel)).filter(
    (el) => !el.closest("[hidden]") && !el.closest("[inert]") && el.getAttribute("aria-hidden") !== "true",
  );
}
