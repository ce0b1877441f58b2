// Retention as the municipality's system manager meets it (issue 17's walk-through): the
// retention table from the menu as the demo's data processing agreement sets it, a retention
// below the law's floor refused beside its field with nothing changed, a change kept, the
// preview of what the next purge removes from the demo's year of history, a purge run now and
// its report per kind in the list of runs and in the audit log. Every page in Swedish, checked
// with axe.
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
  // The demo's agreement: supervision logs 180 days, technical checks 90, alarms and device
  // events a year; the audit log keeps the law's five years.
  const days = async (kind) => page.locator(`tr[data-kind='${kind}'] td[data-days]`).getAttribute("data-days");
  assert.equal(await days("supervision"), "180");
  assert.equal(await days("technical_checks"), "90");
  assert.equal(await days("alarms"), "365");
  assert.equal(await days("device_events"), "365");
  assert.equal(await days("audit_log"), "1830");
  // The demo's year of history: thousands of supervision records and some alarms past it.
  const records = async (kind) => Number(await page.locator(`tr[data-kind='${kind}'] td[data-records]`).getAttribute("data-records"));
  const supervision = await records("supervision");
  assert.ok(supervision > 1000, `supervision records past retention: ${supervision}`);
  assert.ok(await records("alarms") > 0, "alarms past retention");
  assert.ok(await records("technical_checks") > 0, "technical checks past retention");
  assert.deepEqual(await englishOn(page), []);

  // Below the floor: refused beside the field, what was typed kept, nothing changed.
  await row.getByText("Ändra").click();
  await row.getByLabel("Dagar").fill("10");
  await row.getByRole("button", { name: "Spara" }).click();
  const error = page.locator("#kind-supervision-days-error");
  await error.waitFor();
  assert.match(await error.textContent(), /kortare än 31 dagar/);
  assert.equal(await page.locator("#kind-supervision-days").inputValue(), "10");
  assert.equal(await days("supervision"), "180");
  assert.deepEqual(await englishOn(page), []);

  // A longer retention: kept; the preview counts against it (fewer nights go).
  await page.locator("#kind-supervision-days").fill("200");
  await page.locator("#kind-supervision").getByRole("button", { name: "Spara" }).click();
  await page.getByText("Gallringstiden är sparad.").waitFor();
  assert.equal(await days("supervision"), "200");
  const longer = await records("supervision");
  assert.ok(longer > 0 && longer < supervision, `${longer} of ${supervision}`);
  const total = Number(await page.locator("#preview-total").getAttribute("data-total"));
  assert.ok(Number.isInteger(total) && total >= longer);

  // Run now: the report is in the list of runs with what went per kind (the look-ins,
  // dispatches, messages and handling logs with their records), and nothing is left past the
  // table.
  await page.getByRole("button", { name: "Kör gallringen nu" }).click();
  await page.getByText("Gallringen är körd.", { timeout: 120000 }).waitFor({ timeout: 120000 });
  assert.equal(await page.locator("#runs tbody tr").count(), 1, "the demo runs no purge of its own at start");
  const run = page.locator("#runs tbody tr").first();
  await run.getByText("Systemförvaltare").waitFor();
  assert.ok(Number(await run.locator("td[data-total]").getAttribute("data-total")) > total);
  for (const kind of ["Tillsynsloggar", "Avslutade trygghetslarm", "Kontroller av tekniska larm", "Händelser för enheter"]) {
    const line = await run.locator("li", { hasText: kind }).textContent();
    assert.ok(Number(line.split(":").pop()) > 0, line);
  }
  assert.equal(await page.locator("#preview-total").getAttribute("data-total"), "0");
  assert.deepEqual(await englishOn(page), []);

  // The run is in the audit log, with its report.
  await page.goto(`${demo.url}/audit?action=retention.purge`);
  // The manager's run: its start and its report, which names what went per table.
  const rows = page.locator("table tbody tr", { hasText: "Gallring körd" })
    .filter({ hasText: "manager" });
  await rows.first().waitFor();
  assert.equal(await rows.count(), 2, "the run's start and its report");
  // The report's counts per kind and table are in the entry's details (the log's export).
  const csv = await (await page.request.get(`${demo.url}/audit/export.csv?action=retention.purge`)).text();
  const finished = csv.split("\n").find((l) => l.includes("manager") && l.includes("finished_at"));
  assert.ok(finished, csv.slice(0, 2000));
  for (const table of ["supervision_tasks", "look_ins", "dispatches", "alarms", "alarm_messages", "alarm_log", "technical_checks", "device_events"]) {
    assert.ok(new RegExp(`${table}""?:\\s*[1-9]`).test(finished), `${table} in ${finished}`);
  }
  await page.context().close();
});
