// Log review as the demo's unit manager meets it: last month's review of Hemtjänst Centrum waits
// on the start page and under Loggranskning; signing off before every entry is marked is refused
// with the rule named; one entry is marked for follow-up with a note, the rest OK, and the review
// is signed off and read-only. Every page in Swedish, checked with axe.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo, loggedIn, englishOn, axeViolations } from "../lib/vaka.mjs";

let demo;
let browser;
withDemo((d, b) => {
  demo = d;
  browser = b;
});

test("the unit manager completes the month's log review with one follow-up", async () => {
  const page = await loggedIn(browser, demo, "unitmanager");
  // The start page says a review waits.
  await page.locator("#log-reviews").getByRole("link", { name: /Hemtjänst Centrum/ }).waitFor();
  await page.getByRole("link", { name: "Loggranskning", exact: true }).click();
  await page.getByRole("heading", { name: "Loggranskning", level: 1 }).waitFor();
  assert.deepEqual(await englishOn(page), []);
  assert.deepEqual(await axeViolations(page), []);
  await page.locator("#waiting").getByRole("link", { name: "Hemtjänst Centrum" }).click();
  await page.getByRole("heading", { name: "Loggranskning: Hemtjänst Centrum", level: 1 }).waitFor();
  assert.deepEqual(await englishOn(page), []);
  assert.deepEqual(await axeViolations(page), []);

  // The rules picked what the demo's month holds, each entry saying why.
  for (const rule of ["emergency_access", "protected_identity", "outside_unit", "many_clients", "unusual_hours", "same_surname", "sample"]) {
    assert.ok(await page.locator(`tr[data-rules~='${rule}']`).count() > 0, rule);
  }
  const rows = page.locator("tr[data-entry]");
  const n = await rows.count();
  assert.ok(n > 10, `${n} entries`);

  // Signing off now is refused, naming the rule.
  await page.getByRole("button", { name: "Signera", exact: true }).click();
  await page.locator("#error-summary").waitFor();
  assert.match(await page.locator("#error-summary").textContent(), /kan inte signeras förrän varje post är markerad/);

  // One follow-up, with a note.
  const first = rows.first();
  const seq = await first.getAttribute("data-entry");
  await first.getByLabel("Följs upp").check();
  await first.getByLabel("Anteckning").fill("Fråga varför journalen lästes utan besök.");
  await first.getByRole("button", { name: /Spara bedömning/ }).click();
  await page.getByText("Bedömningen är sparad.").waitFor();
  assert.equal(await page.locator(`tr[data-entry='${seq}']`).getAttribute("data-mark"), "follow_up");

  // Every other entry OK.
  for (let i = 1; i < n; i++) {
    const row = page.locator("tr[data-entry]").nth(i);
    await row.getByLabel("OK", { exact: true }).check();
    await row.getByRole("button", { name: /Spara bedömning/ }).click();
    await page.locator("tr[data-entry]").nth(i).and(page.locator("[data-mark='ok']")).waitFor();
  }
  await page.getByText("Alla poster är markerade.").waitFor();
  await page.getByRole("button", { name: "Signera", exact: true }).click();
  await page.getByText("Granskningen är signerad.").waitFor();
  assert.equal(await page.locator("tr[data-mark='follow_up']").count(), 1);
  assert.equal(await page.locator("tr[data-entry][data-mark='']").count(), 0);
  assert.equal(await page.getByRole("button", { name: "Signera", exact: true }).count(), 0, "read-only once signed");
  await page.getByText("Fråga varför journalen lästes utan besök.").waitFor();
  assert.deepEqual(await englishOn(page), []);
  assert.deepEqual(await axeViolations(page), []);

  // The list shows it signed, and the quarter's summary counts its follow-up.
  await page.getByRole("link", { name: "Tillbaka till loggranskningen" }).click();
  await page.locator("#done tr[data-state='signed']").waitFor();
  assert.equal(await page.locator("#waiting tr[data-review]").count(), 0);
  await page.context().close();
});
