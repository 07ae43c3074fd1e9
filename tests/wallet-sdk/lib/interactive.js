// The user's side of a SEP-24 interactive flow, driven over plain HTTP: open the URL the
// anchor returned, read each form (hidden fields and CSRF token included), fill in the
// fields we know, post it with the session cookie, and follow the redirects until a page
// without a form (the more-info page) is reached.

const { parse } = require("node-html-parser");

/** The most forms one flow may show before the driver gives up. */
const MAX_STEPS = 6;

/** Keeps the `name=value` of every Set-Cookie header of `resp` in `jar`. */
function cookiesOf(resp, jar) {
  const lines = resp.headers.getSetCookie
    ? resp.headers.getSetCookie()
    : [resp.headers.get("set-cookie")].filter(Boolean);
  for (const line of lines) {
    const [pair] = line.split(";");
    const at = pair.indexOf("=");
    jar.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  return jar;
}

/** The cookies of `jar` as a Cookie header. */
function cookieHeader(jar) {
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}

/** GET or POST `url` with the cookies of `jar`, following redirects by hand. */
async function request(url, jar, init = {}) {
  let target = url;
  let options = init;
  for (let hops = 0; hops < 10; hops += 1) {
    const resp = await fetch(target, {
      ...options,
      redirect: "manual",
      headers: { ...(options.headers || {}), Cookie: cookieHeader(jar) },
    });
    cookiesOf(resp, jar);
    const location = resp.headers.get("location");
    if (resp.status >= 300 && resp.status < 400 && location) {
      target = new URL(location, target).toString();
      options = {};
      continue;
    }
    return { url: target, status: resp.status, html: await resp.text() };
  }
  throw new Error(`too many redirects from ${url}`);
}

/** The form of a page: its action URL and the values it already carries. */
function readForm(page) {
  const form = parse(page.html).querySelector("form");
  if (!form) {
    return null;
  }
  const values = {};
  const names = [];
  for (const input of form.querySelectorAll("input, select, textarea")) {
    const name = input.getAttribute("name");
    if (!name) {
      continue;
    }
    names.push(name);
    const type = (input.getAttribute("type") || "").toLowerCase();
    if (type === "checkbox" || type === "radio") {
      continue;
    }
    values[name] = input.getAttribute("value") || "";
  }
  const action = new URL(form.getAttribute("action") || page.url, page.url).toString();
  return { action, names, values };
}

/**
 * Completes the interactive flow at `url` with `answers` (field name → value), and
 * returns the last page (the more-info page). Every field the form shows that is not
 * hidden must have an answer, so an unexpected form fails loudly.
 */
async function completeInteractiveFlow(url, answers) {
  const jar = new Map();
  let page = await request(url, jar);
  const seen = [];
  for (let step = 0; step < MAX_STEPS; step += 1) {
    if (page.status !== 200) {
      throw new Error(`interactive page ${page.url} answered ${page.status}: ${page.html}`);
    }
    const form = readForm(page);
    if (!form) {
      return { ...page, forms: seen };
    }
    const body = new URLSearchParams(form.values);
    for (const name of form.names) {
      if (name in answers) {
        body.set(name, answers[name]);
      } else if (!(name in form.values) || form.values[name] === "") {
        throw new Error(`the page asks for "${name}", which the test has no answer for`);
      }
    }
    seen.push({ names: form.names, values: form.values });
    page = await request(form.action, jar, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString(),
    });
  }
  throw new Error(`the interactive flow showed more than ${MAX_STEPS} forms`);
}

module.exports = { completeInteractiveFlow };
