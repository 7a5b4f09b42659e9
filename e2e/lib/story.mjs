// The steps of one story (a user's life through several screens): each step is a test, and
// once one has failed the later ones are skipped, naming it, instead of failing for it.
import { test } from "node:test";

/** A `step(name, fn)` for one story; `prefix` starts every test name. */
export function story(prefix = "") {
  let failedStep = null;
  return function step(name, fn) {
    test(`${prefix}${name}`, async (t) => {
      if (failedStep) {
        t.skip(`needs step "${failedStep}", which failed`);
        return;
      }
      try {
        await fn();
      } catch (err) {
        failedStep = name;
        throw err;
      }
    });
  };
}
