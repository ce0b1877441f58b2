// The night patrol's alarm card on a phone (390×844), as a responder meets it in `vaka demo`: a
// dialler's personal alarm, taken by the operator with a call note and dispatched to the night
// patrol, shows on the patrol's card with its reason, the client's address, how to get in and
// the operator's note, with the time since the alarm in words, and nothing scrolls sideways.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { withDemo, loggedIn as signIn } from "../lib/vaka.mjs";

const root = resolve(new URL("../..", import.meta.url).pathname);
const python = process.env.VAKA_PEERS_PYTHON || `${root}/.venv/bin/python`;
const dialler = `${root}/crates/vaka-alarm-receiver/peers/dialler.py`;
const phone = { width: 390, height: 844 };

let demo;
let browser;
withDemo((d, b) => {
  demo = d;
  browser = b;
});

function dial(account, scenario) {
  const [host, port] = demo.creds.sia_dc09.listen.split(":");
  const r = spawnSync(python, [dialler, "--host", host, "--port", port, "--account", account,
    "--scenario", scenario, "--count", "1", "--json"], { encoding: "utf8" });
  assert.equal(r.status, 0, `dialler failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** The page scrolls sideways: its content is wider than the window. */
async function scrollsSideways(page) {
  return page.evaluate(() => document.scrollingElement.scrollWidth > window.innerWidth);
}

test("the patrol's alarm card shows reason, address, key access and the operator's note on a phone, with the time since the alarm in words", async () => {
  const account = demo.creds.sia_dc09.accounts.filter((a) => a.key_hex === null)[0].account;
  const op = await signIn(browser, demo, "alarmoperator");
  await op.goto(`${demo.url}/alarms`);
  await op.getByText("Direktuppdaterad").waitFor();
  assert.equal(dial(account, "kept-open").sent[0].answer_kind, "ACK");
  const row = op.locator(`tr[data-account="${account}"].alarm-received`).first();
  await row.waitFor({ timeout: 15000 });
  await row.getByRole("button", { name: "Ta larmet" }).click();
  await op.getByText("Sparat.").waitFor();
  const note = "Svarar inte i telefon, larmet gick från hallen.";
  await op.getByLabel("Samtalsanteckning").fill(note);
  await op.getByRole("button", { name: "Spara anteckning" }).click();
  await op.getByText("Sparat.").waitFor();
  // The alarm's code is a tooltip; its words are on the page.
  const code = op.locator("[data-code]").first();
  assert.match(await code.getAttribute("title"), /Händelsekod från enheten: \S+/);
  assert.equal(await code.textContent(), "larmknapp");
  await op.getByLabel("Larma ut till").selectOption("night_patrol");
  await op.getByRole("button", { name: "Larma ut", exact: true }).click();
  await op.locator("[data-state]", { hasText: "Utlarmat" }).waitFor();

  const patrol = await signIn(browser, demo, "nightpatrol", phone);
  await patrol.goto(`${demo.url}/patrol`);
  const card = patrol.locator("section.alarm-card").first();
  await card.waitFor();
  assert.match((await card.locator("[data-reason]").textContent()).trim(), /^Personlarm – larmknapp( \(zon \S+\))?$/);
  const address = (await card.locator("[data-address]").textContent()).trim();
  assert.match(address, /^.+, \d{3} \d{2} .+$/, `an address: ${address}`);
  const key = (await card.locator("[data-key-access]").textContent()).trim();
  assert.match(key, /^(Digitalt lås|Nyckelgömma|Reservnyckel|Inte ordnat)/, `key access: ${key}`);
  assert.equal((await card.locator("[data-note]").textContent()).trim(), note);
  // All of it is on the card itself, on the screen without scrolling sideways.
  for (const part of ["[data-reason]", "[data-address]", "[data-key-access]", "[data-note]"]) {
    const box = await card.locator(part).boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= phone.width, `${part} fits the phone: ${JSON.stringify(box)}`);
  }
  assert.equal(await scrollsSideways(patrol), false, "the patrol page scrolls sideways");
  // The time since the alarm reads as a duration, and keeps counting in words.
  const elapsed = card.locator("[data-elapsed]");
  assert.match((await elapsed.textContent()).trim(), /^\d+ min sedan larmet$/);
  await patrol.waitForFunction(() => {
    const c = document.querySelector("section.alarm-card [data-elapsed]");
    return c && /^\d+ min sedan larmet$/.test(c.textContent.trim()) && c.hasAttribute("data-format");
  });
  // The alarm's page (address and contacts) on the phone: its log is not a sideways table.
  await card.getByRole("link", { name: "Adress och kontakter" }).click();
  await patrol.getByRole("heading", { name: "Brukaren" }).waitFor();
  assert.equal(await scrollsSideways(patrol), false, "the alarm page scrolls sideways");
  await patrol.getByText(note).first().waitFor();
  // The client's record, where the card's name leads, is no sideways table either.
  await patrol.getByRole("link", { name: "Akten" }).click();
  await patrol.waitForURL(/\/clients\//);
  assert.equal(await scrollsSideways(patrol), false, "the client's page scrolls sideways");
  if (process.env.VAKA_SCREENSHOTS) {
    await patrol.goto(`${demo.url}/patrol`);
    await patrol.screenshot({ path: `${process.env.VAKA_SCREENSHOTS}/patrol-phone.png`, fullPage: true });
  }
});
