// The staff app (/app) on a phone (390×844), as a care worker meets it in `vaka demo`: the home
// page leads to it; it is installable (a web app manifest in Swedish, icons, a service worker
// scoped to /app) and opens without a network; what the worker records waits in the outbox
// (IndexedDB) across closing the app and is sent when the network is back. The tag by the door
// is read through a fake `NDEFReader` (Web NFC exists only in Chrome on Android); a genuine read
// comes from the demo's simulated tag. A visit recorded offline on a phone whose clock moved on
// syncs marked late (Playwright's clock in the page; the server's is real). The tag's own URL, a
// phone without Web NFC (simulated tag, reason codes), the PIN login and a phone shared between
// shifts complete it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo, loggedIn, submitCode, totp, PHONE, englishOn } from "../lib/vaka.mjs";
import { fakeNdefReader, doorTag as tagRead, readTag, today as todayOf } from "../lib/staffapp.mjs";

let demo;
let browser;
withDemo((d, b) => {
  demo = d;
  browser = b;
});


/** Logged-in phones by user: one login per user (a second within the same 30 s would replay
 * the code). */
const phones = new Map();

/** A care worker's phone: logged in, the app open and its service worker in control. */
async function openApp(username = "carestaff") {
  if (!phones.has(username)) phones.set(username, await loggedIn(browser, demo, username, PHONE));
  const page = phones.get(username);
  await page.goto(`${demo.url}/`);
  await page.getByRole("link", { name: "Besöksappen" }).click();
  await page.waitForURL(/\/app$/);
  await page.getByRole("heading", { name: "Dagens besök" }).waitFor();
  await page.evaluate(() => navigator.serviceWorker.ready);
  // The first load is not controlled yet; the worker claims it on activation.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  return page;
}

test("the app is installable in Swedish and opens without a network", async () => {
  const page = await openApp("lovstaff");
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
});

test("opening the app without a session asks for a login and comes back to the app", async () => {
  const ctx = await browser.newContext({ viewport: PHONE });
  const page = await ctx.newPage();
  await page.goto(`${demo.url}/app`);
  await page.waitForURL(/\/login\?next=%2Fapp$|\/login\?next=\/app$/);
  const user = demo.user("nightpatrol");
  await page.getByLabel("Användarnamn").fill("nightpatrol");
  await page.getByLabel("Lösenord").fill(user.password);
  await page.getByRole("button", { name: "Logga in" }).click();
  if (user.totp_secret) {
    await page.waitForURL(/\/login\/code/);
    await submitCode(page, totp(user.totp_secret));
  }
  await page.waitForURL(/\/app$/);
  await page.getByRole("heading", { name: "Dagens besök" }).waitFor();
  await ctx.close();
});


/** A genuine read of the client's door tag from the demo's simulated tag. */
const doorTag = (page, clientId) => tagRead(page, demo, clientId);

/** Today's visits of the caller, as the server has them. */
const today = (page) => todayOf(page, demo);

/** The outbox's count of records waiting, as the app shows it. */
async function waiting(page) {
  return Number(await page.locator("#outbox-count").getAttribute("data-queued"));
}

test("a care worker reads the door tag (another client's is refused in Swedish), ticks the tasks and ends the visit; offline in the middle, closed and reopened, it syncs when the network is back", async () => {
  const page = await openApp("carestaff");
  const ctx = page.context();
  await ctx.addInitScript(fakeNdefReader);
  await page.reload();
  await page.getByRole("heading", { name: "Dagens besök" }).waitFor();

  // Today's visits of the worker's units, with their tasks.
  const visits = await today(page);
  assert.ok(visits.length >= 10, `${visits.length} visits today`);
  const item = visits.find((v) => v.visit === null && v.tasks.length >= 2 && v.client.address);
  assert.ok(item, "a visit with two tasks");
  const link = page.locator(`a.app-visit[data-key="${item.plan_id}/${item.date}"]`);
  await link.waitFor();
  assert.match(await link.textContent(), new RegExp(item.client.name));
  assert.deepEqual(await englishOn(page), []);

  // Open it: the client, the time and the address; tasks wait for the start.
  await link.click();
  await page.getByRole("heading", { name: item.client.name }).waitFor();
  assert.equal(await page.locator("[data-address]").textContent(), item.client.address);
  const tasks = page.locator("#tasks input[type=checkbox]");
  assert.equal(await tasks.count(), item.tasks.length);
  assert.equal(await tasks.first().isDisabled(), true);

  // A read the phone could not make says so and keeps listening.
  await page.getByRole("button", { name: "Läs tagg" }).click();
  await page.waitForFunction(() => window.__scanning());
  await page.evaluate(() => window.__badTap());
  await page.getByText("Taggen kunde inte läsas.").waitFor();
  assert.equal(await page.evaluate(() => window.__scanning()), true, "still listening");
  // Another client's door tag: the server refuses the start, the app says why in Swedish and
  // the visit is as before, to be started again.
  const other = visits.find((v) => v.client.id !== item.client.id);
  await page.evaluate(({ serial, url }) => window.__tap(serial, url), await doorTag(page, other.client.id));
  const refusal = page.locator("#refused li");
  await refusal.first().waitFor();
  assert.match(await refusal.first().textContent(), /Start .* — Inte godtaget: .*annan brukare/);
  await page.locator("[data-state]", { hasText: "Planerat" }).waitFor();
  await refusal.first().getByRole("button", { name: "Ta bort" }).click();
  await page.locator("#refused-box").waitFor({ state: "hidden" });

  // The start: the door tag read, sent at once.
  const start = await doorTag(page, item.client.id);
  await readTag(page, start);
  await page.locator("[data-state]", { hasText: "Pågår" }).waitFor();
  await page.locator("[data-sync]", { hasText: "Skickat" }).waitFor();
  let server = (await today(page)).find((v) => v.plan_id === item.plan_id);
  assert.ok(server.visit, "the start reached the server");
  assert.equal(server.visit.evidence.start, "nfc_sun");
  assert.equal(server.visit.ended_at, null);
  assert.equal(server.visit.late_sync, false);

  // The first task, online.
  await tasks.nth(0).check();
  await page.getByText("Insatserna är sparade.").waitFor();
  await page.waitForFunction(() => document.querySelector("#outbox-count").dataset.queued === "0");

  // The network goes: the second task, a note and the end wait in the outbox.
  const end = await doorTag(page, item.client.id);
  await ctx.setOffline(true);
  await page.getByText("Ingen anslutning.", { exact: false }).first().waitFor();
  await tasks.nth(1).check();
  await page.getByLabel("Anteckning").fill("Allt bra, medicinen tagen.");
  await page.getByRole("button", { name: "Spara anteckning" }).click();
  await page.getByText("Anteckningen är sparad.").waitFor();
  await readTag(page, end);
  await page.locator("[data-state]", { hasText: "Avslutat" }).waitFor();
  await page.locator("[data-sync]", { hasText: "Väntar på att skickas" }).waitFor();
  assert.equal(await waiting(page), 3);
  assert.match(await page.locator("#outbox-count").textContent(), /^3 registreringar väntar på att skickas\.$/);
  assert.deepEqual(await englishOn(page), []);

  // The app is closed, and opened again without a network: nothing is lost.
  await page.close();
  const again = await ctx.newPage();
  await again.goto(`${demo.url}/app`);
  await again.getByRole("heading", { name: "Dagens besök" }).waitFor();
  await again.waitForFunction(() => document.querySelector("#outbox-count").dataset.queued === "3");
  const row = again.locator(`a.app-visit[data-key="${item.plan_id}/${item.date}"]`);
  await row.getByText("Väntar på att skickas").waitFor();
  await row.getByText("Avslutat").waitFor();

  // The network is back: the outbox empties and the server has the whole visit.
  await ctx.setOffline(false);
  await again.waitForFunction(() => document.querySelector("#outbox-count").dataset.queued === "0", null, { timeout: 15000 });
  await again.getByText("Allt är skickat.").waitFor();
  server = (await today(again)).find((v) => v.plan_id === item.plan_id);
  assert.ok(server.visit.ended_at, "the end reached the server");
  assert.equal(server.visit.evidence.end, "nfc_sun");
  assert.deepEqual([...server.visit.tasks_done].sort(), item.tasks.map((t) => t.code).sort());
  assert.equal(server.visit.note, "Allt bra, medicinen tagen.");
  assert.equal(server.visit.late_sync, false, "back within minutes is not late");
  await row.getByText("Väntar på att skickas").waitFor({ state: "detached" });
  await row.getByText("Avslutat").waitFor();
  await ctx.close();
});

test("a visit recorded offline on a phone whose time has moved on syncs marked late; a refusal stays in the outbox with its reason", async () => {
  const ctx = await browser.newContext({ viewport: PHONE });
  await ctx.addInitScript(fakeNdefReader);
  const page = await ctx.newPage();
  // The phone's clock: 40 minutes ago (the visit happens then, offline); the server's is now.
  const now = Date.now();
  await page.clock.install({ time: now - 40 * 60 * 1000 });
  const user = demo.user("carestaff2");
  await page.goto(`${demo.url}/app`);
  await page.getByLabel("Användarnamn").fill("carestaff2");
  await page.getByLabel("Lösenord").fill(user.password);
  await page.getByRole("button", { name: "Logga in" }).click();
  if (user.totp_secret) {
    await page.waitForURL(/\/login\/code/);
    await submitCode(page, totp(user.totp_secret));
  }
  await page.waitForURL(/\/app$/);
  await page.getByRole("heading", { name: "Dagens besök" }).waitFor();
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

  // A client whose door has a plain tag (NTAG21x: the same URL on every tap, the weaker read).
  const plain = new Set(demo.creds.tags.filter((t) => t.strength === "plain").map((t) => t.client_id));
  const visits = await today(page);
  const item = visits.filter((v) => v.visit === null && plain.has(v.client.id)).at(-1);
  assert.ok(item, "a visit to a client with a plain tag");
  const link = page.locator(`a.app-visit[data-key="${item.plan_id}/${item.date}"]`);
  await link.waitFor();
  const tap = await doorTag(page, item.client.id);
  const start = tap;
  const end = tap;

  // Offline from the door to the end of the visit.
  await ctx.setOffline(true);
  await link.click();
  await page.getByRole("heading", { name: item.client.name }).waitFor();
  await readTag(page, start);
  await page.locator("[data-state]", { hasText: "Pågår" }).waitFor();
  await page.locator("#tasks input[type=checkbox]").first().check();
  await page.getByText("Insatserna är sparade.").waitFor();
  await readTag(page, end);
  await page.locator("[data-state]", { hasText: "Avslutat" }).waitFor();
  // A record the server will refuse: a second start of the same visit (another record id).
  const key = `${item.plan_id}/${item.date}`;
  await page.evaluate(async ({ item, key }) => {
    const visitId = (await window.VakaOutbox.getState("visit:" + key)).visit_id;
    await window.VakaOutbox.add({ kind: "visit_start", visit_id: visitId, client_id: item.client.id,
      plan_id: item.plan_id, date: item.date, visit_kind: "planned", manual_reason: "forgot" });
  }, { item, key });
  assert.equal(await page.evaluate(async () => (await window.VakaOutbox.list()).length), 4);
  await page.close();

  // Forty minutes later the phone has a network again.
  await ctx.clock.setSystemTime(now);
  const again = await ctx.newPage();
  await ctx.setOffline(false);
  await again.goto(`${demo.url}/app`);
  await again.getByRole("heading", { name: "Dagens besök" }).waitFor();
  await again.waitForFunction(() => document.querySelector("#outbox-count").dataset.queued === "0", null, { timeout: 15000 });
  const row = again.locator(`a.app-visit[data-key="${item.plan_id}/${item.date}"]`);
  await row.getByText("Sent skickat").waitFor();
  const server = (await today(again)).find((v) => v.plan_id === item.plan_id);
  assert.equal(server.visit.late_sync, true, "synced 40 minutes after the visit: late");
  assert.equal(server.visit.evidence.start, "nfc_plain");
  assert.equal(server.visit.clock_skew, false, "the phone's clock was right");
  // The phone's times are kept: the visit happened 40 minutes ago, not when it synced.
  const started = Date.parse(server.visit.started_at);
  assert.ok(now - started > 35 * 60 * 1000, `started ${new Date(started).toISOString()}`);

  // The refused record is shown with its reason in Swedish, until the worker removes it.
  const refused = again.locator("#refused li");
  await refused.first().waitFor();
  assert.equal(await refused.count(), 1, await again.locator("#refused").innerText());
  assert.match(await refused.first().textContent(), /Start .* — Inte godtaget: /);
  assert.deepEqual(await englishOn(again), []);
  await refused.first().getByRole("button", { name: "Ta bort" }).click();
  await again.locator("#refused-box").waitFor({ state: "hidden" });
  await ctx.close();
});

test("the tag's own URL opens the visit in the app; without Web NFC the demo's simulated tag starts it and a reason ends it, flagged", async () => {
  const page = await openApp("lovstaff2");
  // A phone without Web NFC (an iPhone).
  await page.context().addInitScript(() => { delete window.NDEFReader; });
  const visits = await today(page);
  const open = visits.filter((v) => v.visit === null);
  const first = open[0];
  // Another client, with no visit the tag test may have started.
  const second = open.find((v) => v.client.id !== first.client.id);

  // A phone without the app open: the tapped tag's URL, after the login, leads to the visit.
  const tap = await doorTag(page, first.client.id);
  await page.goto(tap.url);
  await page.waitForURL(/\/app\/visit\?.*client=/);
  const landed = new URL(page.url()).searchParams;
  assert.equal(landed.get("client"), first.client.id);
  // The visit the tag leads to: that client's of today (its plan named in the address).
  const planId = landed.get("plan") || first.plan_id;
  await page.getByRole("heading", { name: first.client.name }).waitFor();
  await page.getByText("Öppnat från taggen vid dörren.").waitFor();
  await page.locator("#tag-url").click();
  await page.locator("[data-state]", { hasText: "Pågår" }).waitFor();
  await page.locator("[data-sync]", { hasText: "Skickat" }).waitFor();
  let server = (await today(page)).find((v) => v.plan_id === planId);
  assert.equal(server.visit.evidence.start, "nfc_sun", "the URL's SUN message proved the tap");
  assert.equal(await page.locator("#from-tag").isHidden(), true, "the URL is used once");

  // No Web NFC on this phone (an iPhone, a desktop): the app says so; the demo offers its
  // simulated tag, and a reason code is always possible.
  await page.getByRole("link", { name: "Tillbaka till dagens besök" }).click();
  await page.locator(`a.app-visit[data-key="${second.plan_id}/${second.date}"]`).click();
  await page.getByRole("heading", { name: second.client.name }).waitFor();
  await page.getByText("Den här telefonen kan inte läsa taggar från webben").waitFor();
  assert.equal(await page.getByRole("button", { name: "Läs tagg" }).isHidden(), true);
  await page.getByRole("button", { name: "Simulerad tagg (demo)" }).click();
  await page.locator("[data-state]", { hasText: "Pågår" }).waitFor();
  await page.locator("[data-sync]", { hasText: "Skickat" }).waitFor();
  // The end without a tag: a reason is needed, and the visit is flagged.
  // Without Web NFC the reasons are open from the start.
  assert.notEqual(await page.locator("#manual").getAttribute("open"), null);
  await page.getByRole("button", { name: "Avsluta utan tagg" }).click();
  assert.equal(await page.getByLabel("Varför utan tagg?").getAttribute("aria-invalid"), "true");
  await page.getByLabel("Varför utan tagg?").selectOption("tag_broken");
  await page.getByRole("button", { name: "Avsluta utan tagg" }).click();
  await page.locator("[data-state]", { hasText: "Avslutat" }).waitFor();
  await page.locator("[data-flags]", { hasText: "Utan tagg" }).waitFor();
  await page.locator("[data-sync]", { hasText: "Skickat" }).waitFor();
  server = (await today(page)).find((v) => v.plan_id === second.plan_id);
  assert.equal(server.visit.evidence.start, "nfc_sun");
  assert.equal(server.visit.evidence.end, "manual");
  assert.equal(server.visit.evidence.end_manual_reason, "tag_broken");
  assert.equal(server.visit.manual, true);
  assert.deepEqual(await englishOn(page), []);
});

test("a PIN keeps the phone logged in: when the session has ended the PIN opens a new one; wrong PINs count down", async () => {
  const page = await openApp("lovstaff");
  const ctx = page.context();
  await page.getByRole("heading", { name: "Logga in snabbare med PIN-kod" }).waitFor();
  await page.getByLabel("Välj en PIN-kod (4–8 siffror)").fill("1234");
  await page.getByRole("button", { name: "Spara PIN-kod" }).click();
  await page.getByText("PIN-koden ska vara 4–8 siffror").waitFor();
  await page.getByLabel("Välj en PIN-kod (4–8 siffror)").fill("2580");
  await page.getByRole("button", { name: "Spara PIN-kod" }).click();
  await page.locator("#pin-setup").waitFor({ state: "hidden" });

  // The session ends (the phone sat in a pocket); the app asks for the PIN instead of the
  // whole login, also when opened again.
  await ctx.clearCookies();
  await page.goto(`${demo.url}/app`);
  await page.getByRole("heading", { name: "Logga in med PIN-kod" }).waitFor();
  assert.match(page.url(), /\/app$/);
  await page.getByLabel("Din PIN-kod").fill("9999");
  await page.getByRole("button", { name: "Logga in", exact: true }).click();
  await page.getByText("Fel PIN-kod. 4 försök kvar.").waitFor();
  await page.getByLabel("Din PIN-kod").fill("2580");
  await page.getByRole("button", { name: "Logga in", exact: true }).click();
  await page.locator("#pin-unlock").waitFor({ state: "hidden" });
  await page.locator("a.app-visit").first().waitFor();
  assert.ok((await ctx.cookies()).some((c) => c.name === "vaka_session"), "a new session");
  assert.equal((await today(page)).length > 0, true);
  assert.deepEqual(await englishOn(page), []);
});

test("on a phone shared between shifts, the last user's waiting records are not sent with the next user's session", async () => {
  const page = await openApp("lovstaff2");
  await page.goto(`${demo.url}/app`);
  await page.locator("a.app-visit").first().waitFor();
  // What the phone holds from an earlier shift: a record of another user, still waiting, and
  // that user's list of the day.
  await page.evaluate(async () => {
    const O = window.VakaOutbox;
    await O.putMeta("user", "00000000-0000-4000-8000-000000000001");
    await O.add({ kind: "visit_note", visit_id: O.uuid(), client_id: O.uuid(), note: "earlier shift" });
  });
  await page.reload();
  await page.locator("a.app-visit").first().waitFor();
  // A flush (as "Skicka nu" or Background Sync does) sends nothing: the earlier user's session
  // sends it, not this one.
  const outcome = await page.evaluate(() => window.VakaOutbox.flush());
  assert.equal(outcome.sent, 0, JSON.stringify(outcome));
  assert.equal(await page.evaluate(async () => (await window.VakaOutbox.list())[0].status), "queued");
  await page.waitForFunction(() => document.querySelector("#outbox-count").dataset.queued === "1");
  assert.equal(await page.locator("#refused li").count(), 0, "never sent, so never refused");
  // The phone now knows this user; their own records go as before.
  const me = await (await page.request.get(`${demo.url}/api/v1/me`)).json();
  assert.equal(await page.evaluate(() => window.VakaOutbox.getMeta("user")), me.user_id);
});
