// Shared helpers of the browser tests: start `vaka demo` on a free port, launch Debian's
// Chromium through playwright-core, compute TOTP codes, log in. Every page a test visits is
// checked with axe-core (WCAG 2.1 A and AA), see `launch`.
import { before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";
import * as OTPAuth from "otpauth";

const root = resolve(new URL("../..", import.meta.url).pathname);

/** The vaka binary: $VAKA_BIN, else the debug build in the cargo target dir. */
export function vakaBin() {
  if (process.env.VAKA_BIN) return process.env.VAKA_BIN;
  const target = process.env.CARGO_TARGET_DIR || join(root, "target");
  return join(target, "debug", "vaka");
}

/** Starts `vaka demo` in a temporary directory; resolves once it listens. With
 * `{ testClock: true }` the server's clock can be moved ahead: `await demo.advanceClock(s)`. */
export async function startDemo({ testClock = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "vaka-e2e-"));
  const dataDir = join(dir, "demo");
  const args = ["demo", "--data-dir", dataDir, "--listen", "127.0.0.1:0", "--sia-listen", "127.0.0.1:0", "--scaip-listen", "127.0.0.1:0"];
  if (testClock) args.push("--test-clock");
  const child = spawn(vakaBin(), args, {
    stdio: [testClock ? "pipe" : "ignore", "pipe", "pipe"],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG || "warn" },
  });
  let stderr = "";
  child.stderr.on("data", (d) => { stderr += d; });
  const lines = createInterface({ input: child.stdout });
  // Answers of the test clock (`clock <instant>`), in order.
  const clockAnswers = [];
  let clockWaiter = null;
  const url = await new Promise((ok, fail) => {
    lines.on("line", (line) => {
      const m = line.match(/^Vaka listening on (http:\/\/\S+)/);
      if (m) ok(m[1]);
      const c = line.match(/^clock (\S+)/);
      if (c) {
        clockAnswers.push(c[1]);
        if (clockWaiter) clockWaiter();
      }
    });
    child.on("exit", (code) => fail(new Error(`vaka demo exited with ${code}: ${stderr}`)));
  });
  const creds = JSON.parse(readFileSync(join(dataDir, "demo-credentials.json"), "utf8"));
  return {
    url,
    creds,
    /** The demo's data directory (its SQLite database is `vaka.db` there). */
    dataDir,
    user(name) {
      const u = creds.users.find((x) => x.username === name);
      if (!u) throw new Error(`no demo user ${name}`);
      return u;
    },
    /** How far (seconds) the server's clock was moved ahead: its one-time codes are for then. */
    clockOffset: 0,
    /** Moves the server's clock `seconds` ahead; resolves with its new time (RFC 3339). */
    async advanceClock(seconds) {
      if (!testClock) throw new Error("the demo was started without testClock");
      const answered = new Promise((ok) => { clockWaiter = ok; });
      child.stdin.write(`advance ${seconds}\n`);
      await answered;
      this.clockOffset += seconds;
      clockWaiter = null;
      const at = clockAnswers.shift();
      if (at === "ignored") throw new Error(`the demo ignored advance ${seconds}`);
      return at;
    },
    async stop() {
      child.stdin?.end();
      child.kill("SIGTERM");
      await new Promise((ok) => child.once("exit", ok));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs the PyPI SIA DC-09 dialler (crates/vaka-alarm-receiver/peers/dialler.py, in
 * $VAKA_PEERS_PYTHON, else the repository's .venv) against the demo's receiver: one message of
 * `scenario` from `account`, with `extra` further arguments. Fails the test unless the dialler
 * exits 0; returns its JSON report. */
export function dial(demo, account, scenario, extra = []) {
  const python = process.env.VAKA_PEERS_PYTHON || join(root, ".venv", "bin", "python");
  const dialler = join(root, "crates", "vaka-alarm-receiver", "peers", "dialler.py");
  const [host, port] = demo.creds.sia_dc09.listen.split(":");
  const r = spawnSync(python, [dialler, "--host", host, "--port", port, "--account", account,
    "--scenario", scenario, "--count", "1", "--json", ...extra], { encoding: "utf8" });
  assert.equal(r.status, 0, `dialler failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Registers the `before` and `after` hooks every browser test file needs: one demo and one
 * Chromium for the file's tests, stopped when they are done. `set(demo, browser)` hands both to
 * the file once they run (the file keeps them in its own variables). */
export function withDemo(set, options = {}) {
  let demo;
  let browser;
  before(async () => {
    demo = await startDemo(options);
    browser = await launch();
    set(demo, browser);
  });
  // A page that broke a WCAG rule fails the test that visited it.
  afterEach(async () => {
    await browser?.axe.assertClean();
  });
  after(async () => {
    if (process.env.VAKA_AXE_DEBUG) {
      for (const key of browser?.axe.unchecked() ?? []) console.log(`# axe: a navigation interrupted the check of ${key}`);
    }
    await browser?.close();
    await demo?.stop();
  });
}

/** Fills in the login form with a demo user's name and password and submits it. */
export async function submitPassword(page, demo, username) {
  await page.goto(`${demo.url}/login`);
  await page.getByLabel("Användarnamn").fill(username);
  await page.getByLabel("Lösenord").fill(demo.user(username).password);
  await page.getByRole("button", { name: "Logga in" }).click();
}

/** Fills in the second-factor form with `code` and submits it. */
export async function submitCode(page, code) {
  await page.getByLabel("Kod", { exact: true }).fill(code);
  await page.getByRole("button", { name: "Verifiera" }).click();
}

/** A new page (in its own context, with `viewport` if given) logged in as a demo user, with the
 * user's TOTP code when the user has one (a provider admin sees no client data and needs none). */
export async function loggedIn(browser, demo, username, viewport) {
  const ctx = await browser.newContext(viewport ? { viewport } : {});
  const page = await ctx.newPage();
  const user = demo.user(username);
  await submitPassword(page, demo, username);
  if (user.totp_secret) {
    await page.waitForURL(/\/login\/code$/);
    await submitCode(page, totp(user.totp_secret, Math.round((demo.clockOffset || 0) / 30)));
  }
  await page.getByRole("heading", { name: /Välkommen/ }).waitFor();
  return page;
}

/** Launches Chromium. Every page opened through the returned browser (`newPage`, or `newPage`
 * on a context from `newContext`) is checked with axe-core after each page load — a `goto`, a
 * followed link, a submitted form — see `axeAudit`. Contexts without a viewport get the desktop
 * size of the walk-through, 1366×768. */
export async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  const axe = axeAudit();
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options = {}) => {
    const ctx = await newContext({ viewport: DESKTOP, ...options });
    ctx.on("page", (page) => axe.watch(page));
    for (const page of ctx.pages()) axe.watch(page);
    return ctx;
  };
  browser.newPage = async (options = {}) => {
    const ctx = await browser.newContext(options);
    const page = await ctx.newPage();
    // As playwright's own `newPage`: closing the page closes its context.
    page.once("close", () => ctx.close().catch(() => {}));
    return page;
  };
  browser.axe = axe;
  return browser;
}

export const DESKTOP = { width: 1366, height: 768 };
export const PHONE = { width: 390, height: 844 };

/** The WCAG levels the pages must meet: 2.0 and 2.1, A and AA. */
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Runs axe-core on the page as it is now; resolves to its violations (none on a page that is not
 * HTML, e.g. a JSON answer). The script is evaluated through the DevTools protocol, which the
 * pages' Content-Security-Policy does not govern, and needs no network. */
export async function axeViolations(page) {
  const hasAxe = await page.evaluate(() => document.contentType === "text/html" ? typeof window.axe !== "undefined" : null);
  if (hasAxe === null) return [];
  if (!hasAxe) await page.evaluate(`${axeSource}\n;0`);
  return page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(" ")),
    }));
  }, AXE_TAGS);
}

/** Collects axe-core's findings on every page load of the watched pages. Each distinct URL and
 * viewport is checked once per browser (once per test file), which keeps the suite fast. A check
 * that a navigation interrupts leaves its URL unchecked, so the next visit checks it. */
function axeAudit() {
  /** A page's URL at its viewport: "1366×768 http://…". */
  const keyOf = (page) => {
    const vp = page.viewportSize();
    return `${vp ? `${vp.width}×${vp.height}` : "default"} ${page.url()}`;
  };
  const checked = new Set();
  const running = new Set();
  const pending = new Set();
  const interrupted = new Set();
  let found = [];
  const watched = new WeakSet();

  async function check(page, url, key) {
    try {
      const violations = await axeViolations(page);
      // The page may have moved on while axe ran: then the findings belong to no known URL.
      if (page.url() !== url) {
        interrupted.add(key);
        return;
      }
      checked.add(key);
      for (const v of violations) found.push({ ...v, url, viewport: key.split(" ")[0] });
    } catch {
      // The page navigated or closed during the check; the URL stays unchecked.
      interrupted.add(key);
    } finally {
      running.delete(key);
    }
  }

  return {
    watch(page) {
      if (watched.has(page)) return;
      watched.add(page);
      page.on("load", () => {
        const url = page.url();
        if (!/^https?:/.test(url)) return;
        const key = keyOf(page);
        if (checked.has(key) || running.has(key)) return;
        running.add(key);
        const p = check(page, url, key).finally(() => pending.delete(p));
        pending.add(p);
      });
    },
    /** The URLs whose check a navigation interrupted and no later visit made up for. */
    unchecked() {
      return [...interrupted].filter((key) => !checked.has(key));
    },
    /** Waits until the checks under way have finished. */
    async settled() {
      while (pending.size) await Promise.all([...pending]);
    },
    /** Whether `page`'s current URL at its current viewport has been checked. */
    checked(page) {
      return checked.has(keyOf(page));
    },
    /** Waits for the running checks; throws a list of every violation found since the last call. */
    async assertClean() {
      while (pending.size) await Promise.all([...pending]);
      const list = found;
      found = [];
      if (list.length === 0) return;
      const lines = list.map((v) => `${v.id} (${v.impact}) at ${v.viewport} ${v.url}: ${v.help}\n    ${v.targets.join("\n    ")}`);
      throw new Error(`axe-core found ${list.length} WCAG 2.1 A/AA violation(s):\n${lines.join("\n")}`);
    },
  };
}

/** The TOTP code of a base32 secret, for a moment `offsetSteps` × 30 s from now. */
export function totp(secret, offsetSteps = 0) {
  const t = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: "SHA1" });
  return t.generate({ timestamp: Date.now() + offsetSteps * 30000 });
}

/** Waits until the next 30-second step has begun, so a fresh code is not a replay. */
export async function nextStep() {
  const ms = 30000 - (Date.now() % 30000) + 200;
  await new Promise((ok) => setTimeout(ok, ms));
}

/** Words that give an English sentence away (as the walk's list). */
const ENGLISH = /\b(the|and|of|to|with|must|please|your|you|is not|not found|failed|invalid|error|unknown|required|loading|cannot|should|welcome|skip|save|cancel|delete|search|sign in|log in|log out)\b/i;

/** The visible text of the page that is in English, if any. */
export async function englishOn(page) {
  return page.evaluate((src) => {
    const re = new RegExp(src, "i");
    const hits = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      const text = n.textContent.replace(/\s+/g, " ").trim();
      if (!text || !el || el.closest("script, style, template, [hidden]")) continue;
      if (!el.checkVisibility({ visibilityProperty: true })) continue;
      if (re.test(text)) hits.push(text);
    }
    return hits;
  }, ENGLISH.source);
}
