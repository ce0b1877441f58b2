// Passkeys beside TOTP, as a user meets them, with Chromium's virtual authenticator (DevTools
// protocol): enrol two, rename one, log out, log in with password and passkey (no code), use a
// passkey for a step-up, remove one. Passkeys need a host name: the test opens the demo at
// http://localhost:PORT (browsers refuse an IP address as a relying party), and checks that the
// demo still works at 127.0.0.1, where the page says why passkeys are off.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo, totp } from "../lib/vaka.mjs";

let demo;
let browser;
withDemo((d, b) => {
  demo = d;
  browser = b;
}, { testClock: true });

/** The demo's address by host name. */
function localhost() {
  return demo.url.replace("127.0.0.1", "localhost");
}

/** A virtual platform authenticator (user verification on) in the page's browser context. */
async function authenticator(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });
  return {
    id: authenticatorId,
    async credentials() {
      return (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials;
    },
    async remove() {
      await cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId });
    },
  };
}

async function passwordStep(page, base, username) {
  await page.goto(`${base}/login`);
  await page.getByLabel("Användarnamn").fill(username);
  await page.getByLabel("Lösenord").fill(demo.user(username).password);
  await page.getByRole("button", { name: "Logga in" }).click();
  await page.waitForURL(/\/login\/code$/);
}

async function addPasskey(page, name) {
  await page.locator("#pk-new-name").fill(name);
  await page.getByRole("button", { name: "Lägg till inloggningsnyckel" }).click();
  // The list after the redirect names it (the message may be there from the one before).
  await page.locator(`#passkey-list input[value="${name}"]`).waitFor();
  assert.ok(await page.getByText("Inloggningsnyckeln är tillagd.").isVisible());
}

test("a user enrols two passkeys, renames one, logs in with one and steps up with it", async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  page.on("dialog", (d) => d.accept());
  const base = localhost();
  const user = demo.user("operator");

  // Logged in with password and TOTP, at the host name.
  await passwordStep(page, base, "operator");
  assert.equal(await page.getByRole("button", { name: "Logga in med inloggningsnyckel" }).count(), 0, "no passkey yet");
  await page.getByLabel("Kod", { exact: true }).fill(totp(user.totp_secret));
  await page.getByRole("button", { name: "Verifiera" }).click();
  await page.getByRole("heading", { name: /Välkommen/ }).waitFor();

  // Two passkeys: the laptop's, then (another authenticator) the phone's.
  const laptop = await authenticator(page);
  await page.goto(`${base}/profile`);
  await page.getByRole("heading", { name: "Inloggningsnycklar (passkeys)" }).waitFor();
  assert.ok(await page.getByText("Du har inga inloggningsnycklar.").isVisible());
  await addPasskey(page, "Jobbdatorn");
  assert.equal((await laptop.credentials()).length, 1, "the authenticator holds the passkey");
  await laptop.remove();
  const phone = await authenticator(page);
  await addPasskey(page, "Telefonen");
  assert.equal((await phone.credentials()).length, 1);
  const rows = page.locator("#passkey-list tr[data-passkey]");
  assert.equal(await rows.count(), 2);

  // Renamed.
  const first = page.locator("#passkey-list input[name=name]").first();
  assert.equal(await first.inputValue(), "Jobbdatorn");
  await first.fill("Gamla datorn");
  await page.getByRole("button", { name: "Byt namn" }).first().click();
  await page.getByText("Inloggningsnyckeln har fått nytt namn.").waitFor();
  assert.equal(await page.locator("#passkey-list input[name=name]").first().inputValue(), "Gamla datorn");

  // Logged out; in again with the password and the phone's passkey, no code typed.
  await page.getByRole("button", { name: "Logga ut", exact: true }).click();
  await page.waitForURL(/\/login/);
  await passwordStep(page, base, "operator");
  await page.getByRole("button", { name: "Logga in med inloggningsnyckel" }).click();
  await page.getByRole("heading", { name: /Välkommen/ }).waitFor();

  // Eleven minutes later, removing the old laptop's passkey needs a fresh second factor: the
  // phone's passkey gives it.
  await demo.advanceClock(11 * 60);
  await page.goto(`${base}/profile`);
  const removeOld = page.locator("form[action$='/remove']").filter({ has: page.getByRole("button", { name: "Ta bort Gamla datorn" }) });
  assert.ok(await removeOld.getByLabel(/Kod från din app/).isVisible(), "a code is asked for");
  await removeOld.getByRole("button", { name: "Använd inloggningsnyckel i stället" }).click();
  await page.getByText("Inloggningsnyckeln är borttagen.").waitFor();
  assert.equal(await rows.count(), 1);
  assert.equal(await page.locator("#passkey-list input[name=name]").first().inputValue(), "Telefonen");

  // The audit log (the system manager's) has it all, in words.
  const review = await browser.newPage();
  await passwordStep(review, demo.url, "manager");
  await review.getByLabel("Kod", { exact: true }).fill(totp(demo.user("manager").totp_secret, Math.round(demo.clockOffset / 30)));
  await review.getByRole("button", { name: "Verifiera" }).click();
  await review.getByRole("heading", { name: /Välkommen/ }).waitFor();
  await review.getByRole("link", { name: "Loggar" }).click();
  await review.getByLabel("Användare").fill("operator");
  await review.getByRole("button", { name: "Sök" }).click();
  const table = review.locator("#audit-results");
  for (const action of ["auth.passkey_added", "auth.passkey_renamed", "auth.passkey_removed", "auth.step_up"]) {
    const cell = table.locator(`[title="${action}"]`).first();
    assert.ok(await cell.isVisible(), `${action} is in the audit log`);
  }
  await review.close();
  await ctx.close();
});

test("at 127.0.0.1 the demo works and the page says passkeys need the host name", async () => {
  const page = await browser.newPage();
  const user = demo.user("nurse");
  await passwordStep(page, demo.url, "nurse");
  await page.getByLabel("Kod", { exact: true }).fill(totp(user.totp_secret, Math.round(demo.clockOffset / 30)));
  await page.getByRole("button", { name: "Verifiera" }).click();
  await page.getByRole("heading", { name: /Välkommen/ }).waitFor();
  await page.goto(`${demo.url}/profile`);
  await page.getByText("Inloggningsnycklar fungerar bara när Vaka öppnas med sitt värdnamn").waitFor();
  assert.ok(await page.getByRole("button", { name: "Lägg till inloggningsnyckel" }).isDisabled());
  await page.close();
});
