// A local OpenID provider standing in for Inera's IdP (SITHS eID), for Vaka's tests and demo.
// It is `oidc-provider` (an OpenID Certified implementation) with one confidential client
// (client_secret_post, PKCE S256 required, RS256 id tokens), RP-initiated logout, and an
// interaction page where you pick or type an HSA-id — as if the SITHS card were read — and the
// assurance level: loa3 (the card or the app: two factors) or loa2 (e.g. a reserve card).
// The id token carries `employeeHsaId` and `acr` like Inera's; `sub` is a random per-person id,
// as Inera's is transient, so that a relying party keyed on `sub` would fail.
//
//   node idp.mjs --client-id ID --client-secret SECRET --redirect-uri URI
//                [--post-logout-redirect-uri URI] [--accounts FILE] [--port N] [--host H]
//
// Prints `idp listening on <issuer>` once it serves; stops on SIGTERM or when stdin closes
// (with --exit-with-stdin). Accounts file: JSON [{ "hsa_id": "SE…", "name": "…" }] for the
// pick list (any HSA-id may be typed as well).
import http from "node:http";
import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import Provider from "oidc-provider";

const LOA3 = "http://id.sambi.se/loa/loa3";
const LOA2 = "http://id.sambi.se/loa/loa2";

const { values: opt } = parseArgs({
  options: {
    "client-id": { type: "string", default: "vaka" },
    "client-secret": { type: "string" },
    "redirect-uri": { type: "string", multiple: true, default: [] },
    "post-logout-redirect-uri": { type: "string", multiple: true, default: [] },
    accounts: { type: "string" },
    port: { type: "string", default: "0" },
    host: { type: "string", default: "127.0.0.1" },
    "exit-with-stdin": { type: "boolean", default: false },
  },
});
if (!opt["client-secret"] || opt["redirect-uri"].length === 0) {
  console.error("usage: node idp.mjs --client-secret SECRET --redirect-uri URI [...]");
  process.exit(2);
}
const accounts = opt.accounts ? JSON.parse(readFileSync(opt.accounts, "utf8")) : [];

// The HSA-id of each subject handed out: sub is not the HSA-id.
const hsaOfSub = new Map();

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;background:#fff}
h1{font-size:1.4rem}label{display:block;margin-top:1rem;font-weight:600}
input,select{font:inherit;padding:.4rem;width:100%;box-sizing:border-box;border:1px solid #555;border-radius:4px}
fieldset{margin-top:1rem;border:1px solid #555;border-radius:4px}fieldset label{display:inline;font-weight:400}
fieldset input{width:auto}
button{font:inherit;margin-top:1.2rem;margin-right:.6rem;padding:.5rem 1rem;border:0;border-radius:4px;background:#0b5394;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#0b5394;border:1px solid #0b5394}
p.hint{color:#333}
</style></head><body><main>${body}</main></body></html>`;
}

function loginPage(uid, params) {
  const options = accounts
    .map((a) => `<option value="${esc(a.hsa_id)}">${esc(a.name)} (${esc(a.hsa_id)})</option>`)
    .join("");
  return page("SITHS eID (test)", `
<h1>SITHS eID (testleverantör)</h1>
<p class="hint">Den här sidan står för kortläsaren: välj eller skriv det HSA-id som kortet skulle ge, och tillitsnivån.
Klient: ${esc(params.client_id)}.</p>
<form method="post" action="/interaction/${esc(uid)}/login">
  ${options ? `<label for="pick">Person på kortet</label>
  <select id="pick" name="pick"><option value="">(skriv ett HSA-id nedan)</option>${options}</select>` : ""}
  <label for="hsa_id">HSA-id</label>
  <input id="hsa_id" name="hsa_id" autocomplete="off" spellcheck="false" placeholder="SE2321000016-1234">
  <fieldset><legend>Tillitsnivå</legend>
    <input type="radio" id="loa3" name="acr" value="${LOA3}" checked> <label for="loa3">LoA 3 (SITHS-kort eller app)</label><br>
    <input type="radio" id="loa2" name="acr" value="${LOA2}"> <label for="loa2">LoA 2 (reservkort)</label>
  </fieldset>
  <button type="submit">Legitimera</button>
  <button type="submit" class="secondary" formaction="/interaction/${esc(uid)}/abort">Avbryt</button>
</form>`);
}

async function readForm(req) {
  let body = "";
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10000) throw new Error("form too large");
  }
  return new URLSearchParams(body);
}

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: "jwk" }), kid: randomUUID(), use: "sig", alg: "RS256" };

const server = http.createServer();
server.listen(Number(opt.port), opt.host, () => {
  const { port } = server.address();
  const issuer = `http://${opt.host}:${port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: opt["client-id"],
      client_secret: opt["client-secret"],
      redirect_uris: opt["redirect-uri"],
      post_logout_redirect_uris: opt["post-logout-redirect-uri"],
      token_endpoint_auth_method: "client_secret_post",
      grant_types: ["authorization_code"],
      response_types: ["code"],
      id_token_signed_response_alg: "RS256",
    }],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    pkce: { required: () => true },
    acrValues: [LOA2, LOA3],
    claims: { openid: ["sub", "employeeHsaId", "name"] },
    // The id token carries the claims (as Inera's does), not only the userinfo endpoint.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      claimsParameter: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource(ctx, form) {
          ctx.body = page("Logga ut", `<h1>Logga ut från SITHS eID (test)</h1>${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Logga ut från SITHS eID</button>
<button type="submit" form="op.logoutForm" class="secondary">Stanna inloggad</button>`);
        },
        postLogoutSuccessSource(ctx) {
          ctx.body = page("Utloggad", "<h1>Du är utloggad från SITHS eID (test).</h1>");
        },
      },
    },
    async findAccount(_ctx, sub) {
      const hsa = hsaOfSub.get(sub);
      if (!hsa) return undefined;
      const name = accounts.find((a) => a.hsa_id.toUpperCase() === hsa.toUpperCase())?.name;
      return {
        accountId: sub,
        async claims() {
          return { sub, employeeHsaId: hsa, ...(name ? { name } : {}) };
        },
      };
    },
    // The client is Vaka itself: no consent page.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId
        || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope("openid");
      grant.addOIDCClaims(["employeeHsaId", "name", "acr"]);
      await grant.save();
      return grant;
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    renderError(ctx, out) {
      ctx.type = "html";
      ctx.body = page("Fel", `<h1>Fel hos identitetsleverantören</h1><p>${esc(out.error)}: ${esc(out.error_description ?? "")}</p>`);
    },
  });
  const callback = provider.callback();

  server.on("request", async (req, res) => {
    const m = req.url.match(/^\/interaction\/([A-Za-z0-9_-]+)(\/login|\/abort)?$/);
    if (!m) return callback(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (req.method === "GET") {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        return res.end(loginPage(details.uid, details.params));
      }
      if (m[2] === "/abort") {
        return provider.interactionFinished(req, res, {
          error: "access_denied", error_description: "the user cancelled",
        }, { mergeWithLastSubmission: false });
      }
      const form = await readForm(req);
      const hsa = (form.get("hsa_id") || form.get("pick") || "").trim();
      if (!hsa) {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        return res.end(loginPage(details.uid, details.params));
      }
      const acr = form.get("acr") === LOA2 ? LOA2 : LOA3;
      const sub = `t-${randomUUID()}`;
      hsaOfSub.set(sub, hsa);
      return provider.interactionFinished(req, res, {
        login: { accountId: sub, acr, amr: [acr === LOA3 ? "smartcard" : "pwd"] },
      }, { mergeWithLastSubmission: false });
    } catch (e) {
      res.writeHead(400, { "content-type": "text/html; charset=utf-8" });
      return res.end(page("Fel", `<h1>Fel</h1><p>${esc(e.message)}</p>`));
    }
  });
  console.log(`idp listening on ${issuer}`);
});

// A reader of our output that went away must not stop the provider.
process.stdout.on("error", () => {});
process.stderr.on("error", () => {});

const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
if (opt["exit-with-stdin"]) {
  process.stdin.on("end", () => process.exit(0));
  process.stdin.resume();
}
