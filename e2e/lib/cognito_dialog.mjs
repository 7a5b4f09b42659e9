// The app's Cognito dialog as the e2e tests fill it in (cognito, cognito-phone, sync).
import assert from "node:assert/strict";
import { byTestId, click, type } from "./app.mjs";

/** Types `pool`'s settings, every call at `endpoint` (the emulator), into the open pool form; does not save. */
export async function typePoolSettings(app, pool, endpoint) {
  await type(app, "cognito-region", pool.region);
  await type(app, "cognito-pool-id", pool.pool_id);
  await type(app, "cognito-client-id", pool.client_id);
  await type(app, "cognito-endpoint", endpoint);
}

/** Types `username` and `password` into the sign-in form and submits it. */
export async function signInWith(app, username, password) {
  await type(app, "cognito-username", username);
  await type(app, "cognito-password", password);
  await click(app, "cognito-sign-in");
}

/** Waits for the dialog's notice to say `pattern`; fails at once on the dialog's error. */
export async function cognitoNotice(app, pattern) {
  let error = null;
  await app.waitUntil(
    async () => {
      const shownError = byTestId(app, "error");
      if (await shownError.isDisplayed()) {
        error = await shownError.getText();
        return true;
      }
      const el = byTestId(app, "cognito-notice");
      return (await el.isDisplayed()) && pattern.test(await el.getText());
    },
    { timeout: 30_000, timeoutMsg: `the notice never said ${pattern}` },
  );
  if (error !== null) assert.fail(`expected a notice saying ${pattern}; the dialog shows the error "${error}"`);
}
