// Safety alarms as a newcomer meets them in `vaka demo`: a third-party dialler from PyPI
// (my-dc09-spt / siadc09) sends a personal alarm to the demo's SIA DC-09 port; it appears by
// itself in the alarm centre's console; the operator takes it, notes the call and dispatches the
// night patrol, who acknowledges, goes, arrives and closes it from the phone view; both SLA
// clocks are recorded. Then a device whose heartbeats stop raises a technical alarm once its
// deadline has passed (the server's clock moved past it: `vaka demo --test-clock`; the deadline
// to the second is tested in tests/it/alarms.rs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo, dial, loggedIn as signIn } from "../lib/vaka.mjs";

let demo;
let browser;
withDemo((d, b) => {
  demo = d;
  browser = b;
}, { testClock: true });

/** A page logged in as a demo user (see the shared helper). */
function loggedIn(username, viewport) {
  return signIn(browser, demo, username, viewport);
}

test("a dialler's alarm reaches the console live; operator and night patrol take it to closed; a silent device raises a technical alarm", async () => {
  const clear = demo.creds.sia_dc09.accounts.filter((a) => a.key_hex === null);
  assert.ok(clear.length >= 2, "the demo has two clear accounts");
  const [alarmAccount, silentAccount] = [clear[0].account, clear[1].account];

  // The silent device's heartbeat, now; it will be sent once more and then stop.
  let beat = dial(demo, silentAccount, "null");
  assert.equal(beat.sent[0].answer_kind, "ACK");

  const op = await loggedIn("alarmoperator");
  await op.goto(`${demo.url}/alarms`);
  await op.getByRole("heading", { name: "Larmcentral" }).waitFor();
  await op.getByText("Direktuppdaterad").waitFor();

  // The alarm: sent by the PyPI dialler, ACKed after it is stored, and the ACK decodes with
  // siadc09's strict decoder.
  const sent = dial(demo, alarmAccount, "kept-open");
  assert.equal(sent.sent[0].answer_kind, "ACK", JSON.stringify(sent.sent[0]));
  assert.equal(sent.sent[0].siadc09_ok, true);

  // It appears in the console without a reload, with its clocks running.
  const row = op.locator(`tr[data-account="${alarmAccount}"].alarm-received`).first();
  await row.waitFor({ timeout: 15000 });
  await row.getByText("Personlarm").waitFor();
  const client = (await row.locator("td").nth(2).textContent()).replace(/Konto.*/s, "").trim();
  assert.ok(client.length > 0, "the client's name is shown");
  const contactClock = row.locator("[data-sla=contact][data-clock]");
  const t1 = await contactClock.textContent();
  await op.waitForFunction((t) => {
    const c = document.querySelector("tr.alarm-received [data-sla=contact][data-clock]");
    return c && c.textContent !== t;
  }, t1);

  // Take it from the queue: the alarm page opens with the client's card.
  await row.getByRole("button", { name: "Ta larmet" }).click();
  await op.getByText("Sparat.").waitFor();
  await op.getByRole("heading", { name: `Personlarm – ${client}` }).waitFor();
  await op.getByRole("heading", { name: "Brukaren" }).waitFor();
  await op.getByRole("heading", { name: "Larmkedjan nu" }).waitFor();
  assert.equal((await op.locator("[data-state]").first().textContent()).trim(), "Taget");

  // The call: contact made, with a note; the contact clock stops.
  await op.getByLabel("Samtalsanteckning").fill("Brukaren har fallit i hallen, svarar men kommer inte upp.");
  await op.getByRole("button", { name: "Kontakt med brukaren" }).click();
  await op.getByText("Sparat.").waitFor();
  const measuredContact = op.locator("[data-sla=contact][data-measured]").first();
  await measuredContact.waitFor();
  assert.match(await measuredContact.textContent(), /^\d+:\d\d$/);
  await op.getByText("Brukaren har fallit i hallen").waitFor();

  // Dispatch the night patrol.
  await op.getByLabel("Larma ut till").selectOption("night_patrol");
  await op.getByRole("button", { name: "Larma ut", exact: true }).click();
  await op.locator("[data-state]", { hasText: "Utlarmat" }).waitFor();

  // The night patrol's phone view: the alarm is there, then acknowledge → on the way → arrived.
  const patrol = await loggedIn("nightpatrol", { width: 390, height: 844 });
  await patrol.goto(`${demo.url}/patrol`);
  await patrol.getByRole("heading", { name: "Larm till dig" }).waitFor();
  const card = () => patrol.locator("section.alarm-card", { hasText: client });
  await card().getByRole("button", { name: "Kvittera" }).click();
  await card().locator("[data-state]", { hasText: "Kvitterat" }).waitFor();
  // The operator's page follows by itself.
  await op.locator("[data-state]", { hasText: "Kvitterat" }).waitFor({ timeout: 15000 });
  await card().getByRole("button", { name: "På väg" }).click();
  await card().locator("[data-state]", { hasText: "På väg" }).waitFor();
  await card().getByRole("button", { name: "Framme" }).click();
  await card().getByRole("button", { name: "Avsluta larmet" }).waitFor();
  // Closing needs a cause; "other" also needs a note, and the refusal says so. Closing asks
  // first.
  patrol.on("dialog", (d) => d.accept());
  await card().getByLabel("Orsak", { exact: true }).selectOption("other");
  await card().getByRole("button", { name: "Avsluta larmet" }).click();
  // Beside the note on the card (the page's error summary says it too, and links to it).
  await card().locator(".field-error", { hasText: "beskriv vad som hände när orsaken är Annan" }).waitFor();
  await card().getByLabel("Orsak", { exact: true }).selectOption("fall");
  await card().getByLabel(/Vad hände/).fill("Hjälpt upp, inga synliga skador.");
  await card().getByRole("button", { name: "Avsluta larmet" }).click();
  await patrol.getByText("Sparat.").waitFor();
  await patrol.waitForURL(/\/patrol\?ok=/);
  assert.equal(await card().count(), 0);
  if (process.env.VAKA_SCREENSHOTS) {
    await patrol.screenshot({ path: `${process.env.VAKA_SCREENSHOTS}/alarm-patrol.png`, fullPage: true });
  }

  // The operator sees it closed with both SLA clocks measured, and the whole log.
  await op.locator("[data-state]", { hasText: "Avslutat" }).waitFor({ timeout: 15000 });
  const arrival = op.locator("[data-sla=arrival][data-measured]").first();
  await arrival.waitFor();
  assert.match(await arrival.textContent(), /^\d+:\d\d$/);
  assert.match(await op.locator("[data-sla=contact][data-measured]").first().textContent(), /^\d+:\d\d$/);
  for (const step of ["Taget", "Kontakt", "Utlarmat", "Kvitterat", "På väg", "Framme", "Avslutat"]) {
    await op.locator("#alarm-log ~ table td", { hasText: new RegExp(`^${step}$`) }).first().waitFor();
  }
  if (process.env.VAKA_SCREENSHOTS) {
    await op.screenshot({ path: `${process.env.VAKA_SCREENSHOTS}/alarm.png`, fullPage: true });
  }
  // And it has left the queue.
  await op.goto(`${demo.url}/alarms`);
  await op.getByRole("heading", { name: "Larmcentral" }).waitFor();
  assert.equal(await op.locator(`tr[data-account="${alarmAccount}"].prio-0`).count(), 0);

  // Heartbeats: one more, then silence. The demo's interval is 60 s, plus 30 s grace: the
  // server's clock moved 91 s on, the supervision's next round (every 10 s) raises the
  // technical alarm, and the console shows it without a reload.
  beat = dial(demo, silentAccount, "null");
  assert.equal(beat.sent[0].answer_kind, "ACK");
  const technical = op.locator(`tr[data-account="${silentAccount}"]`, { hasText: "uteblivet kontrollanrop" });
  assert.equal(await technical.count(), 0, "no technical alarm while it beats");
  await demo.advanceClock(91);
  await technical.waitFor({ timeout: 30000 });
  await technical.getByText("Tekniskt").waitFor();
  if (process.env.VAKA_SCREENSHOTS) {
    await op.screenshot({ path: `${process.env.VAKA_SCREENSHOTS}/alarms.png`, fullPage: true });
  }
});

test("technical alarms with the signed check, the chain's health and the alarm statistics", async () => {
  const silent = demo.creds.sia_dc09.accounts.filter((a) => a.key_hex === null)[1].account;
  // The silent device belongs to the private provider's client: its technical contact sees it
  // and signs the check (on a weekday it is a check outside the schedule).
  const mgr = await loggedIn("lovadmin");
  await mgr.getByRole("link", { name: "Tekniska larm", exact: true }).click();
  await mgr.getByRole("heading", { name: "Tekniska larm", level: 1 }).waitFor();
  const provider = mgr.locator("section.provider", { has: mgr.locator(`tr[data-account="${silent}"]`) });
  await provider.getByText("uteblivet kontrollanrop").first().waitFor();
  await provider.getByLabel("Anteckning till kontrollen").fill("Larmet felanmält till leverantören.");
  await provider.getByRole("button", { name: "Signera kontroll" }).click();
  await mgr.getByText("Kontrollen är signerad.").waitFor();
  await mgr.locator("section.provider", { hasText: "Larmet felanmält till leverantören." }).waitFor();

  // The municipality's view of the chain: traffic flows (the simulated units heartbeat), the
  // silent devices are marked, and the handled alarm's times are there.
  const manager = await loggedIn("manager");
  await manager.getByRole("link", { name: "Larmkedjan" }).click();
  await manager.getByRole("heading", { name: "Larmkedjans hälsa" }).waitFor();
  await manager.getByText("Larmtrafiken flödar.").waitFor();
  await manager.locator(`tr[data-account="${silent}"]`).getByText("Tyst").waitFor();
  const recent = manager.locator("section", { has: manager.getByRole("heading", { name: "Larm senaste dygnet" }) });
  await recent.getByText("Personlarm").first().waitFor();
  assert.ok(await recent.getByText("Avslutat").count() >= 1);
  if (process.env.VAKA_SCREENSHOTS) {
    await manager.screenshot({ path: `${process.env.VAKA_SCREENSHOTS}/alarm-health.png`, fullPage: true });
  }
  // Statistics: the personal alarm counts, with its SLA result; the technical alarms are open.
  await manager.goto(`${demo.url}/alarms/statistics`);
  await manager.getByRole("heading", { name: "Statistik för trygghetslarm" }).waitFor();
  const people = await manager.locator("tr[data-people]").evaluateAll((rows) =>
    rows.reduce((n, r) => n + Number(r.getAttribute("data-people")), 0));
  assert.ok(people >= 1, `alarms counted: ${people}`);
  const open = await manager.locator("tr[data-technical-open]").evaluateAll((rows) =>
    rows.reduce((n, r) => n + Number(r.getAttribute("data-technical-open")), 0));
  assert.ok(open >= 1, `technical alarms open: ${open}`);
  if (process.env.VAKA_SCREENSHOTS) {
    await manager.screenshot({ path: `${process.env.VAKA_SCREENSHOTS}/alarm-statistics.png`, fullPage: true });
  }
});
