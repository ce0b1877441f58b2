// The night patrol's alarm card on a phone (390×844), as a responder meets it in `vaka demo`: a
// dialler's personal alarm, taken by the operator with a call note and dispatched to the night
// patrol, shows on the patrol's card with its reason, the client's address, how to get in and
// the operator's note, with the time since the alarm in words, and nothing scrolls sideways.
// The patrol's forms keep what was typed and chosen when a step is refused, with the error
// beside its field: a visit's deviation without a note, closing the alarm with "Annan orsak" and
// no note; and a note typed on one card is still there after another card's form was sent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo, dial, loggedIn as signIn } from "../lib/vaka.mjs";

const phone = { width: 390, height: 844 };

let demo;
let browser;
withDemo((d, b) => {
  demo = d;
  browser = b;
});

const sessions = new Map();

/** A page logged in as a demo user, one login per user: a second within the same 30 s would
 * replay the code. */
async function loggedIn(username, viewport) {
  if (!sessions.has(username)) sessions.set(username, await signIn(browser, demo, username, viewport));
  return sessions.get(username);
}

/** Answers the next confirm dialog with yes. */
function acceptDialog(page) {
  return new Promise((ok) => page.once("dialog", async (d) => { await d.accept(); ok(d.message()); }));
}

/** The page scrolls sideways: its content is wider than the window. */
async function scrollsSideways(page) {
  return page.evaluate(() => document.scrollingElement.scrollWidth > window.innerWidth);
}

test("the patrol's alarm card shows reason, address, key access and the operator's note on a phone, with the time since the alarm in words", async () => {
  const account = demo.creds.sia_dc09.accounts.filter((a) => a.key_hex === null)[0].account;
  const op = await loggedIn("alarmoperator");
  await op.goto(`${demo.url}/alarms`);
  await op.getByText("Direktuppdaterad").waitFor();
  assert.equal(dial(demo, account, "kept-open").sent[0].answer_kind, "ACK");
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

  const patrol = await loggedIn("nightpatrol", phone);
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

/** Tonight's visits on the patrol's page whose window is open (the demo plans some due within
 * minutes): their cards' keys. */
async function openVisits(patrol) {
  await patrol.goto(`${demo.url}/patrol`);
  await patrol.getByRole("heading", { name: "Utryckningar", level: 1 }).waitFor();
  return patrol.locator("section.visit:has(form)").evaluateAll((cs) => cs.map((c) => c.getAttribute("data-key")));
}

test("a visit's deviation without a note is refused beside the note, and a note typed on another card stays", async () => {
  const patrol = await loggedIn("nightpatrol", phone);
  const visits = await openVisits(patrol);
  assert.ok(visits.length >= 2, `two open visits in the demo: ${visits}`);
  const [first, second] = visits.map((k) => patrol.locator(`section[data-key="${k}"]`));
  const other = "Dörren var låst, ringer anhörig först.";
  await second.getByLabel("Anteckning (krävs vid avvikelse)").fill(other);
  await first.getByRole("button", { name: "Avvikelse" }).click();

  // The error stands beside the note of the card it is about, the note names it, and the summary
  // at the top links to that note.
  // The card's form is named after the card (`visit-{task}`), its fields `{form}-{field}`.
  const form = visits[0];
  const note = first.getByLabel("Anteckning (krävs vid avvikelse)");
  await first.locator(`#${form}-note-error`).getByText("beskriv avvikelsen").waitFor();
  assert.equal(await note.getAttribute("aria-invalid"), "true");
  assert.equal(await note.getAttribute("aria-describedby"), `${form}-note-error`);
  assert.equal(await patrol.evaluate(() => document.activeElement.id), `${form}-note`);
  assert.equal(await patrol.locator("#error-summary a").getAttribute("href"), `#${form}-note`);
  // What was typed on the other card is still there.
  assert.equal(await second.getByLabel("Anteckning (krävs vid avvikelse)").inputValue(), other);
  // The live list does not take the error and the typed note away.
  await patrol.getByText("Direktuppdaterad").waitFor();
  await patrol.waitForTimeout(1500);
  assert.equal(await first.locator(`#${form}-note-error`).count(), 1);
  assert.equal(await second.getByLabel("Anteckning (krävs vid avvikelse)").inputValue(), other);
});

test("a note typed on one card survives another card's form being sent", async () => {
  const patrol = await loggedIn("nightpatrol", phone);
  const visits = await openVisits(patrol);
  assert.ok(visits.length >= 2, `two open visits in the demo: ${visits}`);
  const [first, second] = visits.map((k) => patrol.locator(`section[data-key="${k}"]`));
  const typed = "Lampan i hallen är trasig.";
  await second.getByLabel("Anteckning (krävs vid avvikelse)").fill(typed);
  await first.getByRole("button", { name: "Besökt, OK" }).click();
  await patrol.getByText("Steget är sparat.").waitFor();
  assert.equal(await patrol.locator(`section[data-key="${visits[0]}"]`).count(), 0);
  assert.equal(await second.getByLabel("Anteckning (krävs vid avvikelse)").inputValue(), typed);
});

test("the responder closing an alarm with a cause that needs a note keeps the cause and what was typed", async () => {
  const patrol = await loggedIn("nightpatrol", phone);
  await patrol.goto(`${demo.url}/patrol`);
  const key = await patrol.locator("section.alarm-card").first().getAttribute("data-key");
  const card = () => patrol.locator(`section[data-key="${key}"]`);
  await card().getByRole("button", { name: "Kvittera" }).click();
  await card().getByRole("button", { name: "Framme" }).waitFor();
  await card().getByRole("button", { name: "Framme" }).click();
  await card().getByLabel("Orsak", { exact: true }).waitFor();
  // A note on a visit's card, typed before the close is tried.
  const visit = patrol.locator("section.visit:has(form)").first();
  const typed = "Kommer tillbaka efter larmet.";
  await visit.getByLabel("Anteckning (krävs vid avvikelse)").fill(typed);

  await card().getByLabel("Orsak", { exact: true }).selectOption("other");
  const asked = acceptDialog(patrol);
  await card().getByRole("button", { name: "Avsluta larmet" }).click();
  assert.match(await asked, /^Avsluta larmet\?/);
  // The card's form is named after the card (`alarm-{id}`).
  const form = key;
  const error = card().locator(`#${form}-note-error`);
  await error.getByText("beskriv vad som hände när orsaken är Annan").waitFor();
  assert.equal(await card().getByLabel("Orsak", { exact: true }).inputValue(), "other");
  const note = card().getByLabel(/Vad hände/);
  assert.equal(await note.getAttribute("aria-invalid"), "true");
  assert.equal(await note.getAttribute("aria-describedby"), `${form}-note-error`);
  assert.equal(await patrol.evaluate(() => document.activeElement.id), `${form}-note`);
  assert.equal(await patrol.locator("#error-summary a").getAttribute("href"), `#${form}-note`);
  assert.equal(await visit.getByLabel("Anteckning (krävs vid avvikelse)").inputValue(), typed);
  // Live updates leave the refused form as it was drawn.
  await patrol.getByText("Direktuppdaterad").waitFor();
  await patrol.waitForTimeout(1500);
  assert.equal(await card().getByLabel("Orsak", { exact: true }).inputValue(), "other");
  assert.equal(await error.count(), 1);

  // With the note, the close goes through with the cause chosen.
  await note.fill("Brukaren hade tryckt av misstag.");
  const again = acceptDialog(patrol);
  await card().getByRole("button", { name: "Avsluta larmet" }).click();
  await again;
  await patrol.getByText("Sparat.").waitFor();
  assert.equal(await card().count(), 0);
});
