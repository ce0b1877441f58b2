// Live lists never freeze while someone types, and a new alarm draws attention. A safety alarm
// sent by the PyPI dialler (my-dc09-spt / siadc09, as in alarms.test.mjs) is counted in the alarm
// centre's tab title and announced in its live region; a second alarm dispatched to the night
// patrol appears on the patrol's phone while a note is half typed there, and the operator's alarm
// page follows the patrol's acknowledgement while a call note is half typed: the notes, the focus
// and the caret survive. The demo's login page keeps its one-time codes current.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo, dial, loggedIn as signIn, totp } from "../lib/vaka.mjs";

let demo;
let browser;
withDemo((d, b) => {
  demo = d;
  browser = b;
});

/** A personal alarm from a demo account, sent by the PyPI dialler (with the account's key if it
 * has one); checks the ACK. */
function sendAlarm(account) {
  const key = account.key_hex ? ["--key-hex", account.key_hex] : [];
  const sent = dial(demo, account.account, "kept-open", key);
  assert.equal(sent.sent[0].answer_kind, "ACK", JSON.stringify(sent.sent[0]));
}

function loggedIn(username, viewport) {
  return signIn(browser, demo, username, viewport);
}

/** The alarm operator's page, logged in once for the file (a second login within the same
 * 30-second step would replay the code). */
let operator;
async function alarmOperator() {
  operator ??= await loggedIn("alarmoperator");
  return operator;
}

/** The waiting (untaken) row of an account's alarm in the operator's queue, once it is there. */
async function waitingRow(op, account) {
  const row = op.locator(`tr[data-account="${account}"].alarm-received`).first();
  await row.waitFor({ timeout: 15000 });
  return row;
}

/** The operator takes the alarm of `row` and dispatches the night patrol; returns its id. */
async function takeAndDispatch(op, row) {
  const id = await row.getAttribute("data-alarm");
  await row.getByRole("button", { name: "Ta larmet" }).click();
  await op.waitForURL(new RegExp(`/alarms/${id}`));
  await op.getByLabel("Larma ut till").selectOption("night_patrol");
  await op.getByRole("button", { name: "Larma ut", exact: true }).click();
  await op.locator("[data-state]", { hasText: "Utlarmat" }).waitFor();
  return id;
}

/** Whether the tab's title is `title`, led by the count of waiting rows when there are any (run
 * in the page). */
function counted(title) {
  const n = document.querySelectorAll("[data-live] [data-waiting]").length;
  return document.title === (n ? `(${n}) ${title}` : title);
}

/** The focused field's id, value and selection. */
function editing(page) {
  return page.evaluate(() => {
    const a = document.activeElement;
    return { id: a.id, value: a.value, start: a.selectionStart, end: a.selectionEnd };
  });
}

test("a new alarm is counted in the tab title and announced; the sound and notifications are turned on once per tab", async () => {
  const account = demo.creds.sia_dc09.accounts.find((a) => a.key_hex === null);
  const op = await alarmOperator();
  // The beeps and notifications the page makes are counted (the browser's own are kept, and
  // `document.hidden` is set by the test).
  await op.context().addInitScript(() => {
    window.__beeps = 0;
    window.__notes = [];
    const Audio = window.AudioContext;
    window.AudioContext = class extends Audio {
      createOscillator() { window.__beeps += 1; return super.createOscillator(); }
    };
    window.Notification = class {
      constructor(title, o) { window.__notes.push(`${title}: ${o.body}`); }
      static get permission() { return "granted"; }
      static requestPermission() { return Promise.resolve("granted"); }
    };
    Object.defineProperty(document, "hidden", { configurable: true, get: () => window.__hidden === true });
  });
  await op.goto(`${demo.url}/alarms`);
  await op.getByText("Direktuppdaterad").waitFor();
  const region = op.locator("[aria-live=assertive][data-attention-announce]");
  assert.equal((await region.textContent()).trim(), "");

  sendAlarm(account);
  const row = await waitingRow(op, account.account);
  assert.ok(await row.evaluate((r) => r.hasAttribute("data-waiting")));
  const client = (await row.locator("td").nth(2).textContent()).replace(/Konto.*/s, "").trim();
  // The title counts the waiting alarms; the live region says what came, in Swedish.
  await op.waitForFunction(counted, "Larmcentral · Vaka");
  await op.waitForFunction(
    (c) => document.querySelector("[data-attention-announce]").textContent === `Nytt larm: Personlarm – ${c}`,
    client,
  );
  // A fresh personal alarm is the loudest row: red, not the calm white of the others.
  const bg = await row.evaluate((r) => getComputedStyle(r).backgroundColor);
  assert.equal(bg, "rgb(251, 220, 220)");

  // Sound and notifications: off until the operator turns them on (a gesture; a beep says it
  // works), then kept for the tab's session.
  assert.equal(await op.evaluate(() => window.__beeps), 0);
  const toggle = op.getByRole("button", { name: "Slå på ljud och aviseringar för nya larm" });
  await toggle.click();
  await op.getByRole("button", { name: "Stäng av ljud och aviseringar" }).waitFor();
  await op.getByText("Ljud och aviseringar är på.").waitFor();
  assert.ok(await op.evaluate(() => window.__beeps) > 0, "a beep when turned on");
  await op.reload();
  await op.getByRole("button", { name: "Stäng av ljud och aviseringar" }).waitFor();
  // Still counted after a reload.
  await op.waitForFunction(counted, "Larmcentral · Vaka");
  assert.match(await op.title(), /^\(\d+\) Larmcentral/);

  // Taken, it no longer waits: the count leaves the title.
  const id = await row.getAttribute("data-alarm");
  await row.getByRole("button", { name: "Ta larmet" }).click();
  await op.waitForURL(new RegExp(`/alarms/${id}`));
  await op.goto(`${demo.url}/alarms`);
  await op.getByText("Direktuppdaterad").waitFor();
  assert.equal(await op.locator(`tr[data-alarm="${id}"][data-waiting]`).count(), 0);
  await op.waitForFunction(counted, "Larmcentral · Vaka");

  // In English, the same words come from the English messages.
  await op.getByRole("button", { name: "In English" }).click();
  await op.getByRole("heading", { name: "Alarm centre" }).waitFor();
  await op.getByText("Live", { exact: true }).waitFor();
  // With the tab hidden, a new alarm beeps and shows a notification without the client's name.
  await op.evaluate(() => { window.__hidden = true; });
  const second = demo.creds.sia_dc09.accounts.filter((a) => a.key_hex === null)[1];
  sendAlarm(second);
  await waitingRow(op, second.account);
  await op.waitForFunction(() => /^New alarm: Personal alarm – /.test(document.querySelector("[data-attention-announce]").textContent));
  await op.waitForFunction(counted, "Alarm centre · Vaka");
  assert.deepEqual(await op.evaluate(() => window.__notes), ["New alarm in Vaka: Personal alarm"]);
  assert.ok(await op.evaluate(() => window.__beeps) > 0, "a beep for the new alarm");
  await op.getByRole("button", { name: "På svenska" }).click();
  await op.getByRole("heading", { name: "Larmcentral" }).waitFor();
});

test("a dispatched alarm reaches the patrol within 2 s while a note is half typed, and the operator's alarm page follows while a call note is half typed", async () => {
  // Accounts the first test did not use (their alarms are still open).
  const accounts = demo.creds.sia_dc09.accounts.filter((a) => a.key_hex !== null);
  const op = await alarmOperator();
  const patrol = await loggedIn("nightpatrol", { width: 390, height: 844 });
  await op.goto(`${demo.url}/alarms`);
  await op.getByText("Direktuppdaterad").waitFor();

  // A first alarm, with the patrol at the client's: the close form with its note is open.
  sendAlarm(accounts[0]);
  const first = await takeAndDispatch(op, await waitingRow(op, accounts[0].account));
  await patrol.goto(`${demo.url}/patrol`);
  await patrol.getByText("Direktuppdaterad").waitFor();
  const card = patrol.locator(`section.alarm-card[data-alarm="${first}"]`);
  await card.getByRole("button", { name: "Kvittera" }).click();
  await card.getByRole("button", { name: "På väg" }).click();
  await card.getByRole("button", { name: "Framme" }).click();
  await patrol.getByText("Direktuppdaterad").waitFor();

  // Half a note typed, the caret put back inside it.
  const note = card.getByLabel(/Vad hände/);
  await note.click();
  await patrol.keyboard.type("Brukaren sitter på golvet, hjälpt upp");
  await note.evaluate((t) => t.setSelectionRange(9, 15));
  const before = await editing(patrol);
  assert.equal(before.value, "Brukaren sitter på golvet, hjälpt upp");

  // A second alarm, from another client, dispatched to the patrol.
  const other = accounts[1];
  await op.goto(`${demo.url}/alarms`);
  sendAlarm(other);
  const second = await takeAndDispatch(op, await waitingRow(op, other.account));
  const dispatched = Date.now();
  const arrived = patrol.locator(`section.alarm-card[data-alarm="${second}"]`);
  await arrived.waitFor({ timeout: 2000 });
  assert.ok(Date.now() - dispatched <= 2000, "the dispatched alarm appears within 2 s");
  await arrived.getByRole("button", { name: "Kvittera" }).waitFor();
  // Counted and announced on the patrol's phone too.
  await patrol.waitForFunction(counted, "Utryckningar · Vaka");
  await patrol.waitForFunction(() => /^Nytt larm: Personlarm – /.test(document.querySelector("[data-attention-announce]").textContent));
  // The note, its focus and its selection are as they were.
  assert.deepEqual(await editing(patrol), before);
  await patrol.keyboard.type("X");
  assert.equal(await note.inputValue(), "Brukaren X på golvet, hjälpt upp");

  // The operator, on the second alarm's page, half types a call note.
  const call = op.getByLabel("Samtalsanteckning");
  await call.click();
  await op.keyboard.type("Ringt brukaren, svarar inte");
  await call.evaluate((t) => t.setSelectionRange(6, 6));
  const typed = await editing(op);
  // The patrol acknowledges: the operator's page shows it within 2 s, the note untouched.
  await arrived.getByRole("button", { name: "Kvittera" }).click();
  const acknowledged = Date.now();
  await op.locator("[data-state]", { hasText: "Kvitterat" }).first().waitFor({ timeout: 2000 });
  assert.ok(Date.now() - acknowledged <= 2000, "the acknowledgement appears within 2 s");
  assert.deepEqual(await editing(op), typed);
});

/** The contrast ratio of two `rgb(r, g, b)` colours (WCAG 2.1). */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/\d+/g).slice(0, 3).map((v) => {
      const x = Number(v) / 255;
      return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test("the demo login page's codes follow the 30-second steps without a reload; a local favicon, a visible focus ring, no CSP errors", async () => {
  const user = demo.creds.users.find((u) => u.totp_secret);
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(`${demo.url}/login`);

  // The favicon is Vaka's own, served from Vaka.
  const icon = await page.locator("link[rel=icon]").getAttribute("href");
  assert.equal(icon, "/static/favicon.svg");
  const res = await page.request.get(`${demo.url}${icon}`);
  assert.equal(res.status(), 200);
  assert.match(res.headers()["content-type"], /^image\/svg\+xml/);
  // The focus ring stands out from white (≥ 3:1).
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  const ring = await page.evaluate(() => {
    const s = getComputedStyle(document.activeElement);
    return { style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor };
  });
  assert.equal(ring.style, "solid");
  assert.ok(ring.width >= 2, `outline ${ring.width}px`);
  assert.ok(contrast(ring.color, "rgb(255, 255, 255)") >= 3, `focus ring ${ring.color} on white`);

  await page.getByLabel("Användarnamn").fill("halvskrivet");
  const code = page.locator(`[data-demo-code="${user.username}"]`);
  const next = totp(user.totp_secret, 1);
  await page.waitForFunction(
    ([u, c]) => document.querySelector(`[data-demo-code="${u}"]`).textContent === c,
    [user.username, next],
    { timeout: 35000 },
  );
  assert.equal(await code.textContent(), next);
  assert.equal(await page.getByLabel("Användarnamn").inputValue(), "halvskrivet");
  assert.deepEqual(errors.filter((e) => /Content Security Policy/i.test(e)), []);
  await ctx.close();
});
