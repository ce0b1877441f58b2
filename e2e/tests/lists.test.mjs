// Lists and charts as the demo's administrators meet them: the inventory says how many devices
// it shows of how many, with the register form above the list; the statistics' charts are
// readable on a desktop and on a phone (no text under 12 px) and the alarm statistics have one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo, submitPassword, totp, loggedIn as signIn } from "../lib/vaka.mjs";

let demo;
let browser;
withDemo((d, b) => {
  demo = d;
  browser = b;
});

/** The system administrator, who enrols a second factor at the first login. */
async function admin() {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await submitPassword(page, demo, "admin");
  await page.waitForURL(/\/login\/enrol$/);
  const secret = (await page.locator("#totp-secret").textContent()).trim();
  await page.getByLabel("Kod", { exact: true }).fill(totp(secret));
  await page.getByRole("button", { name: "Aktivera" }).click();
  await page.getByRole("link", { name: "Fortsätt" }).click();
  await page.getByRole("heading", { name: /Välkommen/ }).waitFor();
  return page;
}

/** "57 av 57" → [57, 57] (the count groups thousands with a no-break space). */
function counted(text) {
  const m = text.trim().match(/^([\d\u00a0 ]+)(?:–[\d\u00a0 ]+)? av ([\d\u00a0 ]+)$/);
  assert.ok(m, `a count: ${text}`);
  return [Number(m[1].replace(/\D/g, "")), Number(m[2].replace(/\D/g, ""))];
}

test("the inventory counts what it shows, with the register form first", async () => {
  const page = await admin();
  await page.getByRole("link", { name: "Enheter och larm" }).click();
  const [shown, total] = counted(await page.getByTestId("list-count").textContent());
  assert.equal(shown, await page.locator("tbody tr").count());
  assert.ok(total >= shown && shown > 0, `${shown} of ${total}`);
  // Filtered to cameras, the count follows the filter.
  await page.getByLabel("Typ", { exact: true }).last().selectOption("camera");
  await page.getByRole("button", { name: "Sök" }).click();
  await page.waitForURL(/kind=camera/);
  const [cams, camTotal] = counted(await page.getByTestId("list-count").textContent());
  assert.equal(cams, await page.locator("tbody tr").count());
  assert.ok(camTotal < total, `cameras ${camTotal} of ${total} devices`);
  // The register form comes before the list.
  const before = await page.evaluate(() => {
    const form = document.querySelector("form[action='/devices'][method='post']");
    const table = document.querySelector("table");
    return !!(form.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING);
  });
  assert.ok(before, "the register form is above the list");
});

/** The smallest text of the page's charts, in CSS pixels as drawn. */
async function smallestChartText(page) {
  return page.evaluate(() => {
    let min = Infinity;
    for (const svg of document.querySelectorAll("svg.chart")) {
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      for (const t of svg.querySelectorAll("text")) {
        min = Math.min(min, parseFloat(t.getAttribute("font-size")) * scale);
      }
    }
    return min;
  });
}

test("statistics charts are readable on a desktop and a phone, alarms included", async () => {
  const manager = await signIn(browser, demo, "manager", { width: 1366, height: 768 });
  for (const [path, charts] of [["/supervision/statistics", 2], ["/alarms/statistics", 1]]) {
    await manager.setViewportSize({ width: 1366, height: 768 });
    await manager.goto(`${demo.url}${path}`);
    await manager.locator("svg.chart").first().waitFor();
    assert.equal(await manager.locator("svg.chart").count(), charts, path);
    // Every month of the period is a labelled bucket of the first chart.
    const months = await manager.locator("svg.chart").first().locator("text").allTextContents();
    const from = await manager.getByLabel("Från månad").inputValue();
    assert.ok(months.includes(from), `${path}: ${from} labelled in ${months}`);
    for (const viewport of [{ width: 1366, height: 768 }, { width: 390, height: 844 }]) {
      await manager.setViewportSize(viewport);
      const px = await smallestChartText(manager);
      assert.ok(px >= 12, `${path} at ${viewport.width} px: text of ${px.toFixed(1)} px`);
    }
  }
});
