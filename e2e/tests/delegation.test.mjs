// Delegated tasks as a nurse and a care worker meet them in `vaka demo`: the nurse delegates
// insulin to the care worker for one client (a delegation longer than a year is refused beside
// its field), both sign with their second factor, the nurse prescribes it at two times; the
// care worker signs the first during the visit in the staff app on a phone, offline, and it
// syncs; the nurse revokes the delegation, and the worker's next signing (made offline from the
// list the phone kept) is refused at sync; the client's signing history shows the signing, and
// its PDF downloads.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo, loggedIn, PHONE, DESKTOP, englishOn } from "../lib/vaka.mjs";
import { today } from "../lib/staffapp.mjs";

let demo;
let browser;
withDemo((d, b) => {
  demo = d;
  browser = b;
});

const hm = new Intl.DateTimeFormat("sv-SE", { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Stockholm" });
const ymd = new Intl.DateTimeFormat("sv-SE", { year: "numeric", month: "2-digit", day: "2-digit", timeZone: "Europe/Stockholm" });

/** The number of records waiting in the app's outbox, as it shows it. */
async function waiting(page) {
  return Number(await page.locator("#outbox-count").getAttribute("data-queued"));
}

test("a nurse delegates insulin and both sign; the care worker signs it offline during the visit and it syncs; after revocation the next signing is refused; the history shows it", async () => {
  // The care worker's phone, and a client of one of today's visits.
  const worker = await loggedIn(browser, demo, "carestaff", PHONE);
  const visits = await today(worker, demo);
  const item = visits.find((v) => v.client && v.visit === null);
  assert.ok(item, "a visit today not yet started");
  const client = item.client;
  const me = await (await worker.request.get(`${demo.url}/api/v1/me`)).json();

  // The nurse finds the unit whose clients include the client.
  const nurse = await loggedIn(browser, demo, "nurse", DESKTOP);
  await nurse.goto(`${demo.url}/delegation`);
  await nurse.getByRole("heading", { name: "Delegeringar och signering" }).waitFor();
  assert.deepEqual(await englishOn(nurse), []);
  // The demo's occasion left unsigned is in her overview of missed signings.
  assert.ok(await nurse.locator("#missed tbody tr").count() >= 1, "a missed signing shown");
  const units = await nurse.locator("#units a:not(.report-link)").evaluateAll((as) => as.map((a) => a.href));
  assert.ok(units.length > 0, "the nurse follows up units");
  let unitUrl = null;
  for (const u of units) {
    await nurse.goto(u);
    if (await nurse.locator("#delegation-clients label", { hasText: client.name }).count()) {
      unitUrl = u;
      break;
    }
  }
  assert.ok(unitUrl, `a unit of ${client.name}`);
  const from = ymd.format(new Date());

  // Bad input: a delegation longer than a year is refused beside its field; nothing is made.
  const form = nurse.locator("#delegation");
  const fill = async (to) => {
    await form.getByLabel("Insats").selectOption({ label: "Insulin" });
    await form.getByLabel("Medarbetare").selectOption({ label: me.display_name });
    await form.locator("#delegation-clients label", { hasText: client.name }).getByRole("checkbox").check();
    await form.getByLabel("Till", { exact: true }).fill(to);
    await form.getByLabel("Undervisning").check();
    await form.getByLabel("Praktisk genomgång").check();
    await form.getByRole("button", { name: "Besluta delegeringen" }).click();
  };
  // Two years on: past the last day a delegation from today may have.
  await fill(`${Number(from.slice(0, 4)) + 2}-01-01`);
  await nurse.locator("#delegation-to-error").waitFor();
  assert.match(await nurse.locator("#delegation-to-error").textContent(), /år/);
  const registerBefore = await nurse.locator("#register tbody tr").count();

  // The delegation: decided, then signed by the nurse (her login is a fresh second factor).
  await fill("");
  await nurse.waitForURL(/\/delegation\/[0-9a-f-]{36}\?ok=deleg-created$/);
  const delegationUrl = nurse.url().replace(/\?.*$/, "");
  await nurse.locator("#delegation-status", { hasText: "Väntar på signatur" }).waitFor();
  await nurse.getByRole("button", { name: "Signera" }).click();
  await nurse.getByText("Din signatur är registrerad.").waitFor();
  await nurse.locator("#delegation-status", { hasText: "väntar på medarbetaren" }).waitFor();

  // The care worker signs it too, on the phone.
  await worker.goto(`${demo.url}/delegation`);
  const mine = worker.locator("#mine tr", { hasText: "Du ska signera" });
  await mine.getByRole("link", { name: "Insulin" }).click();
  await worker.getByRole("button", { name: "Signera" }).click();
  await worker.getByText("Din signatur är registrerad.").waitFor();
  await worker.locator("#delegation-status", { hasText: "Gäller" }).waitFor();
  assert.deepEqual(await englishOn(worker), []);
  await nurse.goto(unitUrl);
  assert.equal(await nurse.locator("#register tbody tr").count(), registerBefore + 1);

  // The nurse prescribes insulin for the client at two times whose windows are open now.
  const now = new Date();
  const t1 = hm.format(now);
  const t2 = hm.format(new Date(now.getTime() + 60_000));
  await nurse.goto(`${demo.url}/clients/${client.id}/prescriptions`);
  const presc = nurse.locator("#prescription");
  // Bad input: neither times nor as needed.
  await presc.getByLabel("Insats").selectOption({ label: "Insulin" });
  await presc.getByLabel("Instruktion").fill("10 E Novorapid subkutant");
  await presc.getByRole("button", { name: "Spara ordinationen" }).click();
  await nurse.locator("#prescription-times-error").waitFor();
  await presc.getByLabel("Insats").selectOption({ label: "Insulin" });
  await presc.getByLabel("Instruktion").fill("10 E Novorapid subkutant");
  await presc.getByLabel("Tider").fill(`${t1}, ${t2}`);
  await presc.getByRole("button", { name: "Spara ordinationen" }).click();
  await nurse.getByText("Ordinationen är sparad.").waitFor();
  await nurse.locator("#prescriptions tr", { hasText: `${t1}, ${t2}` }).waitFor();

  // The staff app: the visit shows the client's signings, what is due first.
  await worker.goto(`${demo.url}/app`);
  await worker.getByRole("heading", { name: "Dagens besök" }).waitFor();
  await worker.evaluate(() => navigator.serviceWorker.ready);
  await worker.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await worker.locator(`a.app-visit[data-key="${item.plan_id}/${item.date}"]`).click();
  await worker.getByRole("heading", { name: client.name }).waitFor();
  const first = worker.locator(".app-signing", { hasText: `${t1} Insulin` });
  const second = worker.locator(".app-signing", { hasText: `${t2} Insulin` });
  await first.getByText("Att signera").waitFor();
  await second.getByText("Att signera").waitFor();
  assert.deepEqual(await englishOn(worker), []);

  // Offline: the first is signed "given" into the outbox, and syncs when the network is back.
  const ctx = worker.context();
  await ctx.setOffline(true);
  await first.getByRole("button", { name: "Signera" }).click();
  await first.getByText("Signerad, väntar på att skickas").waitFor();
  assert.equal(await waiting(worker), 1);
  await ctx.setOffline(false);
  await worker.waitForFunction(() => document.querySelector("#outbox-count").dataset.queued === "0", null, { timeout: 15000 });
  await first.getByText(/^Given · /).waitFor({ timeout: 15000 });
  let list = await (await worker.request.get(`${demo.url}/api/v1/app/clients/${client.id}/signings`)).json();
  const signed = list.occasions.find((o) => o.time === t1);
  assert.equal(signed.signing?.outcome, "given");
  assert.equal(signed.signing?.flagged, false);

  // The phone loses its network (and so keeps the list it has), and the nurse revokes the
  // delegation meanwhile: it ends at once. (Offline before the revocation, so that no refresh
  // of the phone's list still on its way can bring the revoked state before the worker signs.)
  await second.getByRole("button", { name: "Signera" }).waitFor();
  await ctx.setOffline(true);
  await nurse.goto(delegationUrl);
  nurse.once("dialog", (dlg) => dlg.accept());
  await nurse.getByLabel("Skäl").selectOption({ label: "Behovet har upphört" });
  await nurse.getByRole("button", { name: "Återkalla" }).click();
  await nurse.getByText("Delegeringen är återkallad och gäller inte längre.").waitFor();
  await nurse.locator("#delegation-status", { hasText: "Återkallad" }).waitFor();

  // The phone still holds the list from before; signed offline after the revocation, the
  // second occasion is refused when it reaches the server, and the app says so.
  await second.getByRole("button", { name: "Signera" }).click();
  await second.getByText("Signerad, väntar på att skickas").waitFor();
  await ctx.setOffline(false);
  const refused = worker.locator("#refused li", { hasText: "Signering" });
  await refused.waitFor({ timeout: 15000 });
  await second.getByText("Signeringen togs inte emot").waitFor();
  list = await (await worker.request.get(`${demo.url}/api/v1/app/clients/${client.id}/signings`)).json();
  const refusedOccasion = list.occasions.find((o) => o.time === t2);
  assert.equal(refusedOccasion.signing, null, "the refused signing was not stored");
  assert.equal(refusedOccasion.may_sign, false, "no valid delegation any more");

  // The client's signing history: the signing with its signer; the PDF for the health record.
  await nurse.goto(`${demo.url}/clients/${client.id}/signings`);
  await nurse.getByRole("heading", { name: `Signeringshistorik: ${client.name}` }).waitFor();
  const row = nurse.locator("tbody tr", { hasText: t1 }).filter({ hasText: "Insulin" });
  await row.getByText("Given").waitFor();
  await row.getByText(me.display_name).waitFor();
  assert.deepEqual(await englishOn(nurse), []);
  const pdfHref = await nurse.getByRole("link", { name: "Ladda ner PDF" }).getAttribute("href");
  const pdf = await nurse.request.get(new URL(pdfHref, demo.url).href);
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()["content-type"], "application/pdf");
  const bytes = await pdf.body();
  assert.equal(bytes.subarray(0, 5).toString("latin1"), "%PDF-");
  const csv = await nurse.request.get(new URL(pdfHref.replace("format=pdf", "format=csv"), demo.url).href);
  assert.equal(csv.status(), 200);
  const lines = (await csv.text()).trim().split("\n");
  assert.ok(lines.some((l) => l.includes(`,${t1},`) && l.includes(",given,")), lines.join("\n"));
  await worker.context().close();
  await nurse.context().close();
});

test("the hub's missed signings are live; a nurse sets her unit's escalation ladder, and a ladder out of order is refused beside the form", async () => {
  // The private provider's nurse (the other test's nurse has used her code of this half-minute).
  const nurse = await loggedIn(browser, demo, "lovnurse", DESKTOP);
  const me = await (await nurse.request.get(`${demo.url}/api/v1/me`)).json();
  await nurse.goto(`${demo.url}/delegation`);
  // The list of missed signings is fed by the server (server-sent events) and says it is live.
  await nurse.locator("#missed [data-live-on]").waitFor({ state: "visible" });
  const unit = nurse.locator("#units a:not(.report-link)").first();
  const unitName = (await unit.textContent()).trim();
  await unit.click();
  await nurse.getByRole("link", { name: "Eskalering av missade signeringar" }).click();
  await nurse.getByRole("heading", { name: `Eskalering av missade signeringar: ${unitName}` }).waitFor();
  assert.deepEqual(await englishOn(nurse), []);

  // Out of order: a second step before the first one's minutes.
  const step = (n) => nurse.locator(`fieldset[data-step="${n}"]`);
  await step(0).getByLabel("Minuter efter att fönstret stängde").fill("20");
  await step(1).getByLabel("Minuter efter att fönstret stängde").fill("10");
  await step(1).getByLabel("Enhetschefen").check();
  await nurse.getByRole("button", { name: "Spara eskaleringen" }).click();
  await nurse.locator("#ladder-after_minutes-error").waitFor();
  assert.match(await nurse.locator("#ladder-after_minutes-error").textContent(), /stigande/);
  assert.equal(await step(1).getByLabel("Minuter efter att fönstret stängde").inputValue(), "10", "what was typed is kept");

  // In order, with herself named at the second step.
  await step(0).getByLabel("Minuter efter att fönstret stängde").fill("0");
  await step(1).getByLabel("Minuter efter att fönstret stängde").fill("30");
  await step(1).getByLabel("Enhetschefen").uncheck();
  await step(1).getByLabel(me.display_name).check();
  await nurse.getByRole("button", { name: "Spara eskaleringen" }).click();
  await nurse.getByText("Eskaleringen är sparad.").waitFor();
  assert.equal(await nurse.locator("#ladder-default").count(), 0, "the unit has its own ladder now");
  assert.equal(await step(1).getByLabel("Minuter efter att fönstret stängde").inputValue(), "30");
  assert.ok(await step(1).getByLabel(me.display_name).isChecked());
  assert.ok(!(await step(1).getByLabel("Enhetschefen").isChecked()));
  await nurse.context().close();
});

/** The ISO week (`2026-W49`) of a `YYYY-MM-DD` date. */
function isoWeek(date) {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 3 - ((d.getUTCDay() + 6) % 7)); // the week's Thursday
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d - yearStart) / 86400000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

test("the unit manager reads a unit's week of missed and late signings: the demo's missed occasion is on it, and its CSV downloads", async () => {
  // The unit manager (the nurse logged in a moment ago: her code would be a replay).
  const nurse = await loggedIn(browser, demo, "unitmanager", DESKTOP);
  await nurse.goto(`${demo.url}/delegation`);
  // The demo's occasion left unsigned, from the overview: its client and the day it was due.
  const missedRow = nurse.locator("#missed tbody tr").first();
  await missedRow.waitFor();
  const client = (await missedRow.locator("td").nth(0).textContent()).trim();
  const due = (await missedRow.locator("td").nth(2).textContent()).trim();
  const week = isoWeek(due.slice(0, 10));

  // From the hub to a unit, and from the unit's page to its report of this week.
  const unitLinks = await nurse.locator("#units a:not(.report-link)").evaluateAll((as) => as.map((a) => a.href));
  assert.ok(unitLinks.length > 0);
  let found = null;
  for (const u of unitLinks) {
    await nurse.goto(u);
    await nurse.getByRole("link", { name: "Missade och sena signeringar per vecka" }).click();
    await nurse.getByRole("heading", { name: /^Missade och sena signeringar: / }).waitFor();
    assert.match(await nurse.locator("#week").inputValue(), /^\d{4}-W\d{2}$/);
    // The week of the missed occasion (this one, or the one before on a Monday morning).
    await nurse.locator("#week").fill(week);
    await nurse.getByRole("button", { name: "Visa" }).click();
    await nurse.waitForURL(new RegExp(`week=${week}$`));
    if (await nurse.locator('#exceptions tr[data-kind="missed"]', { hasText: client }).count()) {
      found = u;
      break;
    }
  }
  assert.ok(found, `${client}'s missed occasion of ${due} in a unit's report of ${week}`);
  const row = nurse.locator('#exceptions tr[data-kind="missed"]', { hasText: client }).first();
  await row.getByText("Missad").waitFor();
  assert.ok((await row.textContent()).includes(due.slice(0, 10)));
  const missedCount = Number(await nurse.locator('#week-total td[data-count="missed"]').textContent());
  assert.ok(missedCount >= 1, "the week's total counts it");
  assert.deepEqual(await englishOn(nurse), []);

  // The weeks before and after are a click away.
  await nurse.locator("#week-previous").click();
  await nurse.waitForURL(/week=\d{4}-W\d{2}$/);
  assert.notEqual(new URL(nurse.url()).searchParams.get("week"), week);
  await nurse.getByRole("heading", { name: /^Missade och sena signeringar: / }).waitFor();

  // The CSV of the week holds the missed occasion.
  const csv = await nurse.request.get(`${found}/report?week=${week}&format=csv`);
  assert.equal(csv.status(), 200);
  assert.match(csv.headers()["content-type"], /^text\/csv/);
  const lines = (await csv.text()).trim().split("\n");
  assert.ok(lines.some((l) => l.startsWith("missed,") && l.includes(client)), lines.join("\n"));

  // At phone width (axe checks it again there): the page fits, its tables scroll in their frame.
  await nurse.setViewportSize(PHONE);
  await nurse.goto(`${found}/report?week=${week}`);
  await nurse.getByRole("heading", { name: /^Missade och sena signeringar: / }).waitFor();
  const overflow = await nurse.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);

  // A week written wrongly: a clear page in Swedish, not a server error.
  const bad = await nurse.goto(`${found}/report?week=2026-W99`);
  assert.equal(bad.status(), 422);
  await nurse.getByText(/ange vecka som ÅÅÅÅ-Wvv/).waitFor();
  assert.deepEqual(await englishOn(nurse), []);
  await nurse.context().close();
});
