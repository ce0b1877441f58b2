// Forms keep what was typed and chosen, and irreversible steps ask first: the alarm card keeps a
// typed call note across "Larma ut" (it goes with the dispatch) and keeps "Annan orsak" after the
// close is refused for want of a note, so the next press closes with that cause; a decision form
// refused for a bad time shows every value again with the error beside the field; ending a
// decision, withdrawing a consent, cancelling a pause, revoking a device key, deactivating a
// device and closing an alarm each ask before they happen.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo, dial, loggedIn as signIn, submitPassword, submitCode, totp } from "../lib/vaka.mjs";

let demo;
let browser;
withDemo((d, b) => {
  demo = d;
  browser = b;
});

const sessions = new Map();

/** A page logged in as a demo user, enrolling a second factor when the user has none yet. One
 * login per user: a second within the same 30 s would replay the code. */
async function loggedIn(username) {
  if (!sessions.has(username)) sessions.set(username, await logIn(username));
  return sessions.get(username);
}

async function logIn(username) {
  const user = demo.user(username);
  if (user.totp_secret) return signIn(browser, demo, username);
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await submitPassword(page, demo, username);
  await page.waitForURL(/\/login\/(code|enrol)$/);
  const secret = (await page.locator("#totp-secret").textContent()).trim();
  await page.getByLabel("Kod", { exact: true }).fill(totp(secret));
  await page.getByRole("button", { name: "Aktivera" }).click();
  await page.getByRole("link", { name: "Fortsätt" }).click();
  await page.getByRole("heading", { name: /Välkommen/ }).waitFor();
  return page;
}

/** Answers the next confirm dialog (`accept` or not) and hands back its message. */
function nextDialog(page, accept) {
  return new Promise((ok) => {
    page.once("dialog", async (d) => {
      assert.equal(d.type(), "confirm");
      const text = d.message();
      if (accept) await d.accept(); else await d.dismiss();
      ok(text);
    });
  });
}

test("the alarm card keeps a typed call note across dispatch and the chosen cause after a refused close", async () => {
  const account = demo.creds.sia_dc09.accounts.find((a) => a.key_hex === null).account;
  const op = await loggedIn("alarmoperator");
  await op.goto(`${demo.url}/alarms`);
  await op.getByText("Direktuppdaterad").waitFor();
  assert.equal(dial(demo, account, "kept-open").sent[0].answer_kind, "ACK");
  const row = op.locator(`tr[data-account="${account}"].alarm-received`).first();
  await row.waitFor({ timeout: 15000 });
  await row.getByRole("button", { name: "Ta larmet" }).click();
  await op.getByText("Sparat.").waitFor();

  // A call note typed, then "Larma ut": the note goes with the dispatch, into the log.
  const note = "Brukaren sitter på golvet i köket, dörren är låst.";
  await op.getByLabel("Samtalsanteckning").fill(note);
  await op.getByLabel("Larma ut till").selectOption("night_patrol");
  await op.getByRole("button", { name: "Larma ut", exact: true }).click();
  await op.locator("[data-state]", { hasText: "Utlarmat" }).waitFor();
  const log = op.locator("#alarm-log ~ table tbody");
  await log.locator("tr", { hasText: "Anteckning" }).getByText(note).waitFor();

  // "Annan orsak" without saying what happened: the close asks first, is refused beside the
  // note, and the cause stays "Annan orsak".
  const cause = op.getByLabel("Orsak", { exact: true });
  await cause.selectOption("other");
  const asked = nextDialog(op, true);
  await op.getByRole("button", { name: "Avsluta larmet" }).click();
  assert.match(await asked, /^Avsluta larmet\?/);
  const error = op.locator("#close-note-error");
  await error.getByText("beskriv vad som hände när orsaken är Annan").waitFor();
  assert.equal(await cause.inputValue(), "other");
  const closeNote = op.getByLabel(/Vad hände/);
  assert.equal(await closeNote.getAttribute("aria-invalid"), "true");
  assert.equal(await closeNote.getAttribute("aria-describedby"), "close-note-error");
  // Focus is on the field to put right, and the summary at the top links to it.
  assert.equal(await op.evaluate(() => document.activeElement.id), "close-note");
  assert.equal(await op.locator("#error-summary a").getAttribute("href"), "#close-note");
  // The live card does not take the error and the choice away while nothing changes.
  await op.getByText("Direktuppdaterad").waitFor();
  await op.waitForTimeout(1500);
  assert.equal(await cause.inputValue(), "other");
  assert.equal(await error.count(), 1);

  // Dismissing the question changes nothing; accepting it closes with the cause chosen.
  await closeNote.fill("Grannen hade redan hjälpt henne upp.");
  const dismissed = nextDialog(op, false);
  await op.getByRole("button", { name: "Avsluta larmet" }).click();
  await dismissed;
  assert.equal((await op.locator("[data-state]").first().textContent()).trim(), "Utlarmat");
  const accepted = nextDialog(op, true);
  await op.getByRole("button", { name: "Avsluta larmet" }).click();
  await accepted;
  await op.getByText("Larmet är avslutat.").waitFor();
  const res = await op.request.get(`${demo.url}/alarms`);
  assert.equal(res.status(), 200);
});

test("a decision form refused for a bad time keeps every value, with the error beside the field", async () => {
  const assessor = await loggedIn("assessor");
  await assessor.goto(`${demo.url}/clients`);
  await assessor.locator("tbody a").first().click();
  const decisions = assessor.locator("#decisions");
  if (!(await decisions.locator("details").getAttribute("open"))) {
    await decisions.getByText("Nytt beslut").click();
  }
  await decisions.getByLabel("Insats").selectOption("night_supervision");
  await decisions.getByLabel("Lag").selectOption({ index: 1 });
  const law = await decisions.getByLabel("Lag").inputValue();
  await decisions.getByLabel("Tillsynsform").selectOption("camera");
  await decisions.getByLabel("Tider", { exact: true }).fill("23:00, 27:15");
  await decisions.getByLabel("Gäller till").fill("2031-12-31");
  await decisions.getByRole("button", { name: "Registrera beslut" }).click();
  await assessor.getByRole("alert").waitFor();

  const again = assessor.locator("#decisions");
  assert.ok(await again.locator("details").getAttribute("open") !== null, "the form is open");
  assert.equal(await again.getByLabel("Insats").inputValue(), "night_supervision");
  assert.equal(await again.getByLabel("Lag").inputValue(), law);
  assert.equal(await again.getByLabel("Tillsynsform").inputValue(), "camera");
  assert.equal(await again.getByLabel("Tider", { exact: true }).inputValue(), "23:00, 27:15");
  assert.equal(await again.getByLabel("Gäller till").inputValue(), "2031-12-31");
  const times = again.getByLabel("Tider", { exact: true });
  assert.equal(await times.getAttribute("aria-invalid"), "true");
  assert.equal(await times.getAttribute("aria-describedby"), "decision-times-hint decision-times-error");
  assert.ok(await again.locator("#decision-times-error").isVisible());
  assert.equal(await assessor.evaluate(() => document.activeElement.id), "decision-times");
  await assessor.locator("#error-summary a").click();
  assert.ok(assessor.url().endsWith("#decision-times"));
});

test("ending a decision, withdrawing a consent, cancelling a pause, revoking a device key and deactivating a device ask first", async () => {
  const assessor = await loggedIn("assessor");
  await assessor.goto(`${demo.url}/clients`);
  // A client with a decision that can be ended and a consent that can be withdrawn.
  const links = await assessor.locator("tbody a[href^='/clients/']").evaluateAll((as) => as.map((a) => a.href));
  let found = false;
  for (const href of links.slice(0, 15)) {
    await assessor.goto(href);
    const end = assessor.locator("#decisions").getByRole("button", { name: "Avsluta" });
    const withdraw = assessor.locator("#consent").getByRole("button", { name: "Återkalla" });
    if (await end.count() === 0 || await withdraw.count() === 0) continue;
    found = true;
    const decisionRows = await assessor.locator("#decisions tbody tr").allTextContents();
    let asked = nextDialog(assessor, false);
    await end.first().click();
    assert.match(await asked, /^Avsluta beslutet\?/);
    asked = nextDialog(assessor, false);
    await withdraw.first().click();
    assert.match(await asked, /^Återkalla samtycket\?/);
    // Dismissed: nothing happened.
    assert.equal(new URL(assessor.url()).search, "");
    assert.deepEqual(await assessor.locator("#decisions tbody tr").allTextContents(), decisionRows);
    break;
  }
  assert.ok(found, "a demo client with a decision and a consent");

  // A pause recorded by the unit manager, then cancelled after the question.
  const manager = await loggedIn("unitmanager");
  await manager.goto(`${demo.url}/clients`);
  const managed = await manager.locator("tbody a[href^='/clients/']").evaluateAll((as) => as.map((a) => a.href));
  let paused = false;
  for (const href of managed.slice(0, 15)) {
    await manager.goto(href);
    const pauses = manager.locator("#pauses");
    if (await pauses.getByText("Registrera uppehåll").count() === 0) continue;
    await pauses.getByText("Registrera uppehåll").click();
    const d = new Date(Date.now() + 20 * 86400000).toISOString().slice(0, 10);
    await pauses.getByLabel("Första natten").fill(d);
    await pauses.getByRole("button", { name: "Spara uppehåll" }).click();
    await manager.getByText("Uppehållet är registrerat.").waitFor();
    const asked = nextDialog(manager, true);
    await manager.locator("#pauses tbody tr", { hasText: d }).getByRole("button", { name: "Ångra" }).click();
    assert.match(await asked, /^Ångra uppehållet\?/);
    await manager.getByText("Uppehållet är borttaget.").waitFor();
    paused = true;
    break;
  }
  assert.ok(paused, "a demo client the unit manager may pause");

  // A device's key and the device itself.
  const admin = await loggedIn("admin");
  await admin.goto(`${demo.url}/devices`);
  const deviceLinks = await admin.locator("tbody a[href^='/devices/']").evaluateAll((as) => as.map((a) => a.href));
  let revoked = false;
  let deactivated = false;
  for (const href of deviceLinks.slice(0, 30)) {
    if (revoked && deactivated) break;
    await admin.goto(href);
    const revoke = admin.getByRole("button", { name: "Spärra nyckel" });
    if (!revoked && await revoke.count() > 0) {
      const asked = nextDialog(admin, false);
      await revoke.click();
      assert.match(await asked, /^Spärra enhetens nyckel\?/);
      assert.equal(await revoke.count(), 1, "dismissed: the key is not revoked");
      revoked = true;
    }
    const steps = admin.getByLabel("Steg", { exact: true });
    if (!deactivated && await steps.count() > 0
      && (await steps.locator("option").evaluateAll((os) => os.map((o) => o.value))).includes("deactivate")) {
      const status = (await admin.getByTestId("device-status").textContent()).trim();
      // Another step does not ask.
      await steps.selectOption("deactivate");
      const asked = nextDialog(admin, false);
      await admin.getByRole("button", { name: "Utför" }).click();
      assert.match(await asked, /^Avaktivera enheten\?/);
      assert.equal((await admin.getByTestId("device-status").textContent()).trim(), status);
      deactivated = true;
    }
  }
  assert.ok(revoked, "a demo device with a key");
  assert.ok(deactivated, "a demo device that can be deactivated");
});
