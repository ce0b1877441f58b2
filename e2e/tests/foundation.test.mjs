// The foundation as a newcomer meets it: log in as the demo administrator, enrol TOTP, create
// a unit and a user, and find all of it in the audit log; a second user logs in with a code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { authenticator } from "./support.mjs";
import { withDemo, loggedIn, submitPassword, submitCode, totp } from "../lib/vaka.mjs";

let demo;
let browser;
withDemo((d, b) => {
  demo = d;
  browser = b;
});

test("the administrator enrols TOTP, creates a unit and a user, and sees them in the audit log", async () => {
  const page = await browser.newPage();
  const admin = demo.user("admin");
  await page.goto(`${demo.url}/login`);
  assert.equal(await page.getAttribute("html", "lang"), "sv");
  await page.getByLabel("Användarnamn").fill("admin");
  await page.getByLabel("Lösenord").fill(admin.password);
  await page.getByRole("button", { name: "Logga in" }).click();

  // Enrolment: the page shows a QR code and the key.
  await page.waitForURL(/\/login\/enrol$/);
  assert.ok(await page.locator(".qr svg").isVisible());
  const secret = (await page.locator("#totp-secret").textContent()).trim();
  await page.getByLabel("Kod", { exact: true }).fill(totp(secret));
  await page.getByRole("button", { name: "Aktivera" }).click();
  await page.getByRole("heading", { name: "Tvåfaktorsinloggning är aktiverad" }).waitFor();
  assert.equal(await page.locator("#recovery-codes li").count(), 10);
  await page.getByRole("link", { name: "Fortsätt" }).click();
  await page.getByRole("heading", { name: /Välkommen, Maria Admin/ }).waitFor();

  // A unit in the private provider.
  await page.getByRole("link", { name: "Organisationer" }).click();
  await page.getByRole("link", { name: "Omsorg Syd AB" }).click();
  await page.getByLabel("Namn", { exact: true }).last().fill("Hemtjänst Väster");
  await page.getByRole("button", { name: "Skapa" }).click();
  await page.getByRole("heading", { name: "Hemtjänst Väster" }).waitFor();
  assert.ok(await page.getByText("Enheten är skapad.").isVisible());

  // A user in that unit.
  await page.getByRole("link", { name: "Användare" }).click();
  await page.getByRole("link", { name: "Nytt konto" }).click();
  await page.getByLabel("Namn", { exact: true }).fill("Vera Väster");
  await page.getByLabel("Användarnamn").fill("vera.vaster");
  await page.getByLabel("E-post").fill("vera@omsorgsyd.se");
  await page.getByLabel("Organisation").selectOption({ label: "Omsorg Syd AB" });
  await page.getByLabel("Roll").selectOption("care_staff");
  await page.getByLabel("Enhet").selectOption({ label: "Omsorg Syd AB — Hemtjänst Väster" });
  await page.getByRole("button", { name: "Skapa" }).click();
  await page.getByRole("heading", { name: "Kontot är skapat." }).waitFor();
  const initial = (await page.locator("#initial-password").textContent()).trim();
  assert.match(initial, /^\S{4}-\S{4}-\S{4}-\S{4}$/);

  // The administrator cannot read the audit log; the system manager can.
  const res = await page.goto(`${demo.url}/audit`);
  assert.equal(res.status(), 403);
  await page.close();

  const review = await loggedIn(browser, demo, "manager");
  await review.getByRole("link", { name: "Loggar" }).click();
  await review.getByLabel("Användare").fill("admin");
  await review.getByRole("button", { name: "Sök" }).click();
  const table = review.locator("#audit-results");
  // Each action in words; its code stays in the tooltip, not on the page.
  for (const action of ["unit.create", "user.create", "auth.totp_enrolled", "auth.login", "access.denied"]) {
    const cell = table.locator(`[title="${action}"]`).first();
    assert.ok(await cell.isVisible(), `${action} is in the audit log`);
    assert.notEqual((await cell.textContent()).trim(), action, `${action} is shown in words`);
    assert.equal(await table.getByText(action, { exact: true }).count(), 0, `${action} is not shown as a code`);
  }
  // The CSV export carries the same entries.
  const download = review.waitForEvent("download");
  await review.getByRole("link", { name: "Exportera CSV" }).click();
  const file = await download;
  const csv = await (await file.createReadStream()).toArray().then((c) => Buffer.concat(c).toString("utf8"));
  assert.match(csv, /unit\.create/);
  assert.match(csv, /user\.create/);
  await review.close();
});

test("a wrong code is refused in Swedish and the right one lets the operator in; English on request", async () => {
  const page = await browser.newPage();
  const op = demo.user("operator");
  await submitPassword(page, demo, "operator");
  await page.waitForURL(/\/login\/code$/);
  await submitCode(page, authenticator.wrong(totp(op.totp_secret)));
  assert.ok(await page.getByText("Koden stämmer inte").isVisible());
  await submitCode(page, totp(op.totp_secret));
  await page.getByRole("heading", { name: /Välkommen, Lina Jour/ }).waitFor();
  await page.getByRole("button", { name: "In English" }).click();
  await page.getByRole("heading", { name: /Welcome, Lina Jour/ }).waitFor();
  assert.equal(await page.getAttribute("html", "lang"), "en");
  // Keyboard: the first Tab reaches the skip link.
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Skip to content");
  await page.close();
});
