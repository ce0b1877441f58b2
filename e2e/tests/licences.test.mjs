// What delegations rest on, as the demo's keepers meet it: the administrator opens the demo
// nurse's page, sees her licence, and a bad licence number is refused beside its field with
// nothing changed; the system manager opens the municipality's task types from the delegation
// hub, on a phone, and adds one. Every page in Swedish, checked with axe.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo, loggedIn as signIn, submitPassword, totp, englishOn, PHONE } from "../lib/vaka.mjs";

let demo;
let browser;
withDemo((d, b) => {
  demo = d;
  browser = b;
});

/** The demo administrator, who enrols a second factor at the first login. */
async function admin() {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await submitPassword(page, demo, "admin");
  await page.waitForURL(/\/login\/(code|enrol)$/);
  const secret = (await page.locator("#totp-secret").textContent()).trim();
  await page.getByLabel("Kod", { exact: true }).fill(totp(secret));
  await page.getByRole("button", { name: "Aktivera" }).click();
  await page.getByRole("link", { name: "Fortsätt" }).click();
  await page.getByRole("heading", { name: /Välkommen/ }).waitFor();
  return page;
}

test("the administrator sees the nurse's licence and a bad number is refused beside its field", async () => {
  const page = await admin();
  await page.goto(`${demo.url}/admin/users`);
  await page.getByRole("link", { name: demo.user("nurse").display_name, exact: true }).click();
  const section = page.locator("#licence");
  await section.getByRole("heading", { name: "Legitimation" }).waitFor();
  assert.equal((await page.locator("#licence-profession-held").textContent()).trim(), "Sjuksköterska");
  const number = (await page.locator("#licence-number-held").textContent()).trim();
  assert.match(number, /^\d+$/);
  assert.deepEqual(await englishOn(page), []);

  await section.getByLabel("Legitimationsnummer").fill("12a4");
  await section.getByRole("button", { name: "Spara legitimationen" }).click();
  await page.locator("#licence-licence_number-error").waitFor();
  assert.match(await page.locator("#licence-licence_number-error").textContent(), /siffror/);
  assert.equal(await section.getByLabel("Legitimationsnummer").inputValue(), "12a4", "what was typed is kept");
  assert.equal((await page.locator("#licence-number-held").textContent()).trim(), number, "nothing changed");
  assert.deepEqual(await englishOn(page), []);
  // The leave: her running delegations are counted, and the form to record one is there.
  await page.locator("#leave").getByRole("heading", { name: "Ledighet" }).waitFor();
  await page.locator("#leave-form").getByLabel("Första dagen").waitFor();
  await page.context().close();
});

test("the system manager keeps the task types from the delegation hub, on a phone", async () => {
  const page = await signIn(browser, demo, "manager", PHONE);
  await page.goto(`${demo.url}/delegation`);
  await page.getByRole("link", { name: "Kommunens insatstyper" }).click();
  await page.getByRole("heading", { name: "Insatstyper", level: 1 }).waitFor();
  assert.ok(await page.locator("tr[data-code='insulin']").count() === 1, "the demo's list");
  assert.deepEqual(await englishOn(page), []);

  const form = page.locator("#tasktype");
  await form.getByLabel("Kod", { exact: true }).fill("e2e_foot_care");
  await form.getByLabel("Namn", { exact: true }).fill("Fotvård");
  await form.getByLabel("Sjuksköterska").check();
  await form.getByRole("button", { name: "Lägg till insatstypen" }).click();
  await page.getByText("Insatstypen är sparad.").waitFor();
  await page.locator("tr[data-code='e2e_foot_care']", { hasText: "Fotvård" }).waitFor();
  assert.deepEqual(await englishOn(page), []);
  await page.context().close();
});
