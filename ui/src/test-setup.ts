// Vitest runs every test file in jsdom; Tauri's IPC is mocked per test with mockIPC.
import { afterEach } from "vitest";
import { clearMocks } from "@tauri-apps/api/mocks";

afterEach(() => {
  clearMocks();
  localStorage.clear();
});

// jsdom has no layout: give scrollIntoView a harmless stand-in.
if (!Element.prototype.scrollIntoView) {
  Element.prototype.scrollIntoView = function () {};
}
