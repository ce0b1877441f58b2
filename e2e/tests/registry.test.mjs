// The registry as the demo's users meet it: a needs assessor registers a client, records a
// decision on camera night supervision and the client's consent; the unit manager accepts the
// order; the system administrator registers a camera, assigns it, installs it, fails to
// activate it before a test, cannot pass the test before the camera is connected, passes it once
// the camera has delivered a test frame and activates it; the unit manager sets the times
// and pauses one night. A user outside the client's unit cannot open the client.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withDemo, submitPassword, submitCode, totp, vakaBin, englishOn } from "../lib/vaka.mjs";

let demo;
let browser;
withDemo((d, b) => {
  demo = d;
  browser = b;
});

const sessions = new Map();

/** A page logged in as a demo user who has a second factor (enrolling the admin if needed).
 * One login per user: a second within the same 30 s would replay the code. */
async function loggedIn(username) {
  if (sessions.has(username)) return sessions.get(username);
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await submitPassword(page, demo, username);
  await page.waitForURL(/\/login\/(code|enrol)$/);
  if (page.url().endsWith("/enrol")) {
    const secret = (await page.locator("#totp-secret").textContent()).trim();
    await page.getByLabel("Kod", { exact: true }).fill(totp(secret));
    await page.getByRole("button", { name: "Aktivera" }).click();
    await page.getByRole("link", { name: "Fortsätt" }).click();
  } else {
    await submitCode(page, totp(demo.user(username).totp_secret));
  }
  await page.getByRole("heading", { name: /Välkommen/ }).waitFor();
  sessions.set(username, page);
  return page;
}

/** Today in Stockholm, as the date inputs want it. */
function today() {
  return new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Stockholm" }).format(new Date());
}

function tomorrow() {
  const d = new Date(`${today()}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

test("decision and consent → order accepted → camera registered, tested, activated → plan and pause", async () => {
  // --- The needs assessor registers the client, the decision and the consent.
  const assessor = await loggedIn("assessor");
  await assessor.getByRole("link", { name: "Brukare", exact: true }).click();
  await assessor.getByRole("link", { name: "Ny brukare" }).click();
  await assessor.getByLabel("Personnummer", { exact: true }).fill("19400404-9807");
  await assessor.getByLabel("Namn", { exact: true }).fill("Greta Webbtest");
  await assessor.getByLabel("Gatuadress").fill("Webbgatan 3");
  await assessor.getByLabel("Postnummer").fill("123 45");
  await assessor.getByLabel("Ort").fill("Demostad");
  await assessor.getByLabel("Utförare och enhet").selectOption({ label: "Demo kommun hemtjänst — Hemtjänst Centrum" });
  await assessor.getByRole("button", { name: "Spara" }).click();
  await assessor.getByRole("heading", { name: /Greta Webbtest/ }).waitFor();
  assert.ok(await assessor.getByText("Brukaren är registrerad.").isVisible());
  const clientUrl = assessor.url().split("?")[0];

  // A bad personnummer is refused with a message naming the field, and nothing is stored.
  await assessor.goto(`${demo.url}/clients/new`);
  await assessor.getByLabel("Personnummer", { exact: true }).fill("19400404-9808");
  await assessor.getByLabel("Namn", { exact: true }).fill("Fel Kontrollsiffra");
  await assessor.getByRole("button", { name: "Spara" }).click();
  await assessor.getByRole("alert").waitFor();
  assert.match(await assessor.getByRole("alert").textContent(), /Personnummer.*kontrollsiffran stämmer inte/);

  await assessor.goto(clientUrl);
  const decisions = assessor.locator("#decisions");
  await decisions.getByLabel("Insats").selectOption("night_supervision");
  await decisions.getByLabel("Tillsynsform").selectOption("camera");
  await decisions.getByLabel("Tider", { exact: true }).fill("22:30, 01:30, 04:30");
  await decisions.getByLabel("Gäller från").fill(today());
  await decisions.getByRole("button", { name: "Registrera beslut" }).click();
  await assessor.getByText("Beslutet är registrerat").waitFor();
  assert.ok(await assessor.locator("#decisions tbody").getByText("22:30, 01:30, 04:30").isVisible());
  assert.ok(await assessor.locator("#orders tbody").getByText("Beställt").isVisible());

  // A consent dated in the future is refused.
  const consent = assessor.locator("#consent");
  await consent.getByLabel("Informerad av").fill("Karin Handläggare");
  await consent.getByLabel("Samtycke den").fill(tomorrow());
  await consent.getByRole("button", { name: "Spara samtycke" }).click();
  await assessor.getByRole("alert").waitFor();
  assert.equal(await assessor.locator("#consent tbody tr").count(), 1, "only the empty-list row");
  await consent.getByLabel("Informerad av").fill("Karin Handläggare");
  await consent.getByLabel("Samtycke den").fill(today());
  await consent.getByRole("button", { name: "Spara samtycke" }).click();
  await assessor.getByText("Samtycket är dokumenterat.").waitFor();
  assert.ok(await assessor.locator("#consent tbody").getByText("Gäller").isVisible());

  // --- The unit manager accepts the order.
  const manager = await loggedIn("unitmanager");
  // The overview lists the order waiting to be accepted; it leads to the orders.
  await manager.locator("[data-work=orders]").getByRole("link", { name: /^Uppdrag att ta emot: \d+$/ }).click();
  const row = manager.locator("tr", { hasText: "Greta Webbtest" });
  await row.getByRole("button", { name: "Ta emot" }).click();
  await manager.getByText("Uppdraget är mottaget.").waitFor();

  // --- The system administrator registers a camera and takes it through its lifecycle.
  const admin = await loggedIn("admin");
  await admin.getByRole("link", { name: "Enheter och larm" }).click();
  // The demo's simulated cameras are connected, in their privacy position.
  await admin.getByLabel("Typ", { exact: true }).first().selectOption("camera");
  await admin.getByRole("button", { name: "Sök" }).click();
  await admin.locator("tbody .badge.ok", { hasText: "Ansluten · i integritetsläge" }).first().waitFor();
  assert.ok(await admin.locator("tbody td", { hasText: "Inte ansluten" }).count() >= 1, "every tenth camera is offline");
  const reg = admin.locator("section", { has: admin.getByRole("heading", { name: "Registrera enhet" }) });
  await reg.getByLabel("Typ").selectOption("camera");
  await reg.getByLabel("Serienummer").fill("DV-WEB-0001");
  await reg.getByLabel("Modell").fill("Doro Visit");
  await reg.getByRole("button", { name: "Registrera enhet" }).click();
  const credential = (await admin.getByTestId("device-credential").textContent()).trim();
  assert.match(credential, /^vakadev_/);
  await admin.getByRole("link", { name: "Till enheten" }).click();
  assert.equal((await admin.getByTestId("device-status").textContent()).trim(), "I lager");

  const step = async (code, client) => {
    await admin.getByLabel("Steg", { exact: true }).selectOption(code);
    if (client) await admin.getByLabel("Brukarens personnummer").fill(client);
    await admin.getByRole("button", { name: "Utför" }).click();
  };
  await step("assign", "400404-9807");
  await admin.getByText("Steget är registrerat.").waitFor();
  assert.equal((await admin.getByTestId("device-status").textContent()).trim(), "Kopplad till brukare");
  await step("install");
  await admin.getByText("Steget är registrerat.").waitFor();
  assert.equal((await admin.getByTestId("device-status").textContent()).trim(), "Installerad");
  // Activation before a passed test is not offered, and refused when forced.
  const offered = await admin.getByLabel("Steg", { exact: true }).locator("option").allTextContents();
  assert.ok(!offered.includes("Aktivera"), `offered: ${offered}`);
  const forced = await admin.evaluate(async () => {
    const form = document.querySelector("form[action$='/steps']");
    const body = new URLSearchParams(new FormData(form));
    body.set("step", "activate");
    const res = await fetch(form.action, { method: "POST", body });
    return { status: res.status, text: await res.text() };
  });
  assert.equal(forced.status, 409);
  assert.match(forced.text, /passed test|godkänt test/);
  // A pass needs a real test: refused while the camera is not connected, with the reason.
  assert.match(await admin.getByTestId("device-test-seen").textContent(), /Kameran är inte ansluten/);
  await step("pass_test");
  await admin.getByText(/kameran är inte ansluten: testet kan godkännas först/).first().waitFor();
  assert.equal((await admin.getByTestId("device-status").textContent()).trim(), "Installerad");
  // The camera connects (a simulated one, with its credential) and delivers its test frame.
  const dir = mkdtempSync(join(tmpdir(), "vaka-e2e-cam-"));
  const creds = join(dir, "camera.json");
  writeFileSync(creds, JSON.stringify({ devices: [{ kind: "camera", serial: "DV-WEB-0001", credential }] }));
  const sim = spawn(vakaBin(), ["simulate", "cameras", "--server", demo.url, "--credentials", creds, "--offline-every", "0"], { stdio: "ignore" });
  try {
    const deviceUrl = admin.url().split("?")[0].replace(/\/steps$/, "");
    // The page shows the camera's connection when it is asked: ask again until it has one.
    for (let tries = 0; ; tries++) {
      assert.ok(tries < 300, "the simulated camera did not connect");
      await admin.goto(deviceUrl);
      if (/Kameran är ansluten/.test(await admin.getByTestId("device-test-seen").textContent())) break;
    }
    await step("pass_test");
    await admin.getByText("Steget är registrerat.").waitFor();
  } finally {
    sim.kill();
    rmSync(dir, { recursive: true, force: true });
  }
  await step("activate");
  await admin.getByText("Steget är registrerat.").waitFor();
  assert.equal((await admin.getByTestId("device-status").textContent()).trim(), "Aktiv");
  assert.ok(await admin.locator("table").getByText("Test godkänt").first().isVisible());

  // --- The unit manager sees the service started, sets the times and pauses one night.
  await manager.goto(clientUrl);
  assert.ok(await manager.locator("#orders tbody").getByText("Pågår").isVisible());
  assert.ok(await manager.locator("#devices tbody").getByText("DV-WEB-0001").isVisible());
  const plan = manager.locator("#plan");
  await plan.getByLabel("Tillsynsform").selectOption("camera");
  // Times the decision did not grant are refused beside the field, naming those it did.
  await plan.getByLabel("Tider", { exact: true }).fill("23:00, 02:00, 05:00");
  await plan.getByRole("button", { name: "Spara tillsynsplan" }).click();
  await manager.getByText("23:00 är inte beviljad i beslutet; beviljade tider: 22:30, 01:30, 04:30").first().waitFor();
  assert.deepEqual(await englishOn(manager), []);
  await manager.locator("#plan").getByLabel("Tider", { exact: true }).fill("22:30, 04:30");
  await manager.locator("#plan").getByRole("button", { name: "Spara tillsynsplan" }).click();
  await manager.getByText("Tillsynsplanen är sparad.").waitFor();
  assert.equal((await manager.getByTestId("plan-times").textContent()).trim(), "22:30, 04:30");
  const pauses = manager.locator("#pauses");
  await pauses.getByText("Registrera uppehåll").click();
  await pauses.getByLabel("Första natten").fill(tomorrow());
  await pauses.getByLabel("Orsak").selectOption("guests");
  await pauses.getByLabel("Hur brukaren bad om det").selectOption("client_by_phone");
  await pauses.getByRole("button", { name: "Spara uppehåll" }).click();
  await manager.getByText("Uppehållet är registrerat.").waitFor();
  const pauseRow = manager.locator("#pauses tbody tr").first();
  assert.match(await pauseRow.textContent(), new RegExp(`${tomorrow()}.*Gäster.*Brukaren, per telefon.*Planerat`, "s"));

  // --- Staff of the private provider cannot open the client; the refusal is audited.
  const outsider = await loggedIn("lovstaff");
  const res = await outsider.goto(clientUrl);
  assert.equal(res.status(), 403);
  assert.equal(await outsider.getByText("Greta Webbtest").count(), 0);
  const audit = await loggedIn("manager");
  await audit.goto(`${demo.url}/audit?action=client.read`);
  const refused = audit.locator("tbody tr", { hasText: "lovstaff" }).first();
  // The action in words, its code in the tooltip.
  assert.match(await refused.textContent(), /Brukare visad.*Nekad/s);
  assert.equal(await refused.locator('[title="client.read"]').count(), 1);
});

test("the administrator imports clients from a Windows-1252 file: a bad row stops the file until only the good rows are chosen", async () => {
  const admin = await loggedIn("admin");
  await admin.goto(`${demo.url}/clients`);
  await admin.getByRole("link", { name: "Importera från fil" }).click();
  const csv = [
    "identity;name;provider;unit",
    "19410707-1237;Åke Ödmark;Demo kommun hemtjänst;Hemtjänst Norr",
    "19420808-4569;Fel Kontrollsiffra;Demo kommun hemtjänst;Hemtjänst Norr",
  ].join("\r\n");
  const file = { name: "brukare.csv", mimeType: "text/csv", buffer: Buffer.from(csv, "latin1") };
  const section = admin.locator("section", { has: admin.getByRole("heading", { name: "Brukare", exact: true }) });
  const send = async (mode) => {
    await section.getByLabel("CSV-fil").setInputFiles(file);
    await section.locator(`input[name=mode][value=${mode}]`).check();
    await section.getByRole("button", { name: "Skicka brukarfilen" }).click();
    await admin.getByTestId("import-report").waitFor();
  };
  // While the file is checked, its button is disabled and a progress line says so: what the
  // form looks like just after it was sent is kept for the next page to read.
  await admin.evaluate(() => document.addEventListener("submit", (e) => {
    const form = e.target;
    const status = form.querySelector("[data-busy-status]");
    sessionStorage.setItem("sent", JSON.stringify({
      disabled: form.querySelector("button").disabled,
      progress: !status.hidden && !!status.querySelector("progress") && status.textContent.includes("Filen kontrolleras"),
      busy: form.getAttribute("aria-busy"),
    }));
  }));
  await send("all");
  const sent = JSON.parse(await admin.evaluate(() => sessionStorage.getItem("sent")));
  assert.deepEqual(sent, { disabled: true, progress: true, busy: "true" });
  const report = admin.getByTestId("import-report");
  assert.match(await report.textContent(), /Inget är importerat/);
  assert.match(await report.textContent(), /windows-1252/);
  const problem = report.locator("tbody tr");
  assert.equal(await problem.count(), 1);
  assert.equal((await report.getByTestId("list-count").textContent()).trim(), "1 av 1");
  assert.match(await problem.textContent(), /^3\s*identity/);
  assert.equal((await admin.getByTestId("rows-imported").textContent()).trim(), "0");

  await send("only_valid");
  assert.equal((await admin.getByTestId("rows-imported").textContent()).trim(), "1");
  await admin.goto(`${demo.url}/clients?q=Åke`);
  assert.ok(await admin.getByRole("link", { name: "Åke Ödmark" }).isVisible());
});
