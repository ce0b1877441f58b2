// The door, as a care worker meets it in `vaka demo` on a phone (390×844): the demo plans a
// supervision visit at one of the in-house clients for the time it starts, and that client has
// a digital lock, which the demo's simulated lock serves over the real lock protocol. The worker
// reads the door tag (a fake `NDEFReader`, as in the staff app's tests), opens the door through
// the lock — the app says so only once the lock has answered — and an hour later (the server's
// clock moved ahead through `vaka demo --test-clock`, the phone's with it) is refused, with the
// reason in Swedish; then ticks the task and ends the visit. The unit manager sees the door
// events on the client's key page, and the audit log has the grant and the refusal.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo, loggedIn, PHONE } from "../lib/vaka.mjs";
import { fakeNdefReader, doorTag, readTag, today } from "../lib/staffapp.mjs";

let demo;
let browser;
withDemo((d, b) => {
  demo = d;
  browser = b;
}, { testClock: true });

test("a care worker opens the door through the lock during the visit, is refused an hour later, and ends the visit", async () => {
  const page = await loggedIn(browser, demo, "carestaff", PHONE);
  const ctx = page.context();
  await ctx.addInitScript(fakeNdefReader);
  // The phone's clock: Playwright's, so that it moves ahead with the server's.
  await page.clock.install({ time: Date.now() });
  await page.goto(`${demo.url}/app`);
  await page.getByRole("heading", { name: "Dagens besök" }).waitFor();

  // The visit due now: the demo's supervision visit at a client with a lock.
  const visits = await today(page, demo);
  const item = visits.find((v) => v.lock && v.visit === null && v.tasks.some((t) => t.code === "supervision"));
  assert.ok(item, `a visit due now at a door with a lock: ${JSON.stringify(visits.map((v) => [v.client.name, v.from, !!v.lock]))}`);
  const link = page.locator(`a.app-visit[data-key="${item.plan_id}/${item.date}"]`);
  await link.click();
  await page.getByRole("heading", { name: item.client.name }).waitFor();

  // Arrival: the door tag read; the visit is under way.
  await readTag(page, await doorTag(page, demo, item.client.id));
  await page.locator("[data-state]", { hasText: "Pågår" }).waitFor();
  await page.locator("[data-sync]", { hasText: "Skickat" }).waitFor();
  const visitId = (await today(page, demo)).find((v) => v.plan_id === item.plan_id).visit.id;

  // The door: the server decides, the simulated lock opens and answers.
  const door = page.getByRole("button", { name: "Öppna dörren" });
  await door.click();
  await page.locator("#visit-msg", { hasText: "Dörren är upplåst." }).waitFor();

  // An hour later, the visit still open (the worker forgot to end it): the phone is used now
  // and then, so the session stays; the server's clock and the phone's move together.
  for (const minutes of [25, 25, 15]) {
    await demo.advanceClock(minutes * 60);
    await page.clock.fastForward(minutes * 60 * 1000);
    const res = await page.request.get(`${demo.url}/api/v1/app/today`);
    assert.equal(res.status(), 200, "the session is still open");
  }
  await door.click();
  const refusal = page.locator("#visit-msg.bad");
  await refusal.waitFor();
  assert.match(await refusal.textContent(), /^Dörren öppnades inte: låset öppnas bara under ditt besök/);

  // The task ticked and the visit ended with the tag.
  await page.locator("#tasks input[type=checkbox]").first().check();
  await page.getByText("Insatserna är sparade.").waitFor();
  await readTag(page, await doorTag(page, demo, item.client.id));
  await page.locator("[data-state]", { hasText: "Avslutat" }).waitFor();
  await page.waitForFunction(() => document.querySelector("#outbox-count").dataset.queued === "0", null, { timeout: 15000 });
  // The visit's own day: an hour later may be past midnight.
  const day = await page.request.get(`${demo.url}/api/v1/app/today?date=${item.date}`);
  const ended = (await day.json()).visits.find((v) => v.plan_id === item.plan_id).visit;
  assert.ok(ended.ended_at, "the end reached the server");
  assert.deepEqual(ended.tasks_done, ["supervision"]);
  assert.equal(ended.clock_skew, false, "the phone's clock moved with the server's");
  await ctx.close();

  // The unit manager: the door events on the client's key page, the visit named.
  const manager = await loggedIn(browser, demo, "unitmanager");
  const keys = await manager.request.get(`${demo.url}/api/v1/clients/${item.client.id}/key-access`);
  assert.equal(keys.status(), 200, await keys.text());
  const events = (await keys.json()).events;
  const unlocked = events.filter((e) => e.kind === "unlocked");
  assert.equal(unlocked.length, 1, JSON.stringify(events));
  assert.equal(unlocked[0].visit_id, visitId);
  await manager.goto(`${demo.url}/clients/${item.client.id}/keys`);
  await manager.getByRole("heading", { name: /Nycklar och lås/ }).first().waitFor();
  assert.match(await manager.locator("main").textContent(), /[Uu]pplåst/);
  await manager.context().close();
});
