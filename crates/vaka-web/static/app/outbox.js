// The staff app's outbox: every record the worker makes (a visit started, tasks ticked, a note,
// a visit ended) is written to IndexedDB first, with an id made here (a UUID, so that sending it
// twice stores it once), a sequence number that only grows, and the phone's time. A record
// leaves the outbox only when the server has answered "stored" or "duplicate" for it; one the
// server refused stays, marked with the server's reason, until the worker removes it. Closing
// the app, losing the network or restarting the phone loses nothing.
//
// Used by the page (app.js) and by the service worker (sw.js, for Background Sync): a classic
// script that defines `self.VakaOutbox`.
(function (root) {
  "use strict";

  var DB_NAME = "vaka-app";
  var DB_VERSION = 1;
  var SYNC_URL = "/api/v1/app/sync";
  /** Records per request: a phone's whole day fits in a few. */
  var BATCH = 200;
  /** What the app remembers of sent records (for the visit's marks), at most this long. */
  var KEEP_SENT_MS = 3 * 24 * 3600 * 1000;

  var dbPromise = null;

  /** The database: `outbox` (records waiting, by id, with a `seq` index), `sent` (what the
   * server said about sent records), `meta` (the install's id, the last seq) and `state` (what
   * the app keeps between starts: today's list, the visits' local state). */
  function open() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise(function (ok, fail) {
      var req = root.indexedDB.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = function () {
        var db = req.result;
        if (!db.objectStoreNames.contains("outbox")) {
          var s = db.createObjectStore("outbox", { keyPath: "id" });
          s.createIndex("seq", "seq", { unique: true });
        }
        if (!db.objectStoreNames.contains("sent")) db.createObjectStore("sent", { keyPath: "id" });
        if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta");
        if (!db.objectStoreNames.contains("state")) db.createObjectStore("state");
      };
      req.onsuccess = function () {
        var db = req.result;
        // Another tab upgrading the database: let go of this connection.
        db.onversionchange = function () { db.close(); dbPromise = null; };
        ok(db);
      };
      req.onerror = function () { dbPromise = null; fail(req.error); };
    });
    return dbPromise;
  }

  /** Runs `body(stores)` in one transaction over `names`; resolves with what `body` set as
   * `stores.result` once the transaction has committed. Writes are "strict": committed to disk
   * before the promise resolves, so that a record is safe the moment the app says so. */
  function tx(names, mode, body) {
    return open().then(function (db) {
      return new Promise(function (ok, fail) {
        var t = db.transaction(names, mode, mode === "readwrite" ? { durability: "strict" } : undefined);
        var stores = {};
        names.forEach(function (n) { stores[n] = t.objectStore(n); });
        t.oncomplete = function () { ok(stores.result); };
        t.onerror = function () { fail(t.error); };
        t.onabort = function () { fail(t.error || new Error("aborted")); };
        body(stores, t);
      });
    });
  }

  function uuid() {
    return root.crypto.randomUUID();
  }

  /** This install's id (made on first use), sent with every batch as `device`. */
  function device() {
    return tx(["meta"], "readwrite", function (s) {
      var g = s.meta.get("device");
      g.onsuccess = function () {
        if (g.result) { s.result = g.result; return; }
        s.result = uuid();
        s.meta.put(s.result, "device");
      };
    });
  }

  /** Queues a record: `fields` plus its id, the next seq and the phone's time now, owned by the
   * user the phone knows (`meta.user`). Resolves with the stored entry once it is on disk. */
  function add(fields) {
    var now = new Date().toISOString();
    return tx(["outbox", "meta"], "readwrite", function (s) {
      var g = s.meta.get("seq");
      var u = s.meta.get("user");
      // Requests of a transaction complete in order: when the second is done, so is the first.
      u.onsuccess = function () {
        var seq = (g.result || 0) + 1;
        s.meta.put(seq, "seq");
        var record = Object.assign({ id: uuid(), seq: seq, device_time: now }, fields);
        // The record is the work of the user the phone last knew; only their session sends it.
        var entry = { id: record.id, seq: seq, visit_id: record.visit_id, kind: record.kind, record: record, status: "queued", queued_at: now, owner: u.result || null };
        s.outbox.add(entry);
        s.result = entry;
      };
    }).then(function (entry) {
      announce({ type: "queued", id: entry.id });
      return entry;
    });
  }

  /** Every entry in the outbox, in seq order (queued and refused). */
  function list() {
    return tx(["outbox"], "readonly", function (s) {
      var g = s.outbox.index("seq").getAll();
      g.onsuccess = function () { s.result = g.result; };
    });
  }

  /** What the server said about sent records: [{id, visit_id, kind, status, late, clock_skew, at}]. */
  function sent() {
    return tx(["sent"], "readonly", function (s) {
      var g = s.sent.getAll();
      g.onsuccess = function () { s.result = g.result; };
    });
  }

  /** Removes a refused entry the worker has read (a queued one is never removed by hand). */
  function discard(id) {
    return tx(["outbox"], "readwrite", function (s) {
      var g = s.outbox.get(id);
      g.onsuccess = function () {
        if (g.result && g.result.status === "refused") s.outbox.delete(id);
      };
    }).then(function () { announce({ type: "changed" }); });
  }

  /** A value kept between starts (today's list, a visit's local state). */
  function getState(key) {
    return tx(["state"], "readonly", function (s) {
      var g = s.state.get(key);
      g.onsuccess = function () { s.result = g.result; };
    });
  }

  function putState(key, value) {
    return tx(["state"], "readwrite", function (s) { s.state.put(value, key); });
  }

  /** Every kept value whose key starts with `prefix`: [[key, value]]. */
  function statesUnder(prefix) {
    return tx(["state"], "readonly", function (s) {
      var range = root.IDBKeyRange.bound(prefix, prefix + "\uffff");
      var keys = s.state.getAllKeys(range);
      var values = s.state.getAll(range);
      values.onsuccess = function () {
        s.result = keys.result.map(function (k, i) { return [k, values.result[i]]; });
      };
    });
  }

  /** Forgets what the app keeps about people (today's list, the visits' state, the server's
   * answers): on logging out. The outbox itself stays: its records are the worker's work. */
  function forgetPeople() {
    return tx(["state", "sent"], "readwrite", function (s) {
      s.state.clear();
      s.sent.clear();
    });
  }

  var channel = typeof root.BroadcastChannel === "function" ? new root.BroadcastChannel("vaka-outbox") : null;
  var listeners = [];

  /** Tells this page and every other page or worker of the app that the outbox changed. */
  function announce(msg) {
    listeners.forEach(function (f) { try { f(msg); } catch (e) { /* a listener's error is its own */ } });
    if (channel) channel.postMessage(msg);
  }

  if (channel) {
    channel.onmessage = function (e) {
      listeners.forEach(function (f) { try { f(e.data); } catch (err) { /* as above */ } });
    };
  }

  function onChange(f) { listeners.push(f); }

  /** One flush at a time across the pages and the worker of this origin. */
  function exclusive(fn) {
    if (root.navigator && root.navigator.locks && root.navigator.locks.request) {
      return root.navigator.locks.request("vaka-outbox-flush", fn);
    }
    return fn();
  }

  /** Sends every queued record, oldest first, in batches. Resolves with
   * `{ sent, stored, refused, left, auth, error }`: `auth` false when the session is gone (log in
   * again; nothing is lost), `error` when the network or the server failed (tried again later). */
  function flush() {
    return exclusive(function () { return flushNow(); });
  }

  function flushNow() {
    var outcome = { sent: 0, stored: 0, refused: 0, left: 0, auth: true, error: null, late: 0 };
    var dev;
    var user;
    return device().then(function (d) {
      dev = d;
      return getMeta("user");
    }).then(function (u) {
      user = u || null;
      return sessionUser();
    }).then(function (me) {
      // The session's own user, asked each time: the phone's note of its user is updated only
      // once the app has asked, and a flush (Background Sync, "Skicka nu") may come first.
      if (me) user = me;
      return list();
    }).then(function (entries) {
      // Another user's records wait for their own session (a phone shared between shifts).
      var queued = entries.filter(function (e) {
        return e.status === "queued" && (!e.owner || !user || e.owner === user);
      });
      var batches = [];
      for (var i = 0; i < queued.length; i += BATCH) batches.push(queued.slice(i, i + BATCH));
      var chain = Promise.resolve();
      batches.forEach(function (batch) {
        chain = chain.then(function () {
          if (!outcome.auth || outcome.error) return;
          return send(dev, batch, outcome);
        });
      });
      return chain;
    }).then(function () {
      return list();
    }).then(function (entries) {
      outcome.left = entries.filter(function (e) { return e.status === "queued"; }).length;
      if (outcome.sent > 0) {
        return putMeta("last_sync", new Date().toISOString());
      }
    }).then(function () {
      announce({ type: "flushed", outcome: outcome });
      return outcome;
    }, function (err) {
      outcome.error = String(err && err.message || err);
      announce({ type: "flushed", outcome: outcome });
      return outcome;
    });
  }

  /** The user of this session, or null when it cannot be told (offline, logged out). */
  function sessionUser() {
    return root.fetch("/api/v1/me", { credentials: "same-origin", cache: "no-store", headers: { accept: "application/json" } })
      .then(function (res) { return res.ok ? res.json() : null; }, function () { return null; })
      .then(function (me) { return (me && me.user_id) || null; }, function () { return null; });
  }

  function send(dev, batch, outcome) {
    var body = JSON.stringify({
      device: dev,
      sent_at: new Date().toISOString(),
      records: batch.map(function (e) { return e.record; }),
    });
    return root.fetch(SYNC_URL, {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: body,
    }).then(function (res) {
      if (res.status === 401) { outcome.auth = false; return null; }
      if (!res.ok) { outcome.error = "HTTP " + res.status; return null; }
      return res.json();
    }, function (err) {
      outcome.error = String(err && err.message || err);
      return null;
    }).then(function (answer) {
      if (!answer || !Array.isArray(answer.results)) {
        if (answer && !outcome.error) outcome.error = "bad answer";
        return;
      }
      return settle(batch, answer.results, outcome);
    });
  }

  /** Applies the server's answers: stored and duplicate leave the outbox (remembered in `sent`
   * with their marks), refused stay with the reason. A record the answer does not name stays
   * queued. */
  function settle(batch, results, outcome) {
    var byId = {};
    batch.forEach(function (e) { byId[e.id] = e; });
    var at = new Date().toISOString();
    return tx(["outbox", "sent"], "readwrite", function (s) {
      results.forEach(function (r) {
        var e = r && byId[r.id];
        if (!e) return;
        outcome.sent += 1;
        if (r.status === "stored" || r.status === "duplicate") {
          outcome.stored += 1;
          if (r.late) outcome.late += 1;
          s.outbox.delete(e.id);
          s.sent.put({ id: e.id, visit_id: e.visit_id, kind: e.kind, status: r.status, late: !!r.late, clock_skew: !!r.clock_skew, at: at });
        } else if (r.status === "refused") {
          outcome.refused += 1;
          e.status = "refused";
          e.reason = r.reason || null;
          e.answered_at = at;
          s.outbox.put(e);
        }
      });
      // Old answers are forgotten.
      var cut = Date.now() - KEEP_SENT_MS;
      var all = s.sent.getAll();
      all.onsuccess = function () {
        all.result.forEach(function (x) {
          if (Date.parse(x.at) < cut) s.sent.delete(x.id);
        });
      };
    });
  }

  function putMeta(key, value) {
    return tx(["meta"], "readwrite", function (s) { s.meta.put(value, key); });
  }

  function getMeta(key) {
    return tx(["meta"], "readonly", function (s) {
      var g = s.meta.get(key);
      g.onsuccess = function () { s.result = g.result; };
    });
  }

  root.VakaOutbox = {
    add: add,
    list: list,
    sent: sent,
    discard: discard,
    flush: flush,
    device: device,
    getState: getState,
    putState: putState,
    statesUnder: statesUnder,
    forgetPeople: forgetPeople,
    getMeta: getMeta,
    putMeta: putMeta,
    onChange: onChange,
    uuid: uuid,
  };
})(self);
