// The staff app (/app) on a phone (390×844), as a care worker meets it in `vaka demo`: the home
// page leads to it; it is installable (a web app manifest in Swedish, icons, a service worker
// scoped to /app) and opens without a network; what the worker records waits in the outbox
// (IndexedDB) across closing the app and is sent when the network is back. The tag by the door
// is read through a fake `NDEFReader` (Web NFC exists only in Chrome on Android).
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo, loggedIn, submitPassword, submitCode, totp, PHONE } from "../lib/vaka.mjs";

let demo;
let browser;
withDemo((d, b) => {
  demo = d;
  browser = b;
});

/** Words that give an English sentence away (as the walk's list). */
const ENGLISH = /\b(the|and|of|to|with|must|please|your|you|is not|not found|failed|invalid|error|unknown|required|loading|cannot|should|welcome|skip|save|cancel|delete|search|sign in|log in|log out)\b/i;

/** The visible text of the page that is in English, if any. */
async function englishOn(page) {
  return page.evaluate((src) => {
    const re = new RegExp(src, "i");
    const hits = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      const text = n.textContent.replace(/\s+/g, " ").trim();
      if (!text || !el || el.closest("script, style, template, [hidden]")) continue;
      if (!el.checkVisibility({ visibilityProperty: true })) continue;
      if (re.test(text)) hits.push(text);
    }
    return hits;
  }, ENGLISH.source);
}

/** A care worker's phone: logged in, the app open and its service worker in control. */
async function openApp(username = "carestaff") {
  const page = await loggedIn(browser, demo, username, PHONE);
  await page.getByRole("link", { name: "Besöksappen" }).click();
  await page.waitForURL(/\/app$/);
  await page.getByRole("heading", { name: "Dagens besök" }).waitFor();
  await page.evaluate(() => navigator.serviceWorker.ready);
  // The first load is not controlled yet; the worker claims it on activation.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  return page;
}

test("the app is installable in Swedish and opens without a network", async () => {
  const page = await openApp();
  assert.equal(await page.getAttribute("html", "lang"), "sv");
  assert.deepEqual(await englishOn(page), []);

  // The manifest: Swedish name, start at /app, standalone, icons that load.
  const href = await page.locator('link[rel="manifest"]').getAttribute("href");
  const res = await page.request.get(new URL(href, demo.url).href);
  assert.equal(res.status(), 200);
  assert.match(res.headers()["content-type"], /^application\/manifest\+json/);
  const manifest = await res.json();
  assert.equal(manifest.name, "Vaka Hemtjänst");
  assert.equal(manifest.lang, "sv");
  assert.equal(manifest.start_url, "/app");
  assert.equal(manifest.scope, "/app");
  assert.equal(manifest.display, "standalone");
  const sizes = manifest.icons.filter((i) => i.type === "image/png").map((i) => i.sizes);
  assert.ok(sizes.includes("192x192") && sizes.includes("512x512"), JSON.stringify(sizes));
  for (const icon of manifest.icons) {
    const r = await page.request.get(new URL(icon.src, demo.url).href);
    assert.equal(r.status(), 200, icon.src);
    assert.equal(r.headers()["content-type"], icon.type, icon.src);
  }
  // The worker's scope is the app, and nothing more.
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration("/app")).scope);
  assert.equal(scope, `${new URL(demo.url).origin}/app`);

  // Offline: the app (and a visit's address under it) still opens, from the worker's copy, and
  // says that it is offline.
  await page.context().setOffline(true);
  await page.reload();
  await page.getByRole("heading", { name: "Dagens besök" }).waitFor();
  await page.getByText("Ingen anslutning.", { exact: false }).waitFor();
  await page.goto(`${demo.url}/app/visit?plan=x&date=2026-12-03`);
  await page.getByRole("link", { name: "Tillbaka till dagens besök" }).waitFor();
  assert.deepEqual(await englishOn(page), []);
  await page.context().setOffline(false);
  await page.context().close();
});

test("opening the app without a session asks for a login and comes back to the app", async () => {
  const ctx = await browser.newContext({ viewport: PHONE });
  const page = await ctx.newPage();
  await page.goto(`${demo.url}/app`);
  await page.waitForURL(/\/login\?next=%2Fapp$|\/login\?next=\/app$/);
  const user = demo.user("carestaff");
  await page.getByLabel("Användarnamn").fill("carestaff");
  await page.getByLabel("Lösenord").fill(user.password);
  await page.getByRole("button", { name: "Logga in" }).click();
  if (user.totp_secret) {
    await page.waitForURL(/\/login\/code/);
    await submitCode(page, totp(user.totp_secret, 1));
  }
  await page.waitForURL(/\/app$/);
  await page.getByRole("heading", { name: "Dagens besök" }).waitFor();
  await ctx.close();
});

