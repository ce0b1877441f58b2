// The staff app: today's visits of the worker's units, one visit's start (the door's tag), the
// tasks performed, a note and the end. Everything the worker records goes to the outbox first
// (outbox.js) and is sent from there; the app works the same with and without a network.
// Every word shown comes from the shell's `data-words` (the Fluent files, app.ftl).
(function () {
  "use strict";

  var O = self.VakaOutbox;
  var body = document.body;
  var WORDS = JSON.parse(body.getAttribute("data-words") || "{}");
  /** Refusals in words, by reason id (those without arguments). */
  var REASONS = JSON.parse(body.getAttribute("data-reasons") || "{}");
  /** The care tasks' names, by code. */
  var TASKS = JSON.parse(body.getAttribute("data-tasks") || "{}");
  /** The signing outcomes' words, by code. */
  var OUTCOMES = JSON.parse(body.getAttribute("data-outcomes") || "{}");
  var LANG = document.documentElement.lang || "sv";
  var DEMO = body.hasAttribute("data-demo");
  var TODAY_URL = "/api/v1/app/today";
  var SIM_TAG_URL = "/api/v1/app/demo/tag-read";
  /** Queued records are tried again this often while the app is open. */
  var RETRY_MS = 30000;

  function w(id) { return WORDS[id] || id; }
  function $(sel) { return document.querySelector(sel); }
  function fill(text, value) { return text.replace(/%[nts]/, value); }

  var hm = new Intl.DateTimeFormat(LANG === "en" ? "en-GB" : "sv-SE", {
    hour: "2-digit", minute: "2-digit", timeZone: "Europe/Stockholm",
  });
  function time(iso) {
    var d = new Date(iso);
    return isNaN(d.getTime()) ? "" : hm.format(d);
  }

  // ---------------------------------------------------------------------------------------
  // NFC: one small adapter over Web NFC (`NDEFReader`, Chrome on Android only).

  var Nfc = {
    /** Web NFC is there (Chrome on Android) and has not said that this phone cannot read. */
    supported: function () { return typeof window.NDEFReader === "function" && !state.nfcUnavailable; },
    /** Reads one tag: resolves `{ serial, url }` (the chip's serial as lowercase hex without
     * separators, and the first URL record, or null). A read the phone could not make
     * (`readingerror`) calls `onBadRead` and keeps listening. Rejects when `signal` aborts or
     * the scan cannot start (NotAllowedError: no permission; NotSupportedError: NFC off). */
    read: function (signal, onBadRead) {
      return new Promise(function (ok, fail) {
        var done = false;
        var reader = new window.NDEFReader();
        function finish(f, v) { if (!done) { done = true; f(v); } }
        signal.addEventListener("abort", function () {
          finish(fail, new DOMException("aborted", "AbortError"));
        });
        reader.addEventListener("reading", function (e) {
          finish(ok, { serial: normaliseSerial(e.serialNumber), url: urlOf(e.message) });
        });
        reader.addEventListener("readingerror", function () { if (!done && onBadRead) onBadRead(); });
        reader.scan({ signal: signal }).catch(function (err) { finish(fail, err); });
      });
    },
  };

  function normaliseSerial(s) {
    return String(s || "").replace(/[^0-9a-fA-F]/g, "").toLowerCase();
  }

  function urlOf(message) {
    var records = (message && message.records) || [];
    for (var i = 0; i < records.length; i++) {
      var r = records[i];
      if ((r.recordType === "url" || r.recordType === "absolute-url") && r.data) {
        try { return new TextDecoder(r.encoding || "utf-8").decode(r.data); } catch (e) { /* next */ }
      }
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------
  // What the app knows.

  var state = {
    /** The last answer of /api/v1/app/today, with `fetched_at` (kept in IndexedDB). */
    today: null,
    /** This phone's record of each visit, by key (kept in IndexedDB as `visit:<key>`). */
    local: {},
    outbox: [],
    sent: [],
    lastSync: null,
    online: navigator.onLine,
    /** False once the server said the session is gone. */
    auth: true,
    /** 403 from today's list: the user has no visits to record. */
    forbidden: false,
    fetching: false,
    flushing: false,
    /** The visit shown (its key), or null for the list. */
    key: null,
    /** A tag URL the app was opened from (`/t/…` → `/app/visit?client=…&url=…`), for the
     * client it names, until it is used. */
    tagUrl: null,
    tagClient: null,
    /** The NFC read under way. */
    reading: null,
    /** The demo's simulated tag answers. */
    simulated: false,
    /** This phone's PIN login: `{ id, key, expires_at }` (kept in IndexedDB), or null. */
    deviceKey: null,
    /** The worker chose not to set a PIN now (until the app is opened again). */
    pinLater: false,
    /** The week view (`/app/week?week=YYYY-MM-DD`): its Monday, or null elsewhere. */
    week: null,
    /** The server's answer for that week (`/api/v1/app/weeks/…`), `{ monday, data, loading,
     * failed }`. Not kept on the phone: the week is shown only with a connection. */
    weekView: null,
    /** Each client's signing list of the day as the server last gave it (kept in IndexedDB
     * as `signings:<client>`), by client id. */
    signings: {},
    /** What this phone signed and has not yet seen in the server's list (kept as
     * `signed:<target>`): `{ outcome, device_time, record }` by occasion key (or
     * `asneeded:<prescription>:<record>`). */
    signed: {},
  };

  function keyOf(item) {
    return item.plan_id ? item.plan_id + "/" + item.date : (item.visit && item.visit.id) || "";
  }

  function items() {
    var list = (state.today && state.today.visits) || [];
    return list.slice().sort(function (a, b) {
      return String(a.window && a.window.from).localeCompare(String(b.window && b.window.from));
    });
  }

  function itemByKey(key) {
    return items().filter(function (i) { return keyOf(i) === key; })[0] || null;
  }

  /** The visit as this phone knows it: its own record first, else the server's. */
  function visitOf(item) {
    var local = state.local[keyOf(item)] || {};
    var server = item.visit || {};
    var tasksDone = server.tasks_done || [];
    var ev = server.evidence || {};
    return {
      id: local.visit_id || server.id || null,
      started_at: local.started_at || server.started_at || null,
      ended_at: local.ended_at || server.ended_at || null,
      tasks: local.tasks || tasksDone.map(function (t) { return typeof t === "string" ? t : t.code; }),
      note: local.note != null ? local.note : server.note || "",
      manual: !!(local.start_manual || local.end_manual || server.manual || ev.start === "manual" || ev.end === "manual"),
      late: !!server.late_sync,
      clock_skew: !!server.clock_skew,
    };
  }

  function statusOf(v) {
    return v.ended_at ? "ended" : v.started_at ? "started" : "planned";
  }

  /** How the visit's records stand: queued (not yet answered), refused, and the marks the
   * server gave the sent ones. */
  function syncOf(v) {
    var out = { queued: 0, refused: 0, sent: 0, late: !!v.late, clock_skew: !!v.clock_skew };
    if (!v.id) return out;
    state.outbox.forEach(function (e) {
      if (e.visit_id !== v.id) return;
      if (e.status === "refused") out.refused += 1; else out.queued += 1;
    });
    state.sent.forEach(function (s) {
      if (s.visit_id !== v.id) return;
      out.sent += 1;
      if (s.late) out.late = true;
      if (s.clock_skew) out.clock_skew = true;
    });
    return out;
  }

  function saveLocal(key, rec) {
    state.local[key] = rec;
    return O.putState("visit:" + key, rec);
  }

  // ---------------------------------------------------------------------------------------
  // Start.

  function start() {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/app/sw.js", { scope: "/app" }).catch(function () { /* the app works without */ });
    }
    if (navigator.storage && navigator.storage.persist) {
      navigator.storage.persist().catch(function () { /* best effort */ });
    }
    window.addEventListener("online", function () { setOnline(true); flush(); refresh(); });
    window.addEventListener("offline", function () { setOnline(false); });
    window.addEventListener("popstate", route);
    O.onChange(function (msg) {
      if (msg && msg.type === "flushed" && msg.outcome) noteOutcome(msg.outcome);
      loadOutbox();
    });
    document.addEventListener("click", onClick);
    $("#send-now").addEventListener("click", function () { flush(); });
    $("#read-tag").addEventListener("click", readTag);
    $("#sim-tag").addEventListener("click", simulatedTag);
    $("#tag-url").addEventListener("click", tagFromUrl);
    $("#manual-go").addEventListener("click", manual);
    $("#tasks").addEventListener("change", tasksChanged);
    $("#note-form").addEventListener("submit", saveNote);
    $("#unlock").addEventListener("click", unlock);
    $("#pin-setup-form").addEventListener("submit", pinSetup);
    $("#pin-unlock-form").addEventListener("submit", pinUnlock);
    $("#pin-later").addEventListener("click", function () { state.pinLater = true; render(); });
    $("#pin-forget").addEventListener("click", pinForget);
    $("#week-confirm-btn").addEventListener("click", confirmWeek);
    $("#signing-list").addEventListener("submit", signSubmit);
    $("#signing-list").addEventListener("change", signChange);
    setOnline(navigator.onLine);
    setInterval(function () {
      if (navigator.onLine && state.outbox.some(function (e) { return e.status === "queued"; })) flush();
    }, RETRY_MS);

    Promise.all([O.getState("today"), O.statesUnder("visit:"), O.getMeta("last_sync"), O.getMeta("device_key"),
      O.statesUnder("signings:"), O.statesUnder("signed:")]).then(function (r) {
      state.today = r[0] || null;
      r[1].forEach(function (kv) { state.local[kv[0].slice("visit:".length)] = kv[1]; });
      state.lastSync = r[2] || null;
      state.deviceKey = r[3] || null;
      r[4].forEach(function (kv) { if (kv[1]) state.signings[kv[0].slice("signings:".length)] = kv[1]; });
      r[5].forEach(function (kv) { if (kv[1]) state.signed[kv[0].slice("signed:".length)] = kv[1]; });
      return loadOutbox();
    }).then(function () {
      route();
      return whoAmI();
    }).then(function () {
      flush();
      refresh();
    }, function () {
      route();
      refresh();
    });
  }

  function setOnline(on) {
    state.online = on;
    $("#net").hidden = on;
  }

  // ---------------------------------------------------------------------------------------
  // Talking to the server.

  /** The user of this session. When it is another than the phone knew (a phone shared between
   * shifts), what the app kept about the last one's clients is forgotten; their records wait in
   * the outbox for their own session. */
  function whoAmI() {
    return fetch("/api/v1/me", { credentials: "same-origin", cache: "no-store", headers: { accept: "application/json" } })
      .then(function (res) { return res.ok ? res.json() : null; }, function () { return null; })
      .then(function (me) {
        if (!me || !me.user_id) return;
        return O.getMeta("user").then(function (known) {
          if (known === me.user_id) return;
          var forget = known ? O.forgetPeople().then(function () {
            state.today = null;
            state.local = {};
            state.sent = [];
            state.signings = {};
            state.signed = {};
          }) : Promise.resolve();
          return forget.then(function () { return O.putMeta("user", me.user_id); });
        });
      });
  }

  function refresh() {
    if (state.fetching) return Promise.resolve();
    state.fetching = true;
    return fetch(TODAY_URL, { credentials: "same-origin", cache: "no-store", headers: { accept: "application/json" } })
      .then(function (res) {
        if (res.status === 401) { state.auth = false; return null; }
        if (res.status === 403) { state.forbidden = true; return null; }
        if (!res.ok) return null;
        state.auth = true;
        state.forbidden = false;
        return res.json();
      }, function () { return null; })
      .then(function (today) {
        if (today && Array.isArray(today.visits)) {
          today.fetched_at = new Date().toISOString();
          state.today = today;
          return O.putState("today", today).then(pruneLocal).then(refreshSignings);
        }
      })
      .then(function () { state.fetching = false; render(); }, function () { state.fetching = false; render(); });
  }

  /** A phone's record of a visit that is no longer in today's list and has nothing waiting is
   * forgotten (yesterday's visits). */
  function pruneLocal() {
    var keys = {};
    items().forEach(function (i) { keys[keyOf(i)] = true; });
    var waiting = {};
    state.outbox.forEach(function (e) { waiting[e.visit_id] = true; });
    var drops = Object.keys(state.local).filter(function (k) {
      return !keys[k] && !waiting[state.local[k].visit_id];
    });
    drops.forEach(function (k) { delete state.local[k]; });
    return Promise.all(drops.map(function (k) { return O.putState("visit:" + k, undefined); }));
  }

  function flush() {
    // Without a network there is nothing to try: the `online` event (or Background Sync)
    // sends the outbox when it is back.
    if (navigator.onLine === false) return loadOutbox();
    state.flushing = true;
    renderOutbox();
    return O.flush().then(function (outcome) {
      state.flushing = false;
      noteOutcome(outcome);
      return loadOutbox();
    }, function () {
      state.flushing = false;
      return loadOutbox();
    });
  }

  function noteOutcome(outcome) {
    if (outcome.auth === false) state.auth = false;
    else if (outcome.sent > 0) state.auth = true;
    if (outcome.sent > 0 && Object.keys(state.signed).length) refreshSignings().then(render);
    if (outcome.sent > 0) state.lastSync = new Date().toISOString();
    if (outcome.error && navigator.onLine === false) setOnline(false);
  }

  /** Asks the browser to send the outbox when the network is back, also with the app closed
   * (Background Sync, where there is one), and tries at once. */
  function kick() {
    if ("serviceWorker" in navigator && navigator.serviceWorker.ready) {
      navigator.serviceWorker.ready.then(function (reg) {
        if (reg.sync && reg.sync.register) return reg.sync.register("vaka-outbox");
      }).catch(function () { /* the page's own tries remain */ });
    }
    return flush();
  }

  function loadOutbox() {
    return Promise.all([O.list(), O.sent(), O.getMeta("last_sync")]).then(function (r) {
      state.outbox = r[0];
      state.sent = r[1];
      if (r[2]) state.lastSync = r[2];
      return undoRefused();
    }).then(render);
  }

  /** A start or end the server refused did not happen: the visit is shown as before it, so
   * that the worker can do it again (with the tag, or with a reason). */
  function undoRefused() {
    var changes = [];
    state.outbox.forEach(function (e) {
      if (e.status !== "refused") return;
      Object.keys(state.local).forEach(function (key) {
        var local = state.local[key];
        var next = null;
        if (local.start_record === e.id) {
          next = Object.assign({}, local, { started_at: null, start_manual: null, start_record: null, ended_at: null, end_manual: null, end_record: null });
        } else if (local.end_record === e.id) {
          next = Object.assign({}, local, { ended_at: null, end_manual: null, end_record: null });
        }
        if (next) changes.push(saveLocal(key, next));
      });
    });
    return Promise.all(changes);
  }

  // ---------------------------------------------------------------------------------------
  // Views.

  function onClick(e) {
    var a = e.target.closest && e.target.closest("a[data-nav]");
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    var url = new URL(a.href);
    if (url.origin !== location.origin) return;
    e.preventDefault();
    history.pushState(null, "", url.pathname + url.search);
    route(true);
  }

  function route(moveFocus) {
    var params = new URLSearchParams(location.search);
    stopReading();
    if (location.pathname === "/app/visit") {
      var tagUrl = params.get("url") || params.get("tag_url");
      if (tagUrl && params.get("client")) {
        state.tagUrl = tagUrl;
        state.tagClient = params.get("client");
      }
      state.key = params.get("plan") ? params.get("plan") + "/" + params.get("date") : null;
      if (!state.key && params.get("client")) state.key = { client: params.get("client") };
    } else {
      state.key = null;
    }
    state.week = null;
    if (location.pathname === "/app/week") {
      var asked = params.get("week");
      state.week = mondayOf(asked && /^\d{4}-\d{2}-\d{2}$/.test(asked) ? asked : todayHere());
      loadWeek(state.week);
    }
    render();
    if (moveFocus === true) {
      var h = state.week ? $("#week-h") : state.key ? $("#visit-h") : $("#list-h");
      if (h) h.focus();
    }
  }

  /** The visit a `client` in the address means: that client's first visit today not ended. */
  function resolveKey() {
    if (state.key && typeof state.key === "object") {
      var client = state.key.client;
      var mine = items().filter(function (i) { return i.client && i.client.id === client; });
      var open = mine.filter(function (i) { return !visitOf(i).ended_at; });
      var pick = open[0] || mine[0];
      return pick ? keyOf(pick) : null;
    }
    return state.key;
  }

  function render() {
    var key = resolveKey();
    var onWeek = state.week !== null;
    var onVisit = !onWeek && state.key !== null;
    $("#view-list").hidden = onVisit || onWeek;
    $("#view-visit").hidden = !onVisit;
    $("#view-week").hidden = !onWeek;
    var pinUnlock = !state.auth && !!state.deviceKey;
    $("#login-needed").hidden = state.auth || pinUnlock;
    $("#pin-unlock").hidden = !pinUnlock;
    // A PIN is offered once the server has answered for a logged-in user who has none yet.
    $("#pin-setup").hidden = !(state.auth && state.today && !state.forbidden && !state.deviceKey && !state.pinLater);
    $("#pin-forget-box").hidden = !state.deviceKey;
    if (onWeek) renderWeek(); else if (onVisit) renderVisit(key); else renderList();
    renderOutbox();
  }

  function badge(text, kind) {
    var s = document.createElement("span");
    s.className = "badge " + (kind || "muted");
    s.textContent = text;
    return s;
  }

  function statusWord(v) {
    var st = statusOf(v);
    return w("staffapp-status-" + st);
  }

  function statusKind(st) {
    return st === "ended" ? "ok" : st === "started" ? "warn" : "muted";
  }

  function renderList() {
    var ul = $("#visits");
    var status = $("#list-status");
    ul.textContent = "";
    var list = items();
    if (!state.today) {
      status.textContent = state.forbidden ? w("staffapp-not_allowed")
        : state.fetching ? w("staffapp-loading")
          : state.auth ? w("staffapp-fetch_failed") : w("staffapp-login_needed");
      return;
    }
    if (state.forbidden) { status.textContent = w("staffapp-not_allowed"); return; }
    status.textContent = list.length === 0 ? w("staffapp-no_visits")
      : fill(w("staffapp-fetched_at"), time(state.today.fetched_at));
    list.forEach(function (item) {
      var v = visitOf(item);
      var st = statusOf(v);
      var sync = syncOf(v);
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.className = "app-visit";
      a.setAttribute("data-nav", "");
      a.setAttribute("data-status", st);
      a.setAttribute("data-key", keyOf(item));
      a.href = "/app/visit?plan=" + encodeURIComponent(item.plan_id || "") + "&date=" + encodeURIComponent(item.date || "");
      var when = document.createElement("span");
      when.className = "app-when";
      when.textContent = time(item.window && item.window.from) + "–" + time(item.window && item.window.to);
      a.appendChild(when);
      var marks = [badge(statusWord(v), statusKind(st))];
      if (sync.queued) marks.push(badge(w("staffapp-queued"), "warn"));
      if (sync.refused) marks.push(badge(w("staffapp-refused_short"), "bad"));
      if (sync.late) marks.push(badge(w("staffapp-late"), "warn"));
      marks.forEach(function (m) { a.appendChild(document.createTextNode(" ")); a.appendChild(m); });
      var who = document.createElement("span");
      who.className = "app-who";
      who.textContent = (item.client && item.client.name) || "";
      a.appendChild(who);
      var where = document.createElement("span");
      where.className = "app-where";
      where.textContent = addressOf(item);
      a.appendChild(where);
      var what = document.createElement("span");
      what.className = "app-what";
      what.textContent = (item.tasks || []).map(taskLabel).join(", ");
      a.appendChild(what);
      li.appendChild(a);
      ul.appendChild(li);
    });
  }

  /** The client's address; none for a protected identity outside the named group. */
  function addressOf(item) {
    var c = item.client || {};
    return c.address || "";
  }

  /** A task in the page's words (the shell's), else the server's Swedish name, else its code. */
  function taskLabel(t) {
    var code = typeof t === "string" ? t : t.code;
    return TASKS[code] || (typeof t === "string" ? t : t.label_sv || t.code);
  }

  function taskCode(t) {
    return typeof t === "string" ? t : t.code;
  }

  function renderVisit(key) {
    var item = key ? itemByKey(key) : null;
    var msg = $("#visit-msg");
    var parts = ["#step", "#tasks-form", "#note-form", ".app-facts", ".app-marks", "#lock", "#signings"];
    if (!item) {
      $("#visit-h").textContent = w("staffapp-title");
      parts.forEach(function (p) { $(p).hidden = true; });
      $("#from-tag").hidden = true;
      if (state.today) {
        msg.className = "app-msg bad";
        msg.textContent = w("staffapp-no_such_visit");
      } else {
        msg.className = "app-msg";
        msg.textContent = state.fetching ? w("staffapp-loading") : w("staffapp-fetch_failed");
      }
      return;
    }
    [".app-facts", ".app-marks"].forEach(function (p) { $(p).hidden = false; });
    var v = visitOf(item);
    var st = statusOf(v);
    var sync = syncOf(v);
    $("#visit-h").textContent = (item.client && item.client.name) || "";
    $("[data-window]").textContent = time(item.window && item.window.from) + "–" + time(item.window && item.window.to) +
      (item.expected_minutes ? " · " + fill(w("staffapp-expected"), item.expected_minutes) : "");
    $("[data-address]").textContent = addressOf(item);

    var stateEl = $("[data-state]");
    stateEl.className = "badge " + statusKind(st);
    stateEl.textContent = statusWord(v) +
      (v.started_at ? " · " + fill(w("staffapp-started_at"), time(v.started_at)) : "") +
      (v.ended_at ? " · " + fill(w("staffapp-ended_at"), time(v.ended_at)) : "");
    var syncEl = $("[data-sync]");
    syncEl.hidden = !(sync.queued || sync.sent);
    syncEl.className = "badge " + (sync.queued ? "warn" : "ok");
    syncEl.textContent = sync.queued ? w("staffapp-queued") : w("staffapp-synced");
    var flags = $("[data-flags]");
    flags.textContent = "";
    var marks = [];
    if (sync.late) marks.push(badge(w("staffapp-late"), "warn"));
    if (sync.clock_skew) marks.push(badge(w("staffapp-clock_skew"), "warn"));
    if (v.manual) marks.push(badge(w("staffapp-manual_flag"), "warn"));
    marks.forEach(function (m) { flags.appendChild(m); flags.appendChild(document.createTextNode(" ")); });

    var fromTag = state.tagUrl && state.tagClient && item.client && item.client.id === state.tagClient && st !== "ended";
    $("#from-tag").hidden = !fromTag;

    // The next step: start, then end; nothing once ended.
    var step = $("#step");
    step.hidden = st === "ended";
    var starting = st === "planned";
    $("[data-step-title]").textContent = starting ? w("staffapp-start") : w("staffapp-end");
    $("[data-step-help]").textContent = starting ? w("staffapp-start_help") : w("staffapp-end_help");
    $("#manual-go").textContent = starting ? w("staffapp-manual_start") : w("staffapp-manual_end");
    var tagUrlBtn = $("#tag-url");
    tagUrlBtn.hidden = !fromTag;
    tagUrlBtn.textContent = starting ? w("staffapp-start") : w("staffapp-end");
    var nfc = Nfc.supported();
    $("#read-tag").hidden = !nfc;
    $("#sim-tag").hidden = nfc || !state.simulated;
    $("#sim-help").hidden = nfc || !state.simulated;
    var nfcStatus = $("#nfc-status");
    if (!nfc && !state.reading && !nfcStatus.getAttribute("data-said")) {
      nfcStatus.hidden = false;
      nfcStatus.className = "app-msg";
      nfcStatus.textContent = w("staffapp-nfc_missing");
    }
    if (!nfc && !fromTag) $("#manual").open = true;
    if (!nfc && DEMO && !state.simulated) probeSimulated(item);

    // Tasks and note: while the visit is under way.
    var underWay = st === "started";
    $("#tasks-form").hidden = false;
    $("#note-form").hidden = false;
    var box = $("#tasks");
    var codes = (item.tasks || []).map(taskCode).join(",");
    if (box.getAttribute("data-for") !== keyOf(item) || box.getAttribute("data-codes") !== codes) {
      box.textContent = "";
      (item.tasks || []).forEach(function (t, i) {
        var label = document.createElement("label");
        label.className = "check";
        var input = document.createElement("input");
        input.type = "checkbox";
        input.value = taskCode(t);
        input.id = "task-" + i;
        label.appendChild(input);
        label.appendChild(document.createTextNode(taskLabel(t)));
        box.appendChild(label);
      });
      box.setAttribute("data-for", keyOf(item));
      box.setAttribute("data-codes", codes);
      $("#note").value = v.note || "";
    }
    Array.prototype.forEach.call(box.querySelectorAll("input"), function (input) {
      input.checked = v.tasks.indexOf(input.value) >= 0;
      input.disabled = !underWay;
    });
    $("#note").disabled = !underWay;
    $("#note-form button").disabled = !underWay;

    $("#lock").hidden = !(item.lock && item.lock.id) || st === "ended";
    renderSignings(item);
  }

  function renderOutbox() {
    var queued = state.outbox.filter(function (e) { return e.status === "queued"; });
    var refused = state.outbox.filter(function (e) { return e.status === "refused"; });
    var count = $("#outbox-count");
    count.textContent = state.flushing && queued.length ? w("staffapp-sending")
      : queued.length === 0 ? w("staffapp-outbox_empty")
        : queued.length === 1 ? w("staffapp-outbox_one") : fill(w("staffapp-outbox_many"), queued.length);
    count.setAttribute("data-queued", String(queued.length));
    var sent = $("#outbox-sent");
    sent.hidden = !state.lastSync;
    if (state.lastSync) sent.textContent = fill(w("staffapp-sent_at"), time(state.lastSync));
    $("#send-now").disabled = queued.length === 0 || state.flushing;
    var box = $("#refused-box");
    box.hidden = refused.length === 0;
    var ul = $("#refused");
    ul.textContent = "";
    refused.forEach(function (e) {
      var li = document.createElement("li");
      li.setAttribute("data-refused", e.id);
      var what = w("staffapp-record-" + e.kind);
      var item = items().filter(function (i) { return i.client && i.client.id === e.record.client_id; })[0];
      var who = item && item.client ? item.client.name + ", " : "";
      var text = document.createElement("span");
      var why = reasonText(e.reason);
      text.textContent = who + what + " " + time(e.record.device_time) + " — " +
        (why ? fill(w("staffapp-refusal"), why) : w("staffapp-refused_short"));
      li.appendChild(text);
      var btn = document.createElement("button");
      btn.type = "button";
      btn.className = "secondary";
      btn.textContent = w("staffapp-discard");
      btn.addEventListener("click", function () { O.discard(e.id).then(loadOutbox); });
      li.appendChild(document.createTextNode(" "));
      li.appendChild(btn);
      ul.appendChild(li);
    });
  }

  /** A refusal in the page's words; the server's own detail is English, so a reason without
   * words here says only that it was refused. */
  function reasonText(reason) {
    var code = reason && (reason.code || reason.id);
    return (code && REASONS[code]) || "";
  }

  function say(text, kind) {
    var msg = $("#visit-msg");
    msg.className = "app-msg" + (kind ? " " + kind : "");
    msg.textContent = text;
  }

  function sayNfc(text, kind) {
    var el = $("#nfc-status");
    el.hidden = !text;
    el.className = "app-msg" + (kind ? " " + kind : "");
    el.textContent = text || "";
    el.setAttribute("data-said", text ? "1" : "");
  }

  // ---------------------------------------------------------------------------------------
  // Signings: the client's delegated tasks of the day, signed into the outbox.

  function clientIds() {
    var seen = {};
    items().forEach(function (i) { if (i.client && i.client.id) seen[i.client.id] = true; });
    return Object.keys(seen);
  }

  /** Fetches each of today's clients' signing lists and keeps them on the phone (for a visit
   * without a network). A client whose list cannot be had keeps the one kept before. */
  function refreshSignings() {
    var ids = clientIds();
    var date = (state.today && state.today.date) || "";
    return Promise.all(ids.map(function (id) {
      var url = "/api/v1/app/clients/" + encodeURIComponent(id) + "/signings" + (date ? "?date=" + encodeURIComponent(date) : "");
      return fetch(url, { credentials: "same-origin", cache: "no-store", headers: { accept: "application/json" } })
        .then(function (res) { return res.ok ? res.json() : null; }, function () { return null; })
        .then(function (list) {
          if (!list || !Array.isArray(list.occasions)) return;
          list.fetched_at = new Date().toISOString();
          state.signings[id] = list;
          return O.putState("signings:" + id, list);
        });
    })).then(pruneSigned);
  }

  /** A phone's signing is forgotten once the server's list shows it (or it was refused and
   * discarded: its record is neither waiting nor refused any more). */
  function pruneSigned() {
    var onServer = {};
    Object.keys(state.signings).forEach(function (id) {
      (state.signings[id].occasions || []).forEach(function (o) {
        if (o.signing) onServer[o.occasion] = true;
      });
      (state.signings[id].as_needed || []).forEach(function (a) {
        (a.signed_today || []).forEach(function (s) { onServer["asneeded:" + a.prescription_id + ":" + s.id] = true; });
      });
    });
    var waiting = {};
    state.outbox.forEach(function (e) { waiting[e.id] = true; });
    var drops = Object.keys(state.signed).filter(function (k) {
      return onServer[k] || !waiting[state.signed[k].record];
    });
    drops.forEach(function (k) { delete state.signed[k]; });
    return Promise.all(drops.map(function (k) { return O.putState("signed:" + k, undefined); }));
  }

  /** The record of a phone's signing in the outbox, if it is still there. */
  function outboxEntry(id) {
    return state.outbox.filter(function (e) { return e.id === id; })[0] || null;
  }

  /** Where an occasion stands now, by the phone's clock: as the server's list does it. */
  function occasionState(o) {
    if (o.signing) return "signed";
    var now = Date.now();
    if (now < Date.parse(o.opens)) return "upcoming";
    if (now <= Date.parse(o.closes)) return "open";
    return "missed";
  }

  var STATE_RANK = { open: 0, missed: 1, upcoming: 2, signed: 3 };

  function renderSignings(item) {
    var section = $("#signings");
    var list = item.client ? state.signings[item.client.id] : null;
    var ul = $("#signing-list");
    var status = $("#signings-status");
    if (!list || ((list.occasions || []).length === 0 && (list.as_needed || []).length === 0)) {
      section.hidden = !list;
      ul.textContent = "";
      status.textContent = list ? w("staffapp-signings_none") : "";
      return;
    }
    section.hidden = false;
    status.className = "app-msg";
    status.textContent = navigator.onLine === false ? fill(w("staffapp-signings_offline"), time(list.fetched_at)) : "";
    // What the form being filled in holds survives a redraw (the outbox redraws the view).
    var open = document.activeElement && document.activeElement.closest && document.activeElement.closest("#signing-list form");
    if (open && ul.getAttribute("data-for") === item.client.id) return;
    ul.textContent = "";
    ul.setAttribute("data-for", item.client.id);
    var rows = (list.occasions || []).map(function (o) {
      var mine = state.signed[o.occasion];
      var entry = mine ? outboxEntry(mine.record) : null;
      var st = mine && !(entry && entry.status === "refused") ? "signed" : occasionState(o);
      return { o: o, st: st, mine: mine, entry: entry };
    });
    rows.sort(function (a, b) {
      return (STATE_RANK[a.st] - STATE_RANK[b.st]) || String(a.o.opens).localeCompare(String(b.o.opens));
    });
    rows.forEach(function (r) {
      var li = document.createElement("li");
      li.className = "app-signing";
      li.setAttribute("data-occasion", r.o.occasion);
      li.setAttribute("data-state", r.st);
      var head = document.createElement("p");
      var strong = document.createElement("strong");
      strong.textContent = r.o.time + " " + r.o.task_name;
      head.appendChild(strong);
      head.appendChild(document.createTextNode(" "));
      head.appendChild(badge(w("staffapp-sign_state-" + r.st), r.st === "missed" ? "bad" : r.st === "open" ? "warn" : r.st === "signed" ? "ok" : "muted"));
      li.appendChild(head);
      if (r.o.instruction) {
        var ins = document.createElement("p");
        ins.className = "hint";
        ins.textContent = r.o.instruction;
        li.appendChild(ins);
      }
      var note = document.createElement("p");
      note.className = "app-msg";
      if (r.o.signing) {
        note.textContent = (OUTCOMES[r.o.signing.outcome] || r.o.signing.outcome) + " · " + time(r.o.signing.signed_at) +
          (r.o.signing.flagged ? " · " + w("staffapp-sign_flagged") : "");
        li.appendChild(note);
      } else if (r.st === "signed" && r.mine) {
        note.textContent = (OUTCOMES[r.mine.outcome] || r.mine.outcome) + " · " + time(r.mine.device_time) + " · " + w("staffapp-sign_queued");
        li.appendChild(note);
      } else {
        if (r.entry && r.entry.status === "refused") {
          note.className = "app-msg bad";
          var why = reasonText(r.entry.reason);
          note.textContent = w("staffapp-sign_refused") + (why ? ": " + why : "");
          li.appendChild(note);
        }
        if (r.o.may_sign && r.st !== "upcoming") {
          li.appendChild(signForm("sign-form-proto", { occasion: r.o.occasion }));
        } else if (!r.o.may_sign) {
          var none = document.createElement("p");
          none.className = "hint";
          none.textContent = w("staffapp-no_delegation");
          li.appendChild(none);
        }
      }
      ul.appendChild(li);
    });
    (list.as_needed || []).forEach(function (a) {
      var li = document.createElement("li");
      li.className = "app-signing";
      li.setAttribute("data-as-needed", a.prescription_id);
      var head = document.createElement("p");
      var strong = document.createElement("strong");
      strong.textContent = a.task_name;
      head.appendChild(strong);
      var queued = Object.keys(state.signed).filter(function (k) { return k.indexOf("asneeded:" + a.prescription_id + ":") === 0; }).length;
      head.appendChild(document.createTextNode(" " + fill(w("staffapp-as_needed_count"), (a.signed_today || []).length + queued)));
      li.appendChild(head);
      if (a.instruction) {
        var ins = document.createElement("p");
        ins.className = "hint";
        ins.textContent = a.instruction;
        li.appendChild(ins);
      }
      if (a.may_sign) li.appendChild(signForm("as-needed-proto", { prescription: a.prescription_id }));
      else {
        var none = document.createElement("p");
        none.className = "hint";
        none.textContent = w("staffapp-no_delegation");
        li.appendChild(none);
      }
      ul.appendChild(li);
    });
  }

  function signForm(proto, target) {
    var form = $("#" + proto).content.firstElementChild.cloneNode(true);
    if (target.occasion) form.setAttribute("data-occasion", target.occasion);
    if (target.prescription) form.setAttribute("data-prescription", target.prescription);
    return form;
  }

  /** "Not given" asks why. */
  function signChange(e) {
    var form = e.target.closest && e.target.closest("form.app-sign");
    if (!form || e.target.name !== "outcome") return;
    var reason = form.querySelector("[data-reason]");
    if (reason) reason.hidden = e.target.value !== "not_given";
  }

  var NEEDS_NOTE = { partly_given: true, stock_count_wrong: true, as_needed_given: true };

  /** Signs into the outbox; the server judges it when it arrives (the delegation again). */
  function signSubmit(e) {
    var form = e.target.closest && e.target.closest("form.app-sign");
    if (!form) return;
    e.preventDefault();
    var item = currentItem();
    if (!item || !item.client) return;
    var occasion = form.getAttribute("data-occasion");
    var prescription = form.getAttribute("data-prescription");
    var outcomeEl = form.querySelector("[name=outcome]");
    var outcome = outcomeEl ? outcomeEl.value : "as_needed_given";
    var reasonEl = form.querySelector("[name=not_given_reason]");
    var reason = reasonEl && outcome === "not_given" ? reasonEl.value : "";
    var noteEl = form.querySelector("[name=note]");
    var note = noteEl ? noteEl.value.trim() : "";
    if (outcome === "not_given" && !reason) {
      reasonEl.setAttribute("aria-invalid", "true");
      reasonEl.focus();
      sayAt(form, w("staffapp-sign_reason_needed"));
      return;
    }
    if ((NEEDS_NOTE[outcome] || reason === "other") && !note) {
      noteEl.setAttribute("aria-invalid", "true");
      noteEl.focus();
      sayAt(form, w("staffapp-sign_note_needed"));
      return;
    }
    var key = keyOf(item);
    var v = visitOf(item);
    var local = null;
    if (!v.id) {
      // Signed before the visit was started: the visit's id is made now, for both.
      v.id = O.uuid();
      local = Object.assign({}, state.local[key] || {}, { visit_id: v.id });
    }
    var signing = { outcome: outcome };
    if (occasion) signing.occasion = occasion; else signing.prescription_id = prescription;
    if (reason) signing.not_given_reason = reason;
    if (note) signing.note = note;
    var record = baseRecord(item, v);
    record.kind = "signing";
    record.signing = signing;
    (local ? saveLocal(key, local) : Promise.resolve()).then(function () {
      return O.add(record);
    }).then(function (entry) {
      var target = occasion || "asneeded:" + prescription + ":" + entry.id;
      var mine = { outcome: outcome, device_time: entry.record.device_time, record: entry.id };
      state.signed[target] = mine;
      return O.putState("signed:" + target, mine);
    }).then(function () {
      if (document.activeElement) document.activeElement.blur();
      say(w("staffapp-sign_saved"), "ok");
      return loadOutbox();
    }).then(kick, function () { say(w("staffapp-error"), "bad"); });
  }

  function sayAt(form, text) {
    var p = form.querySelector(".app-msg");
    if (!p) {
      p = document.createElement("p");
      p.setAttribute("role", "status");
      form.appendChild(p);
    }
    p.className = "app-msg bad";
    p.textContent = text;
  }

  // ---------------------------------------------------------------------------------------
  // The worker's actions: each one a record in the outbox.

  function currentItem() {
    var key = resolveKey();
    return key ? itemByKey(key) : null;
  }

  function baseRecord(item, v) {
    var r = { visit_id: v.id, client_id: item.client && item.client.id };
    if (item.plan_id) { r.plan_id = item.plan_id; r.date = item.date; }
    return r;
  }

  /** Starts or ends the visit shown, with `evidence`: `{ tag: {serial, url} }` or
   * `{ manual_reason }`. */
  function step(evidence) {
    var item = currentItem();
    if (!item) return Promise.resolve();
    var key = keyOf(item);
    var v = visitOf(item);
    var st = statusOf(v);
    if (st === "ended") return Promise.resolve();
    var local = Object.assign({}, state.local[key] || {});
    if (!v.id) v.id = O.uuid();
    local.visit_id = v.id;
    local.tasks = local.tasks || v.tasks;
    var record = baseRecord(item, v);
    if (evidence.tag) record.tag = evidence.tag;
    if (evidence.manual_reason) record.manual_reason = evidence.manual_reason;
    if (st === "planned") {
      record.kind = "visit_start";
      record.visit_kind = item.kind || "planned";
    } else {
      record.kind = "visit_end";
    }
    return O.add(record).then(function (entry) {
      if (record.kind === "visit_start") {
        local.started_at = entry.record.device_time;
        local.start_manual = evidence.manual_reason || null;
        local.start_record = entry.id;
      } else {
        local.ended_at = entry.record.device_time;
        local.end_manual = evidence.manual_reason || null;
        local.end_record = entry.id;
      }
      state.tagUrl = null;
      return saveLocal(key, local);
    }).then(function () {
      sayNfc("");
      $("#manual").open = false;
      say(evidence.tag ? w("staffapp-tag_read") : "", "ok");
      return loadOutbox();
    }).then(kick, function () { say(w("staffapp-error"), "bad"); });
  }

  function stopReading() {
    if (state.reading) { state.reading.abort(); state.reading = null; }
  }

  function readTag() {
    stopReading();
    var ctrl = new AbortController();
    state.reading = ctrl;
    sayNfc(w("staffapp-reading"));
    Nfc.read(ctrl.signal, function () { sayNfc(w("staffapp-read_error"), "bad"); }).then(function (tap) {
      ctrl.abort();
      if (state.reading === ctrl) state.reading = null;
      if (!tap.url) { sayNfc(w("staffapp-tag_no_url"), "bad"); return; }
      return step({ tag: tap });
    }, function (err) {
      if (state.reading === ctrl) state.reading = null;
      var name = err && err.name;
      if (name === "AbortError") { sayNfc(""); return; }
      if (name === "NotSupportedError" && !state.nfcOffSaid) {
        // No NFC on this device (a browser with the interface but no reader): said once, and
        // the app goes on as without Web NFC (the reason codes, the demo's simulated tag).
        state.nfcOffSaid = true;
        state.nfcUnavailable = true;
        render();
        sayNfc(w("staffapp-nfc_off"), "bad");
        return;
      }
      sayNfc(name === "NotAllowedError" ? w("staffapp-nfc_denied")
        : name === "NotSupportedError" ? w("staffapp-nfc_off") : w("staffapp-read_error"), "bad");
    });
  }

  /** The app was opened from the tag's URL (the phone read the tag by itself): that URL is the
   * evidence; the chip's serial is unknown here. */
  function tagFromUrl() {
    if (!state.tagUrl) return;
    step({ tag: { serial: "", url: state.tagUrl } });
  }

  /** The demo's simulated tag: offered only where the server says it is the demo and it can
   * give a read of this client's door tag. */
  function probeSimulated(item) {
    if (state.simProbe === (item.client && item.client.id)) return;
    state.simProbe = item.client && item.client.id;
    simRead(item).then(function (tap) {
      if (tap) { state.simulated = true; render(); }
    });
  }

  function simRead(item) {
    var url = SIM_TAG_URL + "?client_id=" + encodeURIComponent(item.client.id);
    return fetch(url, { credentials: "same-origin", cache: "no-store", headers: { accept: "application/json" } })
      .then(function (res) { return res.ok ? res.json() : null; }, function () { return null; })
      .then(function (tap) { return tap && tap.url ? { serial: normaliseSerial(tap.serial), url: tap.url } : null; });
  }

  function simulatedTag() {
    var item = currentItem();
    if (!item) return;
    simRead(item).then(function (tap) {
      if (!tap) { sayNfc(w("staffapp-read_error"), "bad"); return; }
      return step({ tag: tap });
    });
  }

  function manual() {
    var select = $("#manual-reason");
    if (!select.value) {
      select.setAttribute("aria-invalid", "true");
      select.focus();
      return;
    }
    select.removeAttribute("aria-invalid");
    step({ manual_reason: select.value });
  }

  function tasksChanged() {
    var item = currentItem();
    if (!item) return;
    var key = keyOf(item);
    var v = visitOf(item);
    if (!v.id || statusOf(v) !== "started") return;
    var tasks = Array.prototype.filter.call($("#tasks").querySelectorAll("input"), function (i) { return i.checked; })
      .map(function (i) { return i.value; });
    var record = baseRecord(item, v);
    record.kind = "visit_tasks";
    record.tasks = tasks;
    O.add(record).then(function () {
      var local = Object.assign({}, state.local[key] || {}, { visit_id: v.id, tasks: tasks });
      return saveLocal(key, local);
    }).then(function () {
      say(w("staffapp-tasks_saved"), "ok");
      return loadOutbox();
    }).then(kick, function () { say(w("staffapp-error"), "bad"); });
  }

  function saveNote(e) {
    e.preventDefault();
    var item = currentItem();
    if (!item) return;
    var key = keyOf(item);
    var v = visitOf(item);
    if (!v.id || statusOf(v) !== "started") return;
    var note = $("#note").value.trim();
    var record = baseRecord(item, v);
    record.kind = "visit_note";
    record.note = note;
    O.add(record).then(function () {
      var local = Object.assign({}, state.local[key] || {}, { visit_id: v.id, note: note });
      return saveLocal(key, local);
    }).then(function () {
      say(w("staffapp-note_saved"), "ok");
      return loadOutbox();
    }).then(kick, function () { say(w("staffapp-error"), "bad"); });
  }

  /** The door: asks the server to unlock the client's lock for this visit (online only). */
  function unlock() {
    var item = currentItem();
    if (!item || !item.lock) return;
    if (!navigator.onLine) { say(w("staffapp-unlock_offline"), "bad"); return; }
    var v = visitOf(item);
    say(w("staffapp-unlocking"));
    fetch("/api/v1/app/locks/" + encodeURIComponent(item.lock.id) + "/unlock", {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(v.id ? { visit_id: v.id } : {}),
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (answer) {
        if (res.ok) {
          // What the lock answered: open, could not open, or no answer yet.
          if (answer.status === "unlocked") say(w("staffapp-unlocked"), "ok");
          else if (answer.status === "sent") say(w("staffapp-unlock_sent"));
          else say(w("staffapp-unlock_jammed"), "bad");
          return;
        }
        if (res.status === 401) { state.auth = false; render(); }
        if (res.status === 403 || res.status === 409) {
          var why = reasonText({ id: answer.reason });
          say(why ? fill(w("staffapp-unlock_refused_why"), why) : w("staffapp-unlock_refused"), "bad");
          return;
        }
        say(w("staffapp-unlock_failed"), "bad");
      });
    }, function () { say(w("staffapp-unlock_offline"), "bad"); });
  }

  // ---------------------------------------------------------------------------------------
  // The worker's week: their own visits of a week, and their confirmation of it (the unit
  // manager approves the week once everyone who made visits has confirmed it).

  var ymd = new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit", timeZone: "Europe/Stockholm" });
  var dayName = new Intl.DateTimeFormat(LANG === "en" ? "en-GB" : "sv-SE", { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" });
  var stamp = new Intl.DateTimeFormat(LANG === "en" ? "en-GB" : "sv-SE", {
    day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: "Europe/Stockholm",
  });

  /** Today in Stockholm, `YYYY-MM-DD`. */
  function todayHere() { return ymd.format(new Date()); }

  /** A date `YYYY-MM-DD` moved by `days`. */
  function addDays(day, days) {
    var d = new Date(day + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  }

  /** The Monday of the week of `day` (`YYYY-MM-DD`). */
  function mondayOf(day) {
    var d = new Date(day + "T00:00:00Z");
    if (isNaN(d.getTime())) return mondayOf(todayHere());
    return addDays(day, -((d.getUTCDay() + 6) % 7));
  }

  function dayLabel(day) { return dayName.format(new Date(day + "T12:00:00Z")); }

  function loadWeek(monday) {
    var view = state.weekView;
    if (view && view.monday === monday && (view.data || view.loading)) return;
    view = state.weekView = { monday: monday, data: null, loading: true, failed: false, msg: null };
    fetch("/api/v1/app/weeks/" + monday, { credentials: "same-origin", cache: "no-store", headers: { accept: "application/json" } })
      .then(function (res) {
        if (res.status === 401) { state.auth = false; return null; }
        if (res.status === 403) { state.forbidden = true; return null; }
        return res.ok ? res.json() : null;
      }, function () { return null; })
      .then(function (data) {
        if (state.weekView !== view) return;
        view.loading = false;
        view.data = data;
        view.failed = !data;
        render();
      });
  }

  function renderWeek() {
    var view = state.weekView || {};
    var monday = state.week;
    var sunday = addDays(monday, 6);
    $("#week-range").textContent = dayLabel(monday) + " – " + dayLabel(sunday);
    $("#week-prev").href = "/app/week?week=" + addDays(monday, -7);
    $("#week-next").href = "/app/week?week=" + addDays(monday, 7);
    var status = $("#week-status");
    var ul = $("#week-visits");
    var box = $("#week-confirm");
    ul.textContent = "";
    var data = view.data;
    if (!data) {
      box.hidden = true;
      status.textContent = state.forbidden ? w("staffapp-not_allowed")
        : view.loading ? w("staffapp-loading")
          : !state.auth ? w("staffapp-login_needed")
            : navigator.onLine === false ? w("staffapp-week_offline") : w("staffapp-fetch_failed");
      return;
    }
    var visits = data.visits || [];
    var minutes = 0;
    visits.forEach(function (line) {
      var v = line.visit || {};
      minutes += v.minutes || 0;
      var li = document.createElement("li");
      li.setAttribute("data-visit", v.id || "");
      if (!v.ended_at) li.setAttribute("data-open", "");
      var when = document.createElement("span");
      when.className = "app-when";
      when.textContent = dayLabel(v.date) + " " + time(v.started_at) + "–" + (v.ended_at ? time(v.ended_at) : "");
      li.appendChild(when);
      var marks = [];
      if (!v.ended_at) marks.push(badge(w("staffapp-week_open"), "warn"));
      if (v.manual) marks.push(badge(w("staffapp-manual_flag"), "warn"));
      if (v.late_sync) marks.push(badge(w("staffapp-late"), "warn"));
      if (v.clock_skew) marks.push(badge(w("staffapp-clock_skew"), "warn"));
      if (v.corrected) marks.push(badge(w("staffapp-week_corrected"), "muted"));
      marks.forEach(function (m) { li.appendChild(document.createTextNode(" ")); li.appendChild(m); });
      var who = document.createElement("span");
      who.className = "app-who";
      who.textContent = line.client_name || "";
      li.appendChild(who);
      var what = document.createElement("span");
      what.className = "app-what";
      what.textContent = fill(w("staffapp-week_minutes"), v.minutes || 0) +
        ((v.tasks_done || []).length ? " · " + v.tasks_done.map(taskLabel).join(", ") : "");
      li.appendChild(what);
      ul.appendChild(li);
    });
    status.textContent = visits.length === 0 ? w("staffapp-week_none")
      : fill(w("staffapp-week_count"), visits.length) + " · " + fill(w("staffapp-week_minutes"), minutes);

    // The confirmation: for a week that has begun, with visits in it.
    box.hidden = visits.length === 0;
    var marks = $("#week-state");
    marks.textContent = "";
    marks.appendChild(data.confirmed_at
      ? badge(fill(w("staffapp-week_confirmed"), stamp.format(new Date(data.confirmed_at))), "ok")
      : badge(w("staffapp-week_not_confirmed"), "warn"));
    if (data.approved) {
      marks.appendChild(document.createTextNode(" "));
      marks.appendChild(badge(w("staffapp-week_approved"), "ok"));
    }
    var begun = monday <= todayHere();
    var btn = $("#week-confirm-btn");
    btn.hidden = !!data.confirmed_at || !begun;
    btn.disabled = !!view.confirming;
    btn.textContent = view.confirming ? w("staffapp-week_confirming") : w("staffapp-week_confirm");
    $("#week-help").hidden = !!data.confirmed_at;
    var msg = $("#week-msg");
    if (view.msg) {
      msg.className = "app-msg " + view.msg.kind;
      msg.textContent = view.msg.text;
    } else {
      msg.className = "app-msg";
      msg.textContent = !begun && !data.confirmed_at ? w("staffapp-week_not_over") : "";
    }
  }

  function confirmWeek() {
    var view = state.weekView;
    if (!view || !view.data || view.confirming) return;
    if (navigator.onLine === false) { view.msg = { kind: "bad", text: w("staffapp-week_offline") }; render(); return; }
    view.confirming = true;
    view.msg = null;
    render();
    postJson("/api/v1/app/weeks/" + view.monday + "/confirm", {}).then(function (r) {
      view.confirming = false;
      if (r.status === 200 && r.body.confirmed_at) {
        view.data.confirmed_at = r.body.confirmed_at;
        view.msg = { kind: "ok", text: w("staffapp-week_thanks") };
      } else {
        if (r.status === 401) state.auth = false;
        // A refusal's reason id (problems carry it), worded here.
        var code = r.body && (r.body.reason || r.body.code);
        view.msg = { kind: "bad", text: (code && REASONS[code]) || w("staffapp-week_failed") };
      }
      render();
    }, function () {
      view.confirming = false;
      view.msg = { kind: "bad", text: w("staffapp-week_offline") };
      render();
    });
  }

  // ---------------------------------------------------------------------------------------
  // The PIN login on this phone: a device key from the server, unlocked by the PIN there.

  function postJson(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (answer) {
        return { status: res.status, body: answer };
      });
    });
  }

  function sayIn(sel, text, kind) {
    var el = $(sel);
    el.className = "app-msg" + (kind ? " " + kind : "");
    el.textContent = text;
  }

  function pinSetup(e) {
    e.preventDefault();
    var input = $("#pin-setup-input");
    postJson("/api/v1/app/device", { pin: input.value }).then(function (r) {
      if (r.status === 201 && r.body.key) {
        var dk = { id: r.body.id, key: r.body.key, expires_at: r.body.expires_at };
        return O.putMeta("device_key", dk).then(function () {
          state.deviceKey = dk;
          input.value = "";
          render();
          say(w("staffapp-pin_saved"), "ok");
          $("#list-status").textContent = w("staffapp-pin_saved");
        });
      }
      input.setAttribute("aria-invalid", "true");
      sayIn("#pin-setup-msg", REASONS["auth-pin-too-weak"] || w("staffapp-error"), "bad");
      input.focus();
    }, function () { sayIn("#pin-setup-msg", w("staffapp-error"), "bad"); });
  }

  function pinUnlock(e) {
    e.preventDefault();
    var dk = state.deviceKey;
    var input = $("#pin-unlock-input");
    if (!dk) return;
    postJson("/api/v1/app/unlock", { id: dk.id, key: dk.key, pin: input.value }).then(function (r) {
      input.value = "";
      if (r.status === 200 && r.body.status === "ok") {
        state.auth = true;
        sayIn("#pin-unlock-msg", "");
        render();
        flush();
        return refresh();
      }
      if (r.body.status === "wrong_pin") {
        var left = r.body.left;
        sayIn("#pin-unlock-msg", left === 1 ? w("staffapp-pin_wrong_one") : fill(w("staffapp-pin_wrong_many"), left), "bad");
        input.focus();
        return;
      }
      if (r.body.status === "gone") {
        return forgetKey().then(function () {
          $("#login-needed").hidden = false;
          sayIn("#pin-unlock-msg", "");
          $("#list-status").textContent = w("staffapp-pin_gone");
        });
      }
      sayIn("#pin-unlock-msg", w("staffapp-error"), "bad");
    }, function () { sayIn("#pin-unlock-msg", w("staffapp-offline"), "bad"); });
  }

  function forgetKey() {
    state.deviceKey = null;
    return O.putMeta("device_key", null).then(render);
  }

  /** Forgets the PIN login here, and asks the server to revoke the key. */
  function pinForget() {
    var dk = state.deviceKey;
    if (!dk) return;
    postJson("/api/v1/app/device/" + encodeURIComponent(dk.id) + "/revoke", {}).catch(function () { /* gone anyway */ });
    forgetKey();
  }

  start();
})();
