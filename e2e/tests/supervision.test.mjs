// Night supervision as a newcomer meets it in `vaka demo`: the operator sees the live queue,
// looks in on a simulated camera and sees the picture, records "not visible" (the task waits for
// its re-check) and a deviation on another client; the deviation appears on the night patrol's
// phone view by itself, with its clock, and the patrol takes it to closed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo, loggedIn as signIn } from "../lib/vaka.mjs";

let demo;
let browser;
withDemo((d, b) => {
  demo = d;
  browser = b;
});

/** A page logged in as a demo user (see the shared helper). */
function loggedIn(username, viewport) {
  return signIn(browser, demo, username, viewport);
}

/** Looks in on the first client whose look-in can start; returns the client's name. */
async function lookIn(page) {
  await page.goto(`${demo.url}/supervision`);
  await page.getByRole("heading", { name: "Tillsyn i natt" }).waitFor();
  const button = page.locator("#queue").getByRole("button", { name: "Titta in" }).first();
  // The scheduler opens the windows and the simulated cameras connect within seconds; the
  // live queue shows it without a reload.
  await button.waitFor({ timeout: 60000 });
  const row = button.locator("xpath=ancestor::tr");
  const name = (await row.locator("td").nth(1).textContent()).trim();
  const task = await row.getAttribute("data-task");
  await button.click();
  await page.getByRole("heading", { name: `Tillsyn via kamera: ${name}` }).waitFor();
  // The picture: JPEG frames from the simulated camera, relayed from memory.
  await page.waitForFunction(() => {
    const img = document.querySelector("#picture");
    return img && img.naturalWidth > 0;
  }, null, { timeout: 20000 });
  if (process.env.VAKA_SCREENSHOTS) {
    await page.screenshot({ path: `${process.env.VAKA_SCREENSHOTS}/look-in.png`, fullPage: true });
  }
  const remaining = Number(await page.locator("[data-remaining]").textContent());
  assert.ok(remaining > 0 && remaining <= 30, `remaining ${remaining}`);
  return { name, task };
}

test("the operator looks in through a camera and records outcomes; the night patrol takes the dispatch", async () => {
  const patrol = await loggedIn("nightpatrol", { width: 390, height: 844 });
  await patrol.goto(`${demo.url}/patrol`);
  await patrol.getByRole("heading", { name: "Utryckningar", level: 1 }).waitFor();

  const op = await loggedIn("operator", { width: 1366, height: 768 });
  const { name: first, task: firstTask } = await lookIn(op);
  await op.getByRole("button", { name: "Syns inte" }).click();
  await op.getByText("Utfallet är sparat.").waitFor();
  // The task now waits for its re-check.
  const row = op.locator(`#queue tr[data-task="${firstTask}"]`);
  await row.getByText("Omtitt väntar").waitFor();
  assert.equal(await row.getByRole("button", { name: "Titta in" }).count(), 0);

  // A deviation on another client needs a note, then sends the night patrol at once.
  const { name: second, task: secondTask } = await lookIn(op);
  assert.notEqual(secondTask, firstTask);
  const lookInUrl = op.url();
  // The outcome buttons stand beside the picture, in view without scrolling at 1366×768.
  const picture = await op.locator("#picture").boundingBox();
  for (const name of ["Sett, OK", "Syns inte", "Avvikelse"]) {
    const b = await op.getByRole("button", { name }).boundingBox();
    assert.ok(b.y + b.height <= 768, `${name} is below the fold: ${JSON.stringify(b)}`);
    assert.ok(b.x >= picture.x + picture.width, `${name} is not beside the picture`);
  }
  // Without a note the deviation is refused beside the note, on the same look-in: the picture
  // stays and the time goes on counting down.
  const before = Number(await op.locator("[data-remaining]").textContent());
  await op.getByRole("button", { name: "Avvikelse" }).click();
  await op.locator("#outcome-note-error").getByText("beskriv avvikelsen").waitFor();
  assert.equal(op.url(), lookInUrl);
  const note = op.getByLabel("Anteckning (krävs vid avvikelse)");
  assert.equal(await note.getAttribute("aria-invalid"), "true");
  assert.equal(await note.getAttribute("aria-describedby"), "outcome-note-error");
  assert.equal(await op.evaluate(() => document.activeElement.id), "outcome-note");
  await op.waitForFunction((b) => Number(document.querySelector("[data-remaining]").textContent) < b, before);
  assert.ok(await op.locator("#picture").evaluate((img) => img.naturalWidth > 0 && img.src.endsWith("/stream")));
  await note.fill("Ligger på golvet bredvid sängen");
  await op.getByRole("button", { name: "Avvikelse" }).click();
  await op.getByText("Utfallet är sparat.").waitFor();
  // The queue shows the outcome: staff are on their way, and no second look-in is offered.
  const sent = op.locator(`#queue tr[data-task="${secondTask}"]`);
  if (await sent.count() > 0) {
    await sent.getByText("Eskalerad – personal skickad").waitFor();
    assert.equal(await sent.getByRole("button", { name: "Titta in" }).count(), 0);
  }

  // The patrol's phone view shows it by itself, with a running clock.
  const card = patrol.locator("section.dispatch", { hasText: second });
  await card.waitFor({ timeout: 40000 });
  await card.getByText("Avvikelse sedd").waitFor();
  // What the operator saw goes with the dispatch.
  await card.getByText("Ligger på golvet bredvid sängen").waitFor();
  // The time since the alarm reads as a duration, not as a clock time, and the browser keeps
  // it going: moved 9 minutes back, the clock says so within a tick.
  const clock = card.locator("[data-clock]");
  assert.match((await clock.textContent()).trim(), /^\d+ min sedan larmet$/);
  await clock.evaluate((c) => c.setAttribute("data-since", String(Date.now() - 9 * 60000 - 5000)));
  await patrol.waitForFunction(() =>
    document.querySelector("section.dispatch [data-clock]").textContent === "9 min sedan larmet");
  await card.getByRole("button", { name: "Kvittera" }).click();
  await patrol.getByText("Steget är sparat.").waitFor();
  const c2 = patrol.locator("section.dispatch", { hasText: second });
  await c2.getByRole("button", { name: "På väg" }).click();
  await patrol.locator("section.dispatch", { hasText: second }).getByRole("button", { name: "Framme" }).click();
  const c3 = patrol.locator("section.dispatch", { hasText: second });
  await c3.getByText("Framme", { exact: true }).first().waitFor();
  // Closing needs a note: said beside the note, which names it.
  await c3.getByRole("button", { name: "Avsluta" }).click();
  const c4 = patrol.locator("section.dispatch", { hasText: second });
  await c4.locator(".field-error").getByText("skriv vad som gjordes innan du avslutar").waitFor();
  const closeNote = c4.getByLabel("Vad gjordes? (krävs för att avsluta)");
  assert.equal(await closeNote.getAttribute("aria-describedby"), await c4.locator(".field-error").getAttribute("id"));
  await c4.getByLabel("Vad gjordes? (krävs för att avsluta)").fill("Hjälpte upp i sängen, ringde sjuksköterskan");
  await c4.getByRole("button", { name: "Avsluta" }).click();
  await patrol.getByText("Steget är sparat.").waitFor();
  assert.equal(await patrol.locator("section.dispatch", { hasText: second }).count(), 0);

  // The system manager sees tonight in the statistics, with its charts.
  const manager = await loggedIn("manager");
  await manager.getByRole("link", { name: "Statistik" }).click();
  await manager.getByRole("heading", { name: "Statistik för nattillsyn" }).waitFor();
  assert.equal(await manager.locator("svg.chart").count(), 2);
  const planned = await manager.locator("tbody tr td:nth-child(3)").allTextContents();
  assert.ok(planned.map(Number).reduce((a, b) => a + b, 0) > 0, `planned: ${planned}`);
  if (process.env.VAKA_SCREENSHOTS) {
    await manager.screenshot({ path: `${process.env.VAKA_SCREENSHOTS}/statistics.png`, fullPage: true });
    await patrol.screenshot({ path: `${process.env.VAKA_SCREENSHOTS}/patrol.png`, fullPage: true });
    await op.screenshot({ path: `${process.env.VAKA_SCREENSHOTS}/console.png`, fullPage: true });
  }

  // The API's queue (with the browser's session) no longer offers the closed supervision.
  const res = await op.request.get(`${demo.url}/api/v1/supervision/queue`);
  assert.equal(res.status(), 200);
  const queue = await res.json();
  assert.ok(!queue.some((i) => i.task_id === secondTask), "the closed supervision left the queue");
});
