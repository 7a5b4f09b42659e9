import { describe, expect, it } from "vitest";
import { filterAccounts, fold, matches } from "./search";

const accounts = [
  { id: "1", issuer: "GitHub", name: "alice@example.com", tags: ["work"] },
  { id: "2", issuer: "Google", name: "alice@gmail.com", tags: ["personal"] },
  { id: "3", issuer: "Zürcher Kantonalbank", name: "A-1234", tags: [] },
  { id: "4", issuer: null, name: "backup-server", tags: ["home", "ops"] },
];

describe("search", () => {
  it("shows everything for an empty query", () => {
    expect(filterAccounts(accounts, "").map((a) => a.id)).toEqual(["1", "2", "3", "4"]);
    expect(filterAccounts(accounts, "   ").length).toBe(4);
  });
  it("finds by issuer, name or tag, ignoring case", () => {
    expect(filterAccounts(accounts, "GIT").map((a) => a.id)).toEqual(["1"]);
    expect(filterAccounts(accounts, "gmail").map((a) => a.id)).toEqual(["2"]);
    expect(filterAccounts(accounts, "ops").map((a) => a.id)).toEqual(["4"]);
    expect(filterAccounts(accounts, "alice").map((a) => a.id)).toEqual(["1", "2"]);
  });
  it("ignores accents", () => {
    expect(fold("Zürich")).toBe("zurich");
    expect(filterAccounts(accounts, "zurcher").map((a) => a.id)).toEqual(["3"]);
  });
  it("needs every word to match", () => {
    expect(filterAccounts(accounts, "alice work").map((a) => a.id)).toEqual(["1"]);
    expect(filterAccounts(accounts, "alice nothing")).toEqual([]);
  });
  it("does not match across fields", () => {
    // "hubalice" would only match if issuer and name were glued together.
    expect(matches(accounts[0], "hubalice")).toBe(false);
  });
  it("keeps the vault order and does not change the input", () => {
    const copy = [...accounts];
    filterAccounts(accounts, "a");
    expect(accounts).toEqual(copy);
  });
});
