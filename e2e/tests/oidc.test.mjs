// Login with SITHS eID through the demo's OpenID provider (tools/idp: oidc-provider, standing
// in for Inera's IdP): a care worker with an HSA-id reaches her work without a one-time code
// when the provider vouches for two factors (loa3), and gets the code page at loa2; an HSA-id
// no account has gets a clear page; logout ends the provider's session too; a sensitive action
// later is confirmed with the card again (a step-up at the provider); a provider that is down
// gives a clear page while the password login still works.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { withDemo, submitPassword, submitCode, totp } from "../lib/vaka.mjs";

let demo;
let browser;
withDemo((d, b) => {
  demo = d;
  browser = b;
});

const LOA2 = "http://id.sambi.se/loa/loa2";

/** Clicks "Logga in med SITHS eID" and, at the provider, "reads the card": `hsa` at `acr`. */
async function sithsLogin(page, hsa, { acr } = {}) {
  await page.goto(`${demo.url}/login`);
  await page.getByRole("link", { name: "Logga in med SITHS eID" }).click();
  await page.getByRole("heading", { name: /SITHS eID \(testleverantör\)/ }).waitFor();
  await page.getByLabel("HSA-id").fill(hsa);
  if (acr) await page.locator(`input[name=acr][value="${acr}"]`).check();
  await page.getByRole("button", { name: "Legitimera" }).click();
}

function hsaOf(username) {
  const u = demo.creds.oidc.users.find((x) => x.username === username);
  assert.ok(u, `no HSA-id for ${username}`);
  return u.hsa_id;
}

test("the demo runs its SITHS eID test provider", () => {
  assert.equal(demo.creds.oidc.running, true, demo.creds.oidc.not_running_because);
  assert.ok(demo.creds.oidc.users.length >= 3);
});

test("a care worker logs in with SITHS eID at loa3 and reaches her work without a one-time code, then logs out of both", async () => {
  const page = await browser.newPage();
  await sithsLogin(page, hsaOf("carestaff"));
  await page.getByRole("heading", { name: /Välkommen, Ali Undersköterska/ }).waitFor();
  assert.ok(!page.url().includes("/login/code"));
  // Her work: the clients of her unit.
  const res = await page.goto(`${demo.url}/clients`);
  assert.equal(res.status(), 200);

  // Logout: Vaka's session ends, then the provider's (its page asks to confirm).
  await page.goto(`${demo.url}/`);
  await page.getByRole("button", { name: "Logga ut" }).click();
  await page.getByRole("button", { name: "Logga ut från SITHS eID" }).click();
  await page.waitForURL(/\/login\?ok=login-logged_out$/);
  await page.getByText("Du är utloggad.").waitFor();
  const after = await page.goto(`${demo.url}/clients`);
  assert.match(after.url(), /\/login\?next=/);

  // The provider's session ended too: the next SITHS eID login asks for the card again.
  await page.goto(`${demo.url}/login`);
  await page.getByRole("link", { name: "Logga in med SITHS eID" }).click();
  await page.getByRole("heading", { name: /SITHS eID \(testleverantör\)/ }).waitFor();
  await page.close();
});

test("at a lower assurance level (loa2) the login goes on to the one-time code", async () => {
  const page = await browser.newPage();
  await sithsLogin(page, hsaOf("nurse"), { acr: LOA2 });
  await page.waitForURL(/\/login\/code$/);
  await submitCode(page, totp(demo.user("nurse").totp_secret));
  await page.getByRole("heading", { name: /Välkommen, Sara Sjuksköterska/ }).waitFor();
  await page.close();
});

test("an HSA-id that no account has gets a clear page, and no account", async () => {
  const page = await browser.newPage();
  const unknown = demo.creds.oidc.unknown_hsa_id;
  await sithsLogin(page, unknown);
  await page.getByRole("heading", { name: "Inloggning med SITHS eID" }).waitFor();
  await page.getByText(`HSA-id ${unknown}, men inget konto i Vaka har det HSA-id:t`).waitFor();
  // Not logged in.
  const res = await page.goto(`${demo.url}/clients`);
  assert.match(res.url(), /\/login\?next=/);
  await page.close();
});

/** Makes every session's last proof of a second factor 20 minutes old (past the few minutes a
 * sensitive action accepts), in the demo's database, without moving any clock: the provider's
 * tokens are of now. */
function ageSecondFactors() {
  const r = spawnSync("sqlite3", [join(demo.dataDir, "vaka.db"),
    "UPDATE sessions SET second_factor_at = second_factor_at - 1200000000 WHERE second_factor_at IS NOT NULL"],
    { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
}

test("twenty minutes after a SITHS eID login, a sensitive action is confirmed with the card again", async () => {
  const page = await browser.newPage();
  await sithsLogin(page, hsaOf("carestaff"));
  await page.getByRole("heading", { name: /Välkommen, Ali Undersköterska/ }).waitFor();
  ageSecondFactors();
  await page.goto(`${demo.url}/profile`);
  // New recovery codes ask for a code, or the card: the SITHS eID button beside the field.
  const renew = page.locator("form[action='/profile/recovery-codes']");
  await renew.getByLabel("Kod från din app").waitFor();
  await renew.getByRole("button", { name: "Bekräfta med SITHS eID" }).click();
  // The provider asks for the card again, though it has a session (prompt=login).
  await page.getByRole("heading", { name: /SITHS eID \(testleverantör\)/ }).waitFor();
  await page.getByLabel("HSA-id").fill(hsaOf("carestaff"));
  await page.getByRole("button", { name: "Legitimera" }).click();
  // Back on the profile, confirmed: no code field, no button; the action goes through.
  await page.waitForURL(`${demo.url}/profile`);
  assert.equal(await renew.getByRole("button", { name: "Bekräfta med SITHS eID" }).count(), 0);
  assert.equal(await renew.getByLabel("Kod från din app").count(), 0);
  await renew.getByRole("button", { name: "Nya reservkoder" }).click();
  await page.locator("#recovery-codes li").first().waitFor();

  // Someone else's card at the step-up: refused, and still not confirmed.
  ageSecondFactors();
  await page.goto(`${demo.url}/profile`);
  await renew.getByRole("button", { name: "Bekräfta med SITHS eID" }).click();
  await page.getByLabel("HSA-id").fill(hsaOf("nurse"));
  await page.getByRole("button", { name: "Legitimera" }).click();
  await page.getByText("SITHS eID intygade en annan person än den som är inloggad").waitFor();
  await page.goto(`${demo.url}/profile`);
  await renew.getByRole("button", { name: "Bekräfta med SITHS eID" }).waitFor();
  await page.close();
});

test("a provider that is down gives a clear page, and the password login still works", async () => {
  process.kill(demo.creds.oidc.pid, "SIGTERM");
  // Wait until it no longer answers.
  for (let i = 0; i < 50; i++) {
    try {
      await fetch(`${demo.creds.oidc.issuer}/.well-known/openid-configuration`);
    } catch {
      break;
    }
    await new Promise((ok) => setTimeout(ok, 100));
  }
  const page = await browser.newPage();
  await page.goto(`${demo.url}/login`);
  await page.getByRole("link", { name: "Logga in med SITHS eID" }).click();
  await page.getByText("SITHS eID går inte att nå just nu").waitFor();
  assert.ok(page.url().startsWith(demo.url), page.url());

  // The break-glass way: username, password and code.
  await submitPassword(page, demo, "carestaff");
  await page.waitForURL(/\/login\/code$/);
  await submitCode(page, totp(demo.user("carestaff").totp_secret));
  await page.getByRole("heading", { name: /Välkommen, Ali Undersköterska/ }).waitFor();
  await page.close();
});
