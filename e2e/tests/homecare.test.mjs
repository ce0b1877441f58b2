// Home care as those who lead it meet it in `vaka demo`: the LOV provider's unit manager
// (`lovmanager`) opens last week's visits and corrects a visit's time — a correction without a
// reason is refused in Swedish and changes nothing; with a reason and a text it is stored and
// the original is kept and shown. The workers confirm the week in the staff app on a phone
// (`/app/week`), and only then may the manager approve it. The municipality (`manager`) sets a
// lock date, after which a correction is refused. The month's payment basis shows the corrected
// visit, as a page, a CSV (parsed) and a PDF. The in-house unit's manager (`unitmanager`) sees
// their own unit's visits and not the provider's. No English sentence on the Swedish pages.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo, loggedIn, PHONE, englishOn } from "../lib/vaka.mjs";
import { pdfText } from "../lib/pdf.mjs";

let demo;
let browser;
withDemo((d, b) => {
  demo = d;
  browser = b;
});


/** One logged-in page per user (a second login within the same 30 s would replay the code). */
const sessions = new Map();
async function as(username, viewport) {
  if (!sessions.has(username)) sessions.set(username, await loggedIn(browser, demo, username, viewport));
  return sessions.get(username);
}

// Dates in Stockholm, `YYYY-MM-DD`.
const ymd = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Stockholm", year: "numeric", month: "2-digit", day: "2-digit" });
function addDays(day, n) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
function mondayOf(day) {
  return addDays(day, -((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7));
}
/** A `datetime-local` value moved by `minutes` (wall-clock arithmetic; no DST in the weeks the
 * demo's visits fall in would matter for a move of a few minutes in daytime). */
function shiftLocal(value, minutes) {
  const d = new Date(`${value}:00Z`);
  d.setUTCMinutes(d.getUTCMinutes() + minutes);
  return d.toISOString().slice(0, 16);
}

const today = ymd.format(new Date());
/** Last week: over, so that it may be approved; the demo's visits of the past seven days
 * always reach into it. */
const monday = addDays(mondayOf(today), -7);
const sunday = addDays(monday, 6);

/** A CSV (RFC 4180: quoted cells, doubled quotes) as rows of cells. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(cell); cell = ""; } else if (c === "\n") { row.push(cell.replace(/\r$/, "")); rows.push(row); row = []; cell = ""; } else cell += c;
  }
  if (cell !== "" || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

const CSV_HEADER = ["month", "provider_id", "provider", "client_id", "identity", "client", "task",
  "granted_minutes", "performed_minutes", "paid_minutes", "rule"];

/** The payment basis CSV of `month` as the page links it; asserts its header. */
async function basisCsv(page, month) {
  await page.goto(`${demo.url}/homecare/payment?month=${month}`);
  await page.getByRole("heading", { name: "Ersättningsunderlag" }).waitFor();
  const href = await page.getByRole("link", { name: "Ladda ner CSV (ekonomisystemet)" }).getAttribute("href");
  const res = await page.request.get(new URL(href, demo.url).href);
  assert.equal(res.status(), 200);
  assert.match(res.headers()["content-type"], /^text\/csv/);
  const rows = parseCsv(await res.text());
  assert.deepEqual(rows[0], CSV_HEADER);
  return { href, rows: rows.slice(1).filter((r) => r.length > 1) };
}

/** A client's performed minutes in the basis (all their tasks). */
function performedOf(rows, client) {
  const mine = rows.filter((r) => r[5] === client);
  assert.ok(mine.length > 0, `no row of ${client}`);
  return mine.reduce((sum, r) => sum + Number(r[8]), 0);
}

/** The rows of a unit's visit table. */
async function visitRows(page) {
  return page.$$eval("main table tbody tr", (trs) => trs.filter((tr) => tr.querySelector("a[href^='/homecare/visits/']")).map((tr) => {
    const td = [...tr.querySelectorAll("td")].map((c) => c.textContent.replace(/\s+/g, " ").trim());
    return {
      href: tr.querySelector("a").getAttribute("href"),
      date: td[0], time: td[1], client: td[2], worker: td[3], minutes: Number(td[6]), flags: td[8],
    };
  }));
}

const displayName = (username) => demo.user(username).display_name;

/** What the steps share: the unit, the visit corrected, its times and minutes. */
const s = {};

test("the LOV unit manager opens last week's visits and corrects a time: the reason is required, the original kept", async () => {
  const page = await as("lovmanager");
  await page.goto(`${demo.url}/homecare`);
  await page.getByRole("heading", { name: "Hemtjänst", exact: true }).waitFor();
  assert.deepEqual(await englishOn(page), []);
  await page.getByRole("link", { name: "Vecka", exact: true }).first().click();
  await page.waitForURL(/\/homecare\/units\/[^/?]+\?view=week$/);
  s.unit = new URL(page.url()).pathname.split("/").pop();
  await page.getByRole("link", { name: "Föregående", exact: true }).click();
  await page.waitForURL(new RegExp(`date=${monday}`));
  await page.getByText(`Vecka ${monday} – ${sunday}`).waitFor();
  assert.deepEqual(await englishOn(page), []);

  // A visit of lovstaff's last week, ended and not corrected before.
  const rows = await visitRows(page);
  assert.ok(rows.length > 0, "the demo has visits last week");
  const workers = new Set(rows.map((r) => r.worker));
  for (const w of workers) {
    assert.ok([displayName("lovstaff"), displayName("lovstaff2")].includes(w), `${w} is no worker of the LOV unit`);
  }
  const row = rows.find((r) => r.worker === displayName("lovstaff") && !/rättad|pågår/.test(r.flags));
  assert.ok(row, JSON.stringify(rows));
  assert.ok(row.date >= monday && row.date <= sunday, row.date);
  Object.assign(s, { visitUrl: `${demo.url}${row.href}`, visitId: row.href.split("/").pop(), date: row.date, client: row.client, minutes: row.minutes, month: row.date.slice(0, 7) });

  // The payment basis before the correction (the client's performed minutes of the month).
  s.before = performedOf((await basisCsv(page, s.month)).rows, s.client);

  await page.goto(s.visitUrl);
  await page.getByRole("heading", { name: new RegExp(`^Besök: ${s.client}, ${s.date}`) }).waitFor();
  assert.match(await page.locator("main").innerText(), /Inga rättelser\./);
  const start = page.getByLabel("Start", { exact: true });
  s.start = await start.inputValue();
  s.newStart = shiftLocal(s.start, -10);
  const phoneStart = await page.locator("dt:text-is('Start (telefonens tid)') + dd").innerText();
  // A second tab with the same form, left open: used once the period is locked.
  s.stale = await page.context().newPage();
  await s.stale.goto(s.visitUrl);

  // Without a reason: refused by the server (the browser's own check is turned off, as in a
  // browser without it), in Swedish, and nothing changes.
  await start.fill(s.newStart);
  await page.getByLabel("Beskrivning").fill("Brukaren berättar att besöket började tio minuter tidigare.");
  await page.locator("#correction").evaluate((f) => { f.noValidate = true; });
  const refused = page.waitForResponse((r) => r.url().endsWith(`/homecare/visits/${s.visitId}/corrections`));
  await page.getByRole("button", { name: "Spara rättelsen" }).click();
  assert.equal((await refused).status(), 422);
  await page.getByText("välj orsak till rättelsen").first().waitFor();
  assert.equal(await page.getByLabel("Orsak").getAttribute("aria-invalid"), "true");
  assert.deepEqual(await englishOn(page), []);
  await page.goto(s.visitUrl);
  assert.match(await page.locator("main").innerText(), /Inga rättelser\./);
  assert.equal(await page.getByLabel("Start", { exact: true }).inputValue(), s.start, "nothing changed");

  // With a reason and a text: stored; the original start is kept beside the new one.
  await page.getByLabel("Start", { exact: true }).fill(s.newStart);
  await page.getByLabel("Orsak").selectOption({ label: "Fel tid" });
  await page.getByLabel("Beskrivning").fill("Brukaren berättar att besöket började tio minuter tidigare.");
  await page.getByRole("button", { name: "Spara rättelsen" }).click();
  await page.getByText("Rättelsen är sparad.").waitFor();
  const history = page.locator("section", { has: page.getByRole("heading", { name: "Rättelser" }) }).locator("tbody tr");
  assert.equal(await history.count(), 1);
  const cells = (await history.first().locator("td").allInnerTexts()).map((t) => t.trim());
  const hm = (v) => v.slice(11, 16);
  assert.equal(cells[1], displayName("lovmanager"));
  assert.equal(cells[2], "Start");
  assert.ok(cells[3].includes(hm(s.start)), `the original start ${hm(s.start)} in ${cells[3]}`);
  assert.ok(cells[4].includes(hm(s.newStart)), `the new start ${hm(s.newStart)} in ${cells[4]}`);
  assert.equal(cells[5], "Fel tid");
  assert.equal(cells[6], "Brukaren berättar att besöket började tio minuter tidigare.");
  assert.equal(await page.getByLabel("Start", { exact: true }).inputValue(), s.newStart);
  // The phone's own time never changes.
  assert.equal(await page.locator("dt:text-is('Start (telefonens tid)') + dd").innerText(), phoneStart);
  assert.match(await page.locator("dt:text-is('Markeringar') + dd").innerText(), /rättad/);
  assert.equal(Number(await page.locator("dt:text-is('Minuter') + dd").innerText()), s.minutes + 10);
  assert.deepEqual(await englishOn(page), []);
});

test("the approval waits for the workers; each confirms their week on the phone", async () => {
  const mgr = await as("lovmanager");
  await mgr.goto(`${demo.url}/homecare/units/${s.unit}?view=week&date=${monday}`);
  const approval = mgr.locator("section", { has: mgr.getByRole("heading", { name: "Attest" }) });
  await approval.getByRole("heading", { name: "Personalens bekräftelser" }).waitFor();
  assert.equal(await approval.getByRole("button", { name: "Attestera veckan" }).count(), 0, "no approval before the confirmations");
  await approval.getByText("Veckan kan attesteras när alla som gjort besök har bekräftat sin vecka i besöksappen.").waitFor();
  const waiting = (await approval.locator("li").allInnerTexts()).filter((t) => t.includes("har inte bekräftat")).map((t) => t.split(":")[0].trim());
  assert.ok(waiting.includes(displayName("lovstaff")), JSON.stringify(waiting));
  assert.deepEqual(await englishOn(mgr), []);
  const usernames = waiting.map((name) => demo.creds.users.find((u) => u.display_name === name).username);

  // lovstaff on the phone: the app's "Min vecka", last week, the corrected visit among them.
  const phone = await as("lovstaff", PHONE);
  await phone.goto(`${demo.url}/app`);
  await phone.getByRole("heading", { name: "Dagens besök" }).waitFor();
  await phone.getByRole("link", { name: "Min vecka: se och bekräfta veckans besök" }).click();
  await phone.waitForURL(/\/app\/week$/);
  await phone.getByRole("heading", { name: "Min vecka" }).waitFor();
  await phone.getByRole("link", { name: "Föregående vecka" }).click();
  await phone.waitForURL(new RegExp(`/app/week\\?week=${monday}$`));
  const item = phone.locator(`li[data-visit="${s.visitId}"]`);
  await item.waitFor();
  const text = await item.innerText();
  assert.match(text, /Rättad/);
  assert.ok(text.includes(s.client), text);
  assert.ok(text.includes(`${s.minutes + 10} min`), text);
  assert.ok(text.includes(s.newStart.slice(11, 16)), `the corrected start in ${text}`);
  // Only their own visits.
  const shown = await phone.locator("#week-visits li").count();
  assert.ok(shown > 0);
  const box = phone.locator("#week-confirm");
  await box.getByText("Inte bekräftad").waitFor();
  assert.deepEqual(await englishOn(phone), []);
  const fits = await phone.evaluate(() => document.scrollingElement.scrollWidth <= window.innerWidth);
  assert.ok(fits, "the week fits the phone's width");
  await box.getByRole("button", { name: "Bekräfta veckan" }).click();
  await box.locator(".badge", { hasText: /^Bekräftad / }).waitFor();
  await box.getByRole("status").getByText("Tack! Veckan är bekräftad.", { exact: false }).waitFor();
  assert.equal(await box.getByRole("button", { name: "Bekräfta veckan" }).isVisible(), false);
  // The confirmation is the server's: it is there after a reload.
  await phone.reload();
  await phone.locator("#week-confirm .badge", { hasText: /^Bekräftad / }).waitFor();
  assert.deepEqual(await englishOn(phone), []);

  // The others who made visits that week confirm theirs too.
  for (const username of usernames.filter((u) => u !== "lovstaff")) {
    const other = await as(username, PHONE);
    await other.goto(`${demo.url}/app/week?week=${monday}`);
    await other.getByRole("button", { name: "Bekräfta veckan" }).click();
    await other.locator("#week-confirm .badge", { hasText: /^Bekräftad / }).waitFor();
  }
});

test("once all have confirmed, the manager approves the week", async () => {
  const mgr = await as("lovmanager");
  await mgr.goto(`${demo.url}/homecare/units/${s.unit}?view=week&date=${monday}`);
  const approval = mgr.locator("section", { has: mgr.getByRole("heading", { name: "Attest" }) });
  const confirmations = await approval.locator("li").allInnerTexts();
  assert.ok(confirmations.length > 0 && confirmations.every((t) => t.includes("bekräftade")), JSON.stringify(confirmations));
  await approval.getByRole("button", { name: "Attestera veckan" }).click();
  await mgr.getByText("Veckan är attesterad.").waitFor();
  await mgr.getByText(/Veckan attesterades \d/).waitFor();
  assert.deepEqual(await englishOn(mgr), []);

  const phone = await as("lovstaff", PHONE);
  await phone.goto(`${demo.url}/app/week?week=${monday}`);
  await phone.locator("#week-confirm").getByText("Attesterad av enhetschefen").waitFor();
});

test("a lock date closes the period: a later correction is refused", async () => {
  // The provider's name, as the payment page names it.
  const mgr = await as("lovmanager");
  await mgr.goto(`${demo.url}/homecare/payment?month=${s.month}`);
  s.provider = (await mgr.locator("#pay-provider option:checked").innerText()).trim();

  const municipality = await as("manager");
  await municipality.goto(`${demo.url}/homecare`);
  await municipality.getByRole("link", { name: "Låsdatum" }).click();
  await municipality.getByRole("heading", { name: "Låsdatum" }).waitFor();
  const row = municipality.locator("tbody tr", { hasText: s.provider });
  await row.getByLabel("Låst till och med").fill(sunday);
  await row.getByRole("button", { name: "Spara" }).click();
  await municipality.getByText("Låsdatumet är sparat.").waitFor();
  assert.equal((await municipality.locator("tbody tr", { hasText: s.provider }).locator("td").first().innerText()).trim(), s.provider);
  assert.ok((await municipality.locator("tbody tr", { hasText: s.provider }).innerText()).includes(sunday));
  assert.deepEqual(await englishOn(municipality), []);

  // The tab left open before the lock: its correction is refused, in Swedish.
  const stale = s.stale;
  await stale.getByLabel("Start", { exact: true }).fill(shiftLocal(s.start, -20));
  await stale.getByLabel("Orsak").selectOption({ label: "Fel tid" });
  await stale.getByLabel("Beskrivning").fill("Ytterligare rättelse efter låsdatumet.");
  const refused = stale.waitForResponse((r) => r.url().endsWith(`/homecare/visits/${s.visitId}/corrections`));
  await stale.getByRole("button", { name: "Spara rättelsen" }).click();
  assert.equal((await refused).status(), 409);
  await stale.getByText(`perioden är låst till och med ${sunday}`).first().waitFor();
  assert.deepEqual(await englishOn(stale), []);
  // Nothing changed; the page offers no correction any more.
  await mgr.goto(s.visitUrl);
  const history = mgr.locator("section", { has: mgr.getByRole("heading", { name: "Rättelser" }) }).locator("tbody tr");
  assert.equal(await history.count(), 1);
  await mgr.getByText(`Låst till och med ${sunday}`).waitFor();
  await mgr.getByText("Besöket kan inte rättas här").waitFor();
  assert.equal(await mgr.locator("#correction").count(), 0);
  await stale.close();
});

test("the month's payment basis shows the corrected visit, as a page, a CSV and a PDF", async () => {
  const page = await as("lovmanager");
  const { href, rows } = await basisCsv(page, s.month);
  assert.deepEqual(await englishOn(page), []);
  // The deviations list the corrected visit with its corrected minutes.
  const deviations = page.locator("section", { has: page.getByRole("heading", { name: "Avvikelser" }) }).locator("tbody tr");
  const dev = deviations.filter({ hasText: s.client }).filter({ hasText: s.date }).filter({ hasText: "rättad" });
  assert.equal(await dev.count(), 1);
  const cells = (await dev.locator("td").allInnerTexts()).map((t) => t.trim());
  assert.deepEqual([cells[0], cells[1], cells[2], Number(cells[3])], [s.date, s.client, displayName("lovstaff"), s.minutes + 10]);
  // The CSV: the client's performed minutes are the corrected ones (ten more).
  assert.ok(rows.every((r) => r[0] === s.month && r[2] === s.provider), JSON.stringify(rows[0]));
  assert.equal(performedOf(rows, s.client), s.before + 10);
  // The default rule: performed time, capped at the granted time.
  for (const r of rows.filter((x) => x[5] === s.client)) {
    assert.equal(r[10], "performed_capped");
    assert.equal(Number(r[9]), Math.min(Number(r[8]), Number(r[7])), `${r}`);
  }
  // The PDF.
  const pdfHref = await page.getByRole("link", { name: "Ladda ner PDF" }).getAttribute("href");
  assert.equal(pdfHref, href.replace("format=csv", "format=pdf"));
  const res = await page.request.get(new URL(pdfHref, demo.url).href);
  assert.equal(res.status(), 200);
  assert.equal(res.headers()["content-type"], "application/pdf");
  const body = await res.body();
  assert.equal(body.subarray(0, 5).toString("latin1"), "%PDF-");
  const text = pdfText(body);
  assert.ok(text.includes("Ersättningsunderlag"), "the title");
  assert.ok(text.includes(s.client), "the client");
  assert.ok(text.includes(`${s.date} ${s.client} (${displayName("lovstaff")}, ${s.minutes + 10} min): `), "the corrected visit among the deviations");
});

test("the in-house unit's manager sees their own unit's visits, not the provider's", async () => {
  const page = await as("unitmanager");
  await page.goto(`${demo.url}/homecare`);
  await page.getByRole("link", { name: "Vecka", exact: true }).first().click();
  await page.waitForURL(/\/homecare\/units\/[^/?]+\?view=week$/);
  const unit = new URL(page.url()).pathname.split("/").pop();
  assert.notEqual(unit, s.unit);
  await page.goto(`${demo.url}/homecare/units/${unit}?view=week&date=${monday}`);
  const rows = await visitRows(page);
  assert.ok(rows.length > 0);
  for (const r of rows) {
    assert.ok([displayName("carestaff"), displayName("carestaff2")].includes(r.worker), r.worker);
  }
  assert.deepEqual(await englishOn(page), []);
  const res = await page.goto(`${demo.url}/homecare/units/${s.unit}?view=week&date=${monday}`);
  assert.equal(res.status(), 403);
  const visit = await page.goto(s.visitUrl);
  assert.equal(visit.status(), 403);
  assert.deepEqual(await englishOn(page), []);
});
