// The municipality's operating routines as the demo's people meet them: the system manager
// announces a planned downtime — four days ahead it is refused beside the day with the rule
// named, a day inside the window a week ahead is published and shows as a banner — and the
// private provider's contact person sees the banner and acknowledges the notice. Every page in
// Swedish, checked with axe.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo, loggedIn, englishOn } from "../lib/vaka.mjs";

let demo;
let browser;
withDemo((d, b) => {
  demo = d;
  browser = b;
});

/** Today's date in Stockholm, as a Date at noon UTC (for day arithmetic). */
function stockholmToday() {
  const ymd = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Stockholm" }).format(new Date());
  return new Date(`${ymd}T12:00:00Z`);
}

const iso = (d) => d.toISOString().slice(0, 10);

function addDays(d, n) {
  const x = new Date(d);
  x.setUTCDate(x.getUTCDate() + n);
  return x;
}

/** The first Tuesday–Thursday at least `lead` days ahead that is not a holiday or an eve of
 * the season (the window's days). */
function windowDay(lead) {
  const off = ["12-24", "12-25", "12-26", "12-31", "01-01", "01-06"];
  for (let d = addDays(stockholmToday(), lead); ; d = addDays(d, 1)) {
    const wd = d.getUTCDay();
    if (wd >= 2 && wd <= 4 && !off.includes(iso(d).slice(5))) return iso(d);
  }
}

test("a downtime four days ahead is refused and a valid one is announced, shown and acknowledged", async () => {
  const page = await loggedIn(browser, demo, "manager");
  await page.getByRole("link", { name: "Drift", exact: true }).click();
  await page.getByRole("heading", { name: "Drift och störningar", level: 1 }).waitFor();
  assert.deepEqual(await englishOn(page), []);

  const form = page.locator("#notice");
  const soon = iso(addDays(stockholmToday(), 4));
  await form.getByLabel("Vad som berörs").fill("Uppgradering av Vaka (e2e)");
  await form.getByLabel("Dag", { exact: true }).fill(soon);
  await form.getByLabel("Från klockan").fill("10:00");
  await form.getByLabel("Till klockan").fill("11:30");
  await form.getByRole("button", { name: "Publicera" }).click();
  await page.locator("#notice-day-error").waitFor();
  assert.match(await page.locator("#notice-day-error").textContent(), /minst 7 dagar i förväg/);
  assert.equal(await form.getByLabel("Dag", { exact: true }).inputValue(), soon, "what was typed is kept");
  assert.equal(await page.locator("[data-banner]").count(), 0, "nothing was published");
  assert.deepEqual(await englishOn(page), []);

  const day = windowDay(7);
  await form.getByLabel("Dag", { exact: true }).fill(day);
  await form.getByRole("button", { name: "Publicera" }).click();
  await page.getByText("Driftstoppet är publicerat.").waitFor();
  const banner = page.locator("[data-banner='downtime']");
  await banner.waitFor();
  assert.match(await banner.textContent(), new RegExp(`Planerat driftstopp ${day} 10:00–11:30: Uppgradering av Vaka \\(e2e\\)`));
  assert.deepEqual(await englishOn(page), []);
  await page.context().close();

  // The private provider's contact person: the banner on the first page, then the notice.
  const contact = await loggedIn(browser, demo, "lovadmin");
  await contact.locator("[data-banner='downtime']", { hasText: "Uppgradering av Vaka (e2e)" }).waitFor();
  await contact.locator("[data-banner='downtime']").getByRole("link", { name: "Läs mer" }).click();
  await contact.getByRole("heading", { name: "Drift och störningar", level: 1 }).waitFor();
  await contact.getByRole("button", { name: /Kvittera/ }).click();
  await contact.getByText("Driftstoppet är kvitterat.").waitFor();
  await contact.getByText(/kvitterad av Peter Utförare/).waitFor();
  assert.equal(await contact.getByRole("button", { name: /Kvittera/ }).count(), 0);
  assert.deepEqual(await englishOn(contact), []);
  await contact.context().close();
});
