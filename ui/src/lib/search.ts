// Filtering the account list as the user types.
import type { AccountView } from "./api";

/** Lower case without accents, so "zurich" finds "Zürich". */
export function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase();
}

/** The words of a query; every one must match the issuer, the name or a tag. */
export function terms(query: string): string[] {
  return fold(query).split(/\s+/).filter(Boolean);
}

export function matches(account: Pick<AccountView, "issuer" | "name" | "tags">, query: string): boolean {
  const words = terms(query);
  if (words.length === 0) return true;
  const haystack = fold([account.issuer ?? "", account.name, ...account.tags].join("\u0000"));
  return words.every((w) => haystack.includes(w));
}

/** The accounts matching `query`, in vault order. */
export function filterAccounts<T extends Pick<AccountView, "issuer" | "name" | "tags">>(
  accounts: readonly T[],
  query: string,
): T[] {
  if (terms(query).length === 0) return [...accounts];
  return accounts.filter((a) => matches(a, query));
}
