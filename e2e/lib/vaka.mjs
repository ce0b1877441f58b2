// Shared helpers of the browser tests: start `vaka demo` on a free port, launch Debian's
// Chromium through playwright-core, compute TOTP codes, log in.
import { before, after } from "node:test";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
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

/** Starts `vaka demo` in a temporary directory; resolves once it listens. */
export async function startDemo() {
  const dir = mkdtempSync(join(tmpdir(), "vaka-e2e-"));
  const dataDir = join(dir, "demo");
  const child = spawn(vakaBin(), ["demo", "--data-dir", dataDir, "--listen", "127.0.0.1:0", "--sia-listen", "127.0.0.1:0"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG || "warn" },
  });
  let stderr = "";
  child.stderr.on("data", (d) => { stderr += d; });
  const url = await new Promise((ok, fail) => {
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      const m = line.match(/^Vaka listening on (http:\/\/\S+)/);
      if (m) ok(m[1]);
    });
    child.on("exit", (code) => fail(new Error(`vaka demo exited with ${code}: ${stderr}`)));
  });
  const creds = JSON.parse(readFileSync(join(dataDir, "demo-credentials.json"), "utf8"));
  return {
    url,
    creds,
    user(name) {
      const u = creds.users.find((x) => x.username === name);
      if (!u) throw new Error(`no demo user ${name}`);
      return u;
    },
    async stop() {
      child.kill("SIGTERM");
      await new Promise((ok) => child.once("exit", ok));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Registers the `before` and `after` hooks every browser test file needs: one demo and one
 * Chromium for the file's tests, stopped when they are done. `set(demo, browser)` hands both to
 * the file once they run (the file keeps them in its own variables). */
export function withDemo(set) {
  let demo;
  let browser;
  before(async () => {
    demo = await startDemo();
    browser = await launch();
    set(demo, browser);
  });
  after(async () => {
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
    await submitCode(page, totp(user.totp_secret));
  }
  await page.getByRole("heading", { name: /Välkommen/ }).waitFor();
  return page;
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
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
