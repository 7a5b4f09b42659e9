// The browser side of a hosted sign-in, played with fetch: follows redirects one at a time
// (so a test can stop at the one that goes back to the app), reads a page's first form and
// submits it with its hidden fields. No cookies are needed by the emulator's hosted page or
// by the test OpenID provider.

const unescape = (text) =>
  text.replaceAll("&quot;", '"').replaceAll("&#x27;", "'").replaceAll("&#39;", "'").replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");

function attribute(tag, name) {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? unescape(m[1]) : null;
}

/** The first form of `html`: its action (null for the page itself) and hidden fields. */
export function form(html) {
  const start = html.indexOf("<form");
  if (start < 0) throw new Error(`no form on the page:\n${html.slice(0, 2000)}`);
  const body = html.slice(start, html.indexOf("</form>", start));
  const tag = body.slice(0, body.indexOf(">"));
  const fields = [];
  for (const piece of body.split("<input").slice(1)) {
    const input = piece.slice(0, piece.indexOf(">"));
    const name = attribute(input, "name");
    const value = attribute(input, "value");
    if (attribute(input, "type") === "hidden" && name !== null && value !== null) fields.push([name, value]);
  }
  return { action: attribute(tag, "action") || null, fields };
}

/**
 * Follows `response`'s redirects until `stop(url)` says to stop at one (returned as
 * `{ stoppedAt }`, unvisited) or a page is reached (`{ url, status, body }`).
 */
async function follow(response, url, stop) {
  for (let i = 0; i < 10; i++) {
    if (response.status < 300 || response.status >= 400) {
      return { url, status: response.status, body: await response.text() };
    }
    const next = new URL(response.headers.get("location"), url).toString();
    if (stop(next)) return { stoppedAt: next };
    url = next;
    response = await fetch(url, { redirect: "manual" });
  }
  throw new Error("too many redirects");
}

const never = () => false;

/** Opens `url` like a browser. */
export async function open(url, stop = never) {
  return follow(await fetch(url, { redirect: "manual" }), url, stop);
}

/** Submits `page`'s first form with its hidden fields and `fields`. */
export async function submit(page, fields, stop = never) {
  const { action, fields: hidden } = form(page.body);
  const target = action ? new URL(action, page.url).toString() : page.url;
  const body = new URLSearchParams([...hidden, ...Object.entries(fields)]);
  const response = await fetch(target, { method: "POST", body, redirect: "manual" });
  return follow(response, target, stop);
}
