// Reading files and pasted or dropped images into the bytes the shell scans.
import { open, save } from "@tauri-apps/plugin-dialog";

/** A File or Blob as a plain byte array (what `scan_image` takes), via FileReader. */
export function readBytes(blob: Blob): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(Array.from(new Uint8Array(reader.result as ArrayBuffer)));
    reader.onerror = () => reject({ kind: "io", message: `Could not read the file: ${reader.error?.message ?? "unknown error"}` });
    reader.readAsArrayBuffer(blob);
  });
}

/** The first image among the files of a drop or a paste, if any. */
export function firstImage(files: FileList | File[] | null | undefined): File | null {
  if (!files) return null;
  for (const f of Array.from(files)) {
    if (f.type.startsWith("image/")) return f;
  }
  return null;
}

/** The first file of a drop that Sesame can read: an image, a link list or a backup. */
export function firstScannable(files: FileList | File[] | null | undefined): File | null {
  if (!files) return null;
  for (const f of Array.from(files)) {
    if (f.type.startsWith("image/") || IMPORT_EXTENSION.test(f.name)) return f;
  }
  return null;
}

/** Whether pasted text is a link Sesame can add from. */
export function isOtpLink(text: string): boolean {
  return /^\s*otpauth(-migration)?:\/\//i.test(text);
}

/** Extensions of the files Sesame imports: images, link lists, Sesame backups, other apps' exports. */
const IMPORT_EXTENSIONS = ["png", "jpg", "jpeg", "gif", "bmp", "webp", "txt", "sesame", "json", "2fas", "csv", "aes", "bin", "xml", "backup", "authpro"];
const IMPORT_EXTENSION = new RegExp(`\\.(${IMPORT_EXTENSIONS.join("|")})$`, "i");
/** The `accept` of the web view's file input. */
export const IMPORT_ACCEPT = ["image/*", ...IMPORT_EXTENSIONS.map((e) => `.${e}`)].join(",");

export const IMPORT_FILTERS = [
  { name: "Images, link lists, backups and exports", extensions: IMPORT_EXTENSIONS },
  { name: "All files", extensions: ["*"] },
];

/** The native open dialog; null when the user cancels. */
export async function chooseFile(title: string): Promise<string | null> {
  const picked = await open({ title, multiple: false, directory: false, filters: IMPORT_FILTERS });
  return typeof picked === "string" ? picked : null;
}

/** The native save dialog; null when the user cancels. */
export async function chooseSavePath(title: string, defaultPath: string, extension: string, kind: string): Promise<string | null> {
  const path = await save({ title, defaultPath, filters: [{ name: kind, extensions: [extension] }] });
  return path ?? null;
}

/** "sesame-backup-2024-05-01.sesame" */
export function datedName(stem: string, ext: string, date = new Date()): string {
  const d = date.toISOString().slice(0, 10);
  return `${stem}-${d}.${ext}`;
}
