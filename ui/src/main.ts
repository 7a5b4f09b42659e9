import "./app.css";
import { mount } from "svelte";
import App from "./App.svelte";

async function start() {
  // `npm run dev` in a plain browser: a fake shell with fake accounts. Vite replaces
  // import.meta.env.DEV with false in `npm run build`, so none of it reaches dist/.
  if (import.meta.env.DEV && !("__TAURI_INTERNALS__" in window)) {
    const { installDevMock } = await import("./lib/devMock");
    installDevMock();
  }
  mount(App, { target: document.getElementById("app")! });
}

void start();
