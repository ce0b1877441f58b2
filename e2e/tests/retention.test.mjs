// Retention as the municipality's system manager meets it: the retention table from the menu,
// a retention below the law's floor refused beside its field with nothing changed, a change
// kept, the preview of what the next purge removes, a purge run now and its report in the
// list of runs. Every page in Swedish, checked with axe.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo, loggedIn as signIn, englishOn } from "../lib/vaka.mjs";

let demo;
let browser;
withDemo((d, b) => {
  demo = d;
  browser = b;
});

test("the system manager keeps the retention table, previews and runs the purge", async () => {
  const page = await signIn(browser, demo, "manager");
  await page.getByRole("link", { name: "Gallring", exact: true }).click();
  await page.getByRole("heading", { name: "Gallring", level: 1 }).waitFor();
  const row = page.locator("tr[data-kind='supervision']");
  assert.equal(await row.locator("td[data-days]").getAttribute("data-days"), "365");
  assert.equal(await page.locator("tr[data-kind='audit_log'] td[data-days]").getAttribute("data-days"), "1830");
  assert.deepEqual(await englishOn(page), []);

  // Below the floor: refused beside the field, what was typed kept, nothing changed.
  await row.getByText("Ändra").click();
  await row.getByLabel("Dagar").fill("10");
  await row.getByRole("button", { name: "Spara" }).click();
  const error = page.locator("#kind-supervision-days-error");
  await error.waitFor();
  assert.match(await error.textContent(), /kortare än 31 dagar/);
  assert.equal(await page.locator("#kind-supervision-days").inputValue(), "10");
  assert.equal(await page.locator("tr[data-kind='supervision'] td[data-days]").getAttribute("data-days"), "365");
  assert.deepEqual(await englishOn(page), []);

  // At the floor: kept; the preview counts against it.
  await page.locator("#kind-supervision-days").fill("31");
  await page.locator("#kind-supervision").getByRole("button", { name: "Spara" }).click();
  await page.getByText("Gallringstiden är sparad.").waitFor();
  assert.equal(await page.locator("tr[data-kind='supervision'] td[data-days]").getAttribute("data-days"), "31");
  const total = Number(await page.locator("#preview-total").getAttribute("data-total"));
  assert.ok(Number.isInteger(total) && total >= 0);

  // Run now: the report is in the list of runs, and nothing is left past the table.
  await page.getByRole("button", { name: "Kör gallringen nu" }).click();
  await page.getByText("Gallringen är körd.").waitFor();
  const run = page.locator("#runs tbody tr").first();
  await run.getByText("Systemförvaltare").waitFor();
  assert.equal(Number(await run.locator("td[data-total]").getAttribute("data-total")), total);
  assert.equal(await page.locator("#preview-total").getAttribute("data-total"), "0");
  assert.deepEqual(await englishOn(page), []);

  // The run is in the audit log, with its report.
  await page.goto(`${demo.url}/audit?action=retention.purge`);
  // The server's nightly job ran at start too: the manager's run is the one under her username.
  const rows = page.locator("table tbody tr", { hasText: "Gallring körd" })
    .filter({ hasText: "manager" });
  await rows.first().waitFor();
  assert.equal(await rows.count(), 2, "the run's start and its report");
  await page.context().close();
});
