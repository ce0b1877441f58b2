// Passkeys (WebAuthn): the browser's half of the ceremonies. The server begins one (a POST that
// answers `{challenge, options}`), the browser's authenticator answers, and the answer goes back
// in an ordinary form post as JSON `{challenge, credential}`:
// - `button[data-passkey-get]`: proves a passkey (the login's code step, a step-up). The answer
//   goes into the form's `code` field (the same field a one-time code goes in) and the form is
//   sent.
// - `form[data-passkey-create]`: adds a passkey. On submit the passkey is made and its answer
//   goes into the form's `credential` field, then the form is sent.
// Messages come from the page (`data-passkey-failed`, `data-passkey-cancelled`) in its language.
(function () {
  "use strict";

  function fromB64url(s) {
    var b64 = s.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) { b64 += "="; }
    var bin = atob(b64);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out.buffer;
  }

  function toB64url(buf) {
    if (!buf) { return null; }
    var bytes = new Uint8Array(buf);
    var bin = "";
    for (var i = 0; i < bytes.length; i++) { bin += String.fromCharCode(bytes[i]); }
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function token(form) {
    var f = form && form.querySelector("input[name=_csrf]");
    return f ? f.value : "";
  }

  // Begins a ceremony on the server: `{challenge, options}`, or throws.
  function begin(url, csrf) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "x-csrf-token": csrf, "accept": "application/json" },
    }).then(function (res) {
      if (!res.ok) { throw new Error("server " + res.status); }
      return res.json();
    });
  }

  function say(el, text) {
    var box = el.closest("form").querySelector("[data-passkey-message]") ||
      document.querySelector("[data-passkey-message]");
    if (box) {
      box.textContent = text;
      box.hidden = false;
    }
  }

  function failed(el, err) {
    var cancelled = err && (err.name === "NotAllowedError" || err.name === "AbortError");
    var host = el.closest("[data-passkey-failed]") || document.querySelector("[data-passkey-failed]");
    if (!host) { return; }
    say(el, cancelled ? host.getAttribute("data-passkey-cancelled") : host.getAttribute("data-passkey-failed"));
  }

  function requestOptions(o) {
    var pk = o.publicKey;
    pk.challenge = fromB64url(pk.challenge);
    (pk.allowCredentials || []).forEach(function (c) { c.id = fromB64url(c.id); });
    return { publicKey: pk };
  }

  function creationOptions(o) {
    var pk = o.publicKey;
    pk.challenge = fromB64url(pk.challenge);
    pk.user.id = fromB64url(pk.user.id);
    (pk.excludeCredentials || []).forEach(function (c) { c.id = fromB64url(c.id); });
    return { publicKey: pk };
  }

  function assertionJson(cred) {
    var r = cred.response;
    return {
      id: cred.id,
      rawId: toB64url(cred.rawId),
      type: cred.type,
      response: {
        authenticatorData: toB64url(r.authenticatorData),
        clientDataJSON: toB64url(r.clientDataJSON),
        signature: toB64url(r.signature),
        userHandle: toB64url(r.userHandle),
      },
      extensions: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
    };
  }

  function registrationJson(cred) {
    var r = cred.response;
    return {
      id: cred.id,
      rawId: toB64url(cred.rawId),
      type: cred.type,
      response: {
        attestationObject: toB64url(r.attestationObject),
        clientDataJSON: toB64url(r.clientDataJSON),
        transports: r.getTransports ? r.getTransports() : undefined,
      },
      extensions: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
    };
  }

  // Browsers refuse a passkey at an IP address (http://127.0.0.1:8080): the page says to open
  // Vaka by its host name instead.
  var byIp = /^[0-9.]+$/.test(location.hostname) || location.hostname.indexOf(":") >= 0 ||
    location.hostname.charAt(0) === "[";
  var works = !!(window.PublicKeyCredential && navigator.credentials);
  var supported = works && !byIp;
  Array.prototype.forEach.call(document.querySelectorAll("[data-passkey-unsupported]"), function (el) {
    el.hidden = works;
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-passkey-ip]"), function (el) {
    el.hidden = !(works && byIp);
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-passkey-get], form[data-passkey-create] button"), function (el) {
    if (!supported) { el.disabled = true; }
  });

  document.addEventListener("click", function (e) {
    var button = e.target && e.target.closest && e.target.closest("button[data-passkey-get]");
    if (!button || !supported) { return; }
    e.preventDefault();
    var form = button.closest("form");
    button.disabled = true;
    begin(button.getAttribute("data-passkey-get"), token(form))
      .then(function (c) {
        return navigator.credentials.get(requestOptions(c.options)).then(function (cred) {
          var field = form.querySelector("[name=code]");
          // The answer replaces what the code field held; it is not typed, so no checks apply.
          field.removeAttribute("pattern");
          field.removeAttribute("maxlength");
          field.value = JSON.stringify({ challenge: c.challenge, credential: assertionJson(cred) });
          // A form that adds a passkey goes on to make it (its submit handler below); any
          // other is sent as it is (without its confirmation: the passkey was the answer).
          if (form.hasAttribute("data-passkey-create") && form.requestSubmit) {
            form.requestSubmit();
          } else {
            form.submit();
          }
        });
      })
      .catch(function (err) {
        button.disabled = false;
        failed(button, err);
      });
  });

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-passkey-create")) { return; }
    e.preventDefault();
    if (!supported) { return; }
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    begin(form.getAttribute("data-passkey-create"), token(form))
      .then(function (c) {
        return navigator.credentials.create(creationOptions(c.options)).then(function (cred) {
          form.querySelector("[name=credential]").value =
            JSON.stringify({ challenge: c.challenge, credential: registrationJson(cred) });
          form.submit();
        });
      })
      .catch(function (err) {
        if (button) { button.disabled = false; }
        failed(form, err);
      });
  });
})();
