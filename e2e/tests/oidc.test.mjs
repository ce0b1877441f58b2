// Login with SITHS eID through the demo's OpenID provider (tools/idp: oidc-provider, standing
// in for Inera's IdP): a care worker with an HSA-id reaches her work without a one-time code
// when the provider vouches for two factors (loa3), and gets the code page at loa2; an HSA-id
// no account has gets a clear page; logout ends the provider's session too; a provider that is
// down gives a clear page while the password login still works.
import { test } from "node:test";
import assert from "node:assert/strict";
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
