// The management plan as the demo's system manager meets it: this month's log review is overdue
// and the alarm centre's notice day is near, both on the start page; on "Förvaltning" the
// manager assigns a data protection officer, adds a contract whose notice day is within the
// reminder's window and sees its reminder, and signs off the overdue duty with a note. A care
// worker reports an incident (a personnummer in the text is refused beside the field), and the
// system owner has it on the start page and closes it with a note. Every page in Swedish,
// checked with axe.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo, loggedIn, englishOn } from "../lib/vaka.mjs";

let demo;
let browser;
withDemo((d, b) => {
  demo = d;
  browser = b;
});

/** Today's date in Stockholm plus `n` days, as YYYY-MM-DD. */
function stockholmDay(n = 0) {
  const ymd = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Stockholm" }).format(new Date());
  const d = new Date(`${ymd}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

test("the system manager assigns a role, adds a contract that reminds and signs off a duty", async () => {
  const page = await loggedIn(browser, demo, "manager");
  const home = page.locator("#governance");
  await home.waitFor();
  assert.ok((await home.locator("[data-governance='overdue']").count()) >= 1, "the overdue log review");
  assert.match(await home.textContent(), /Larmcentralen Nord AB: Uppsägning senast/);
  assert.deepEqual(await englishOn(page), []);

  await page.getByRole("link", { name: "Förvaltning", exact: true }).click();
  await page.getByRole("heading", { name: "Förvaltning", level: 1 }).waitFor();
  assert.deepEqual(await englishOn(page), []);

  // A data protection officer.
  const assign = page.locator("#assign");
  await assign.getByLabel("Roll").selectOption("data_protection_officer");
  await assign.getByLabel("Användarnamn").fill("unitmanager");
  await assign.getByRole("button", { name: "Tillsätt" }).click();
  await page.getByText("Rollen är tillsatt.").waitFor();
  await page.locator("#roles tr", { hasText: "Dataskyddsombud" }).filter({ hasText: "Eva Enhetschef" }).waitFor();

  // A contract ending in 50 days with one month's notice: a reminder at once.
  await page.getByText("Lägg till avtal").click();
  const form = page.locator("#contract");
  await form.getByLabel("Leverantör").fill("Kamera Service AB (e2e)");
  await form.getByLabel("Avtal", { exact: true }).fill("Service av trygghetskameror");
  await form.getByLabel("Gäller från").fill(stockholmDay(-300));
  await form.getByLabel("Gäller till").fill(stockholmDay(50));
  await form.getByLabel("Uppsägningstid (månader)").fill("-1");
  await form.getByRole("button", { name: "Spara avtal" }).click();
  await page.locator("#contract-notice_months-error").waitFor();
  assert.match(await page.locator("#contract-notice_months-error").textContent(), /uppsägningstiden kan inte vara negativ/);
  assert.deepEqual(await englishOn(page), []);
  await page.locator("#contract").getByLabel("Uppsägningstid (månader)").fill("1");
  await page.locator("#contract").getByRole("button", { name: "Spara avtal" }).click();
  await page.getByText("Avtalet är sparat.").waitFor();
  const row = page.locator("tr[data-contract]", { hasText: "Kamera Service AB (e2e)" });
  await row.waitFor();
  assert.equal(await row.getAttribute("data-reminder"), "true");
  assert.match(await row.textContent(), /Uppsägning senast/);

  // The overdue duty, signed off with a note.
  const overdue = page.locator("#plan tr[data-overdue='true']").first();
  const due = await overdue.getAttribute("data-due");
  await overdue.getByLabel("Anteckning").fill("Granskningarna genomförda (e2e)");
  await overdue.getByRole("button", { name: /Signera/ }).click();
  await page.getByText("Uppgiften är signerad.").waitFor();
  const signed = page.locator(`#plan tr[data-due='${due}']`, { hasText: "Granskningarna genomförda (e2e)" });
  await signed.waitFor();
  assert.equal(await signed.getAttribute("data-overdue"), null);
  assert.deepEqual(await englishOn(page), []);
  await page.context().close();
});

test("a care worker reports an incident and the system owner closes it", async () => {
  const staff = await loggedIn(browser, demo, "carestaff2");
  await staff.getByRole("link", { name: "Förvaltning", exact: true }).click();
  const form = staff.locator("#incident");
  await form.getByLabel("Informationssäkerhet").check();
  await form.getByLabel("Vad hände").fill("Utskrift med 19400404-9807 låg kvar i skrivaren");
  await form.getByRole("button", { name: "Rapportera incident" }).click();
  await staff.locator("#incident-what-error").waitFor();
  assert.match(await staff.locator("#incident-what-error").textContent(), /personnummer/);
  await staff.locator("#incident").getByLabel("Vad hände").fill("En utskrift av reservlistan låg kvar i skrivaren på kontoret (e2e)");
  await staff.locator("#incident").getByRole("button", { name: "Rapportera incident" }).click();
  await staff.getByText("Incidenten är rapporterad.").waitFor();
  await staff.locator("tr[data-incident][data-status='new']", { hasText: "(e2e)" }).waitFor();
  assert.deepEqual(await englishOn(staff), []);
  await staff.context().close();

  // The system owner has it on the start page.
  const owner = await loggedIn(browser, demo, "assessor");
  await owner.locator("#governance [data-governance='incident']", { hasText: "Informationssäkerhet" }).first().waitFor();
  await owner.getByRole("link", { name: "Förvaltning", exact: true }).click();
  const row = owner.locator("tr[data-incident]", { hasText: "(e2e)" });
  await row.getByLabel("Status").selectOption("closed");
  await row.getByLabel("Anteckning").fill("Utskriften makulerad, rutin påmind på APT");
  await row.getByRole("button", { name: "Spara" }).click();
  await owner.getByText("Incidentens status är ändrad.").waitFor();
  const closed = owner.locator("tr[data-incident]", { hasText: "(e2e)" });
  assert.equal(await closed.getAttribute("data-status"), "closed");
  assert.match(await closed.textContent(), /Utskriften makulerad/);
  assert.deepEqual(await englishOn(owner), []);
  await owner.context().close();
});
