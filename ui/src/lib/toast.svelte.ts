// One short message at a time ("Copied", "Added 2 accounts"), read out by screen readers.

export interface ToastMessage {
  id: number;
  text: string;
  detail?: string;
}

let seq = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

export const toast = $state<{ current: ToastMessage | null }>({ current: null });

export function showToast(text: string, detail?: string, ms = 3500): void {
  clearTimeout(timer);
  toast.current = { id: ++seq, text, detail };
  timer = setTimeout(() => (toast.current = null), ms);
}

export function clearToast(): void {
  clearTimeout(timer);
  toast.current = null;
}
