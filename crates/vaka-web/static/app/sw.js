// The staff app's service worker (scope /app). It keeps the app's shell and files, so that the
// app opens without a network, and sends the outbox when the browser says the network is back
// (Background Sync, where the browser has it). It never keeps the API's answers: what the app
// keeps of today's visits is in IndexedDB, where the app itself manages it.
"use strict";

importScripts("/app/assets/outbox.js");

var VERSION = "__VERSION__";
var CACHE = "vaka-app-" + VERSION;
/** The shell: one page for every view under /app. */
var SHELL = "/app";
/** The files the shell needs; public, the same for everyone. */
var FILES = [
  "/app/assets/app.js",
  "/app/assets/outbox.js",
  "/app/assets/app.css",
  "/app/assets/icon.svg",
  "/app/assets/icon-192.png",
  "/app/manifest.webmanifest",
  "/static/vaka.css",
  "/static/favicon.svg",
];
/** How long a page load waits for the network before the kept shell is shown. */
var NETWORK_WAIT_MS = 4000;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return cache.addAll(FILES).then(function () {
        // The shell is kept only as the server answers a logged-in user (never a login page).
        return fetch(SHELL, { credentials: "same-origin", redirect: "manual", cache: "no-store" }).then(function (res) {
          if (isShell(res)) return cache.put(SHELL, res);
        }, function () { /* offline while installing: the next page load keeps it */ });
      });
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k.indexOf("vaka-app-") === 0 && k !== CACHE; })
        .map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function isShell(res) {
  return res && res.ok && res.type === "basic" && !res.redirected &&
    (res.headers.get("content-type") || "").indexOf("text/html") === 0;
}

self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET") return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.mode === "navigate" && (url.pathname === "/app" || url.pathname.indexOf("/app/") === 0)) {
    event.respondWith(page(req));
    return;
  }
  if (FILES.indexOf(url.pathname) >= 0) {
    event.respondWith(file(req, url.pathname));
  }
  // Everything else (the API above all) goes to the network as it is.
});

/** A page of the app: from the network (keeping the shell it answers), else the kept shell. The
 * server's way to its login (the session ended) is followed, unless the phone has a PIN login. */
function page(req) {
  var network = fetch(req).then(function (res) {
    if (isShell(res)) {
      var copy = res.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(SHELL, copy); });
      return res;
    }
    // The session has ended (the server sends the page to its login): a phone with a PIN
    // login gets the kept shell, which asks for the PIN.
    if (res.type === "opaqueredirect") {
      return self.VakaOutbox.getMeta("device_key").then(function (key) {
        if (!key) return res;
        return caches.match(SHELL, { cacheName: CACHE }).then(function (kept) { return kept || res; });
      }, function () { return res; });
    }
    return res;
  });
  var timeout = new Promise(function (ok) { setTimeout(ok, NETWORK_WAIT_MS); });
  return Promise.race([network.catch(function () { return null; }), timeout.then(function () { return null; })])
    .then(function (res) {
      if (res) return res;
      return caches.match(SHELL, { cacheName: CACHE }).then(function (kept) {
        if (kept) return kept;
        // Nothing kept yet: wait for the network after all.
        return network;
      });
    });
}

/** One of the app's files: the kept copy of this version, else the network. */
function file(req, path) {
  return caches.match(path, { cacheName: CACHE }).then(function (kept) {
    return kept || fetch(req);
  });
}

// Background Sync: the browser wakes the worker when the network is back, even with the app
// closed. A flush that could not send leaves the sync to be tried again.
self.addEventListener("sync", function (event) {
  if (event.tag !== "vaka-outbox") return;
  event.waitUntil(
    self.VakaOutbox.flush().then(function (outcome) {
      if (outcome.error) throw new Error(outcome.error);
    })
  );
});

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "flush") {
    event.waitUntil(self.VakaOutbox.flush());
  }
});
