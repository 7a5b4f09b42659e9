// Focus goes back to what opened a dialog: the page behind a dialog is inert while it is
// open, so the dialog itself cannot tell what had focus.
import { tick } from "svelte";

/**
 * Call during a component's setup. `isOpen` says whether a dialog is open; `fallback`
 * takes focus when the opener is gone (e.g. a deleted account's row).
 */
export function returnFocusAfterDialogs(isOpen: () => boolean, fallback: () => void): void {
  let opener: HTMLElement | null = null;
  let wasOpen = false;
  // Runs before the DOM changes, while the opener still has focus.
  $effect.pre(() => {
    const open = isOpen();
    if (open && !wasOpen) opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!open && wasOpen) {
      const el = opener;
      opener = null;
      void tick().then(() => {
        // Unless something else (e.g. the row after a deleted one) already took focus.
        if (document.activeElement && document.activeElement !== document.body) return;
        if (el && el.isConnected && el !== document.body) el.focus();
        else fallback();
      });
    }
    wasOpen = open;
  });
}
