// Reading pasted or dropped images into the bytes the shell scans, and choosing files in
// the shell's native dialogs (the web view gets a token for the choice, never a path).
import { pickOpenFile, pickSaveFile, type PickedFile, type SaveKind } from "./api";

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

/** The shell's open dialog for a file to import; null when the user cancels. */
export function chooseFile(): Promise<PickedFile | null> {
  return pickOpenFile("import");
}

/** The shell's save dialog offering `suggestedName`; null when the user cancels. */
export function chooseSaveFile(kind: SaveKind, suggestedName: string): Promise<PickedFile | null> {
  return pickSaveFile(kind, suggestedName);
}

/** "sesame-backup-2024-05-01.sesame" */
export function datedName(stem: string, ext: string, date = new Date()): string {
  const d = date.toISOString().slice(0, 10);
  return `${stem}-${d}.${ext}`;
}
