// Emergency access as a care worker meets it: a client of another provider's unit is refused
// with the way to open it in an emergency; without a reason nothing opens (said beside the
// field); with one, the record opens with a banner saying until when; the worker ends it, and
// the client is closed again. The system manager's audit log marks the reads "Nödåtkomst".
// Every page in Swedish.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo, loggedIn as signIn, englishOn } from "../lib/vaka.mjs";

let demo;
let browser;
withDemo((d, b) => {
  demo = d;
  browser = b;
});

const SAMI = "Áŋŋá Čuđđá";

test("a care worker opens a client outside her reach for an hour, flagged, and ends it", async () => {
  // The needs assessor sees every client: where the client of Hemtjänst Söder lives in Vaka.
  const assessor = await signIn(browser, demo, "assessor");
  await assessor.goto(`${demo.url}/clients?q=${encodeURIComponent("Áŋŋá")}`);
  await assessor.getByRole("link", { name: SAMI }).click();
  await assessor.getByRole("heading", { name: new RegExp(SAMI) }).waitFor();
  const clientUrl = new URL(assessor.url()).pathname;
  await assessor.context().close();

  // The care worker of Hemtjänst Centrum (another provider): refused, with the form.
  const page = await signIn(browser, demo, "carestaff");
  const refused = await page.goto(`${demo.url}${clientUrl}`);
  assert.equal(refused.status(), 403);
  await page.getByText("Brukaren ligger utanför din behörighet").first().waitFor();
  assert.equal(await page.getByText(SAMI).count(), 0, "no name before the access is open");
  assert.deepEqual(await englishOn(page), []);

  // No reason: nothing opens. (The browser's own check is bypassed as a script would.)
  await page.locator("#emergency-reason").evaluate((e) => e.removeAttribute("required"));
  await page.locator("#emergency-reason").fill("   ");
  await page.getByRole("button", { name: "Öppna med nödåtkomst" }).click();
  const error = page.locator("#emergency-reason-error");
  await error.waitFor();
  assert.match(await error.textContent(), /ange skälet/);
  assert.equal(await page.getByText(SAMI).count(), 0);

  // With a reason: the record, with the banner.
  await page.locator("#emergency-reason").fill("Larmet går men hemtjänsten i Söder svarar inte");
  await page.getByRole("button", { name: "Öppna med nödåtkomst" }).click();
  await page.getByRole("heading", { name: new RegExp(SAMI) }).waitFor();
  await page.getByText("Nödåtkomsten är öppnad.").waitFor();
  const banner = page.getByTestId("emergency");
  assert.match(await banner.textContent(), /med nödåtkomst till \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
  assert.deepEqual(await englishOn(page), []);

  // The worker's own list, and ending it.
  await banner.getByRole("link", { name: "Mina nödåtkomster" }).click();
  const row = page.locator("tr[data-access]");
  await row.getByText("svarar inte").waitFor();
  assert.match(await row.textContent(), /60 min kvar|59 min kvar/);
  assert.deepEqual(await englishOn(page), []);
  await row.getByRole("button", { name: "Avsluta nu" }).click();
  await page.getByText("Nödåtkomsten är avslutad.").waitFor();
  assert.equal(await page.locator("tr[data-access]").count(), 0);
  const again = await page.goto(`${demo.url}${clientUrl}`);
  assert.equal(again.status(), 403);
  await page.context().close();

  // The system manager's audit log marks the reads under it.
  const manager = await signIn(browser, demo, "manager");
  await manager.goto(`${demo.url}/audit?action=client.read`);
  const flagged = manager.locator("table tbody tr", { hasText: "carestaff" })
    .filter({ has: manager.locator("[data-flag='emergency']") });
  await flagged.first().waitFor();
  assert.ok((await flagged.count()) >= 1);
  await manager.goto(`${demo.url}/audit?action=client.emergency_access`);
  await manager.locator("table tbody tr", { hasText: "Nödåtkomst öppnad" }).first().waitFor();
  assert.deepEqual(await englishOn(manager), []);
  await manager.context().close();
});
