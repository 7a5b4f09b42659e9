import { describe, expect, it } from "vitest";
import { cssEscape, effectiveSelection, isTextEntry, isTypingKey, moveForKey, moveIndex } from "./keynav";

describe("moveIndex", () => {
  it("moves one step and stops at the ends", () => {
    expect(moveIndex(0, 3, "down")).toBe(1);
    expect(moveIndex(2, 3, "down")).toBe(2);
    expect(moveIndex(1, 3, "up")).toBe(0);
    expect(moveIndex(0, 3, "up")).toBe(0);
  });
  it("starts at the first (down) or last (up) when nothing is selected", () => {
    expect(moveIndex(-1, 3, "down")).toBe(0);
    expect(moveIndex(-1, 3, "up")).toBe(2);
    expect(moveIndex(7, 3, "down")).toBe(0);
  });
  it("jumps with Home, End and pages", () => {
    expect(moveIndex(5, 10, "home")).toBe(0);
    expect(moveIndex(5, 10, "end")).toBe(9);
    expect(moveIndex(1, 10, "pagedown")).toBe(6);
    expect(moveIndex(8, 10, "pagedown")).toBe(9);
    expect(moveIndex(3, 10, "pageup")).toBe(0);
  });
  it("selects nothing in an empty list", () => {
    expect(moveIndex(-1, 0, "down")).toBe(-1);
    expect(moveIndex(0, 0, "up")).toBe(-1);
  });
});

describe("keys", () => {
  it("maps the list keys", () => {
    expect(moveForKey("ArrowDown")).toBe("down");
    expect(moveForKey("ArrowUp")).toBe("up");
    expect(moveForKey("Home")).toBe("home");
    expect(moveForKey("Enter")).toBeNull();
  });
  it("recognises typing", () => {
    expect(isTypingKey({ key: "g", ctrlKey: false, metaKey: false, altKey: false })).toBe(true);
    expect(isTypingKey({ key: "c", ctrlKey: true, metaKey: false, altKey: false })).toBe(false);
    expect(isTypingKey({ key: "Enter", ctrlKey: false, metaKey: false, altKey: false })).toBe(false);
    expect(isTypingKey({ key: " ", ctrlKey: false, metaKey: false, altKey: false })).toBe(false);
  });
  it("knows where the user types text", () => {
    const text = document.createElement("input");
    const box = document.createElement("input");
    box.type = "checkbox";
    expect(isTextEntry(text)).toBe(true);
    expect(isTextEntry(box)).toBe(false);
    expect(isTextEntry(document.createElement("textarea"))).toBe(true);
    expect(isTextEntry(document.createElement("button"))).toBe(false);
    expect(isTextEntry(null)).toBe(false);
  });
});

describe("effectiveSelection", () => {
  it("keeps a selection that is still shown", () => {
    expect(effectiveSelection(["a", "b"], "b", true)).toBe("b");
    expect(effectiveSelection(["a", "b"], "b", false)).toBe("b");
  });
  it("selects the first match while searching", () => {
    expect(effectiveSelection(["c", "d"], "b", true)).toBe("c");
    expect(effectiveSelection(["c", "d"], null, true)).toBe("c");
  });
  it("selects nothing otherwise", () => {
    expect(effectiveSelection(["c", "d"], "b", false)).toBeNull();
    expect(effectiveSelection([], null, true)).toBeNull();
  });
});

describe("cssEscape", () => {
  it("quotes ids for attribute selectors", () => {
    const el = document.createElement("div");
    el.dataset.id = 'a"b\\c';
    document.body.append(el);
    expect(document.querySelector(`[data-id="${cssEscape('a"b\\c')}"]`)).toBe(el);
    el.remove();
  });
});
