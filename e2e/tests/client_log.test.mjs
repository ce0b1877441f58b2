// The client's own log, as the system administrator takes it out on request: the form on the
// demo client with a Sámi name refuses a request after an incident without its reason (beside
// the field, nothing taken out), then hands over the PDF, whose text — read back as a reader
// copies it — prints the name and å, ä, ö as written.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo, submitPassword, submitCode, totp } from "../lib/vaka.mjs";
import { pdfText } from "../lib/pdf.mjs";

let demo;
let browser;
withDemo((d, b) => {
  demo = d;
  browser = b;
});

const SAMI = "Áŋŋá Čuđđá";

let adminPage;

/** The demo administrator, enrolling a second factor if the demo has not. One login: a second
 * within the same 30 s would replay the code. */
async function admin() {
  if (adminPage) return adminPage;
  const page = await (await browser.newContext()).newPage();
  await submitPassword(page, demo, "admin");
  await page.waitForURL(/\/login\/(code|enrol)$/);
  if (page.url().endsWith("/enrol")) {
    const secret = (await page.locator("#totp-secret").textContent()).trim();
    await page.getByLabel("Kod", { exact: true }).fill(totp(secret));
    await page.getByRole("button", { name: "Aktivera" }).click();
    await page.getByRole("link", { name: "Fortsätt" }).click();
  } else {
    await submitCode(page, totp(demo.user("admin").totp_secret));
  }
  await page.getByRole("heading", { name: /Välkommen/ }).waitFor();
  adminPage = page;
  return page;
}

test("the administrator takes out the log of the client with a Sámi name: an incident needs its reason, and the PDF prints every name", async () => {
  const page = await admin();
  await page.goto(`${demo.url}/clients?q=${encodeURIComponent("Áŋŋá")}`);
  await page.getByRole("link", { name: SAMI }).click();
  await page.getByRole("link", { name: "Loggutdrag: allt om brukaren" }).click();
  await page.getByRole("heading", { name: "Loggutdrag" }).waitFor();

  // A manager after an incident, without the reason: refused beside the field.
  await page.getByLabel("Begärt av").selectOption("incident");
  await page.getByRole("button", { name: "Ta ut som PDF" }).click();
  await page.locator("#extract-reason-error").waitFor();
  assert.match(await page.locator("#extract-reason-error").textContent(), /ange orsaken när utdraget begärs efter en händelse/);
  assert.equal(await page.getByLabel("Begärt av").inputValue(), "incident", "the choice is kept");

  // With the reason: the PDF downloads.
  await page.getByLabel("Orsak").fill("Fall i hallen, genomgång med Ánde Juuso");
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Ta ut som PDF" }).click();
  const file = await download;
  assert.match(file.suggestedFilename(), /^logg-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.pdf$/);
  const body = await (await file.createReadStream()).toArray().then((c) => Buffer.concat(c));
  assert.equal(body.subarray(0, 5).toString("latin1"), "%PDF-");
  const text = pdfText(body);
  assert.ok(text.includes(`Loggutdrag – ${SAMI}`), text.slice(0, 400));
  assert.ok(text.includes("Fall i hallen, genomgång med Ánde Juuso"), "the reason");
  assert.ok(text.includes("Åtkomst till uppgifterna"), "å, ä, ö print");
  assert.ok(text.includes("Chef efter en händelse"));
});

test("the same extract on the page, for the client themself", async () => {
  const page = await admin();
  await page.goto(`${demo.url}/clients?q=${encodeURIComponent("Áŋŋá")}`);
  await page.getByRole("link", { name: SAMI }).click();
  await page.getByRole("link", { name: "Loggutdrag: allt om brukaren" }).click();
  await page.getByLabel("Begärt av").selectOption("client");
  await page.getByRole("button", { name: "Visa på sidan" }).click();
  await page.getByRole("heading", { name: "Åtkomst till uppgifterna: vem läste eller ändrade" }).waitFor();
  await page.getByText("Begärt av: Brukaren", { exact: false }).waitFor();
});
