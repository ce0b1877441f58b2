// A walk through `vaka demo` as every demo user: log in, then visit every page reachable from
// the navigation and the lists by following the app's own links (same origin, GET only, no
// logout, no downloads), on a 1366×768 desktop and on a 390×844 phone. On every page: axe-core
// finds no WCAG 2.1 A/AA violation (checked by the shared helper on each page load), the phone
// never scrolls sideways, and the Swedish page says no English.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo, submitPassword, submitCode, totp, DESKTOP, PHONE } from "../lib/vaka.mjs";

let demo;
let browser;
withDemo((d, b) => {
  demo = d;
  browser = b;
});

/** At most this many pages per user and viewport, and this many pages of one shape (a path
 * whose ids differ, e.g. two clients' pages): the walk covers every kind of page, not every row. */
const MAX_PAGES = 60;
const PER_SHAPE = 2;

/** Links the walk does not follow: downloads, the API, static files, live streams. */
const SKIP = [/\.(csv|pdf|json|png|jpe?g|svg|ico|js|css)(\?|$)/i, /\/export\b/i, /\/api\//, /\/static\//,
  /\/(events|stream|frame|picture)\b/, /\/logout\b/, /\/download\b/];

/** The shape of a URL: its path with ids (numbers, UUIDs, long hex or mixed tokens) replaced, and
 * the names of its query parameters. */
function shape(url) {
  const u = new URL(url);
  const path = u.pathname.split("/").map((seg) =>
    /^\d+$/.test(seg) || /^[0-9a-f-]{16,}$/i.test(seg) || (/\d/.test(seg) && seg.length >= 8) ? ":id" : seg).join("/");
  const keys = [...u.searchParams.keys()].sort().join("&");
  return keys ? `${path}?${keys}` : path;
}

/** Words that give an English sentence away; none is a Swedish word. */
const ENGLISH = /\b(the|and|of|to|with|must|please|your|you|is not|not found|failed|invalid|error|unknown|required|loading|cannot|should|welcome|skip|save|cancel|delete|search|sign in|log in|log out)\b/i;

/** What the page itself says about language, overflow and English text, seen from inside. */
async function inspect(page) {
  return page.evaluate((english) => {
    const re = new RegExp(english.source, english.flags);
    const hits = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      // Codes such as "audit.search" or "night_supervision" are identifiers, not sentences.
      const text = n.textContent.replace(/\b[\w-]+(?:[._][\w-]+)+\b/g, " ").replace(/\s+/g, " ").trim();
      if (!text) continue;
      const el = n.parentElement;
      if (!el || el.closest("script, style, template, [hidden]")) continue;
      if (!el.checkVisibility({ visibilityProperty: true })) continue;
      // Text marked as another language (the "In English" switch) is not Swedish text.
      const lang = (el.closest("[lang]")?.getAttribute("lang") || "").toLowerCase();
      if (!lang.startsWith("sv")) continue;
      if (re.test(text)) hits.push(text.slice(0, 120));
    }
    const links = [...document.querySelectorAll("a[href]")]
      .filter((a) => !a.hasAttribute("download"))
      .map((a) => a.href);
    // Regions that scroll sideways inside the page (a wide table in its wrapper).
    const scrollers = [...document.querySelectorAll("main *")]
      .filter((el) => el.scrollWidth > el.clientWidth + 1 && /auto|scroll/.test(getComputedStyle(el).overflowX))
      // A chart keeps its text readable (≥ 12 px, checked by lists.test.mjs) and scrolls inside
      // its own keyboard-reachable region; the page itself must not scroll (checked below).
      .filter((el) => !el.classList.contains("chart-wrap"))
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}.${[...el.classList].join(".")} (${el.scrollWidth} px in ${el.clientWidth} px)`);
    return {
      scrollers,
      lang: document.documentElement.lang,
      html: document.contentType === "text/html",
      scrollWidth: document.scrollingElement.scrollWidth,
      innerWidth: window.innerWidth,
      english: hits,
      links,
    };
  }, { source: ENGLISH.source, flags: ENGLISH.flags });
}

/** A logged-in page for a demo user, enrolling a second factor for a user who has none yet. */
async function signIn(username) {
  const ctx = await browser.newContext({ viewport: DESKTOP });
  const page = await ctx.newPage();
  await submitPassword(page, demo, username);
  await page.waitForURL(/\/login\/(code|enrol)$|\/$/);
  if (page.url().endsWith("/enrol")) {
    const secret = (await page.locator("#totp-secret").textContent()).trim();
    await page.getByLabel("Kod", { exact: true }).fill(totp(secret));
    await page.getByRole("button", { name: "Aktivera" }).click();
    await page.getByRole("link", { name: "Fortsätt" }).click();
  } else if (page.url().endsWith("/code")) {
    await submitCode(page, totp(demo.user(username).totp_secret));
  }
  await page.getByRole("heading", { name: /Välkommen/ }).waitFor();
  return page;
}

/** Visits every page reachable from `start` by links; returns the problems found. */
async function walk(page, label, start = "/", least = 2) {
  const origin = new URL(demo.url).origin;
  const problems = [];
  const seen = new Set();
  const shapes = new Map();
  const queue = [`${origin}${start}`];
  let visited = 0;
  while (queue.length && visited < MAX_PAGES) {
    const url = queue.shift();
    let res;
    try {
      res = await page.goto(url);
    } catch (e) {
      // A link that turns out to be a download is not a page.
      if (/Download is starting/.test(e.message)) continue;
      problems.push(`${label} ${url}: could not open (${e.message.split("\n")[0]})`);
      continue;
    }
    await browser.axe.settled();
    const info = await inspect(page);
    if (!info.html) continue;
    visited += 1;
    const here = page.url();
    if (res && res.status() >= 400) problems.push(`${label} ${here}: HTTP ${res.status()} from a link in the app`);
    if (!browser.axe.checked(page)) problems.push(`${label} ${here}: axe did not check the page`);
    if (info.lang !== "sv") problems.push(`${label} ${here}: <html lang="${info.lang}">, not sv`);
    if (info.scrollWidth > info.innerWidth + 1) {
      problems.push(`${label} ${here}: scrolls sideways (${info.scrollWidth} px wide in ${info.innerWidth} px)`);
    }
    // On a phone a table is a stack of cards, not a region to scroll sideways.
    if (page.viewportSize().width < 640) {
      for (const region of info.scrollers) problems.push(`${label} ${here}: ${region} scrolls sideways`);
    }
    for (const text of info.english) problems.push(`${label} ${here}: English text "${text}"`);
    for (const link of info.links) {
      const u = new URL(link);
      if (u.origin !== origin) continue;
      u.hash = "";
      const next = u.href;
      if (seen.has(next) || SKIP.some((re) => re.test(u.pathname + u.search))) continue;
      seen.add(next);
      const s = shape(next);
      const n = shapes.get(s) || 0;
      if (n >= PER_SHAPE) continue;
      shapes.set(s, n + 1);
      queue.push(next);
    }
  }
  assert.ok(visited >= least, `${label}: the walk reached only ${visited} page(s)`);
  return problems;
}

test("every demo user's pages: axe-clean, no sideways scrolling on a phone, no English in Swedish", async () => {
  const problems = [];
  const summary = [];
  // Before logging in: the login page (with the demo's users and codes) and what it links to.
  const anonymous = await browser.newContext();
  const login = await anonymous.newPage();
  for (const viewport of [DESKTOP, PHONE]) {
    await login.setViewportSize(viewport);
    const label = `(not logged in) ${viewport.width}×${viewport.height}`;
    const before = problems.length;
    problems.push(...await walk(login, label, "/login", 1));
    summary.push(`${label}: ${problems.length - before} problem(s)`);
  }
  await anonymous.close();
  for (const { username } of demo.creds.users) {
    const page = await signIn(username);
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      const label = `${username} ${viewport.width}×${viewport.height}`;
      const before = problems.length;
      problems.push(...await walk(page, label));
      summary.push(`${label}: ${problems.length - before} problem(s)`);
    }
    await page.context().close();
  }
  // axe-core's findings on the walk's pages, listed with the rest (the shared hook would report
  // them too, but only after this test's own assertion).
  try {
    await browser.axe.assertClean();
  } catch (e) {
    problems.push(e.message);
  }
  assert.deepEqual(problems, [], summary.join("\n"));
});
