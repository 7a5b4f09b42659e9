// Svelte actions shared by the components.

/** Focuses the element once it is in the page (instead of the autofocus attribute). */
export function autofocus(node: HTMLElement, enabled: boolean = true): void {
  if (!enabled) return;
  node.dataset.autofocus = "";
  queueMicrotask(() => {
    if (node.isConnected) node.focus();
  });
}
