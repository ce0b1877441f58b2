// Small progressive enhancements; every page works without this file.
document.addEventListener("submit", function (e) {
  var msg = e.target && e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});

// A form whose work takes a while (an import's check of its file) shows it while it is sent:
// its buttons are disabled, so that nobody sends the file twice, and a progress line says what
// is happening. Coming back to the page (the browser's back button) enables them again.
document.addEventListener("submit", function (e) {
  var form = e.target;
  if (e.defaultPrevented || !form || !form.hasAttribute || !form.hasAttribute("data-busy")) { return; }
  Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = true; });
  form.setAttribute("aria-busy", "true");
  var status = form.querySelector("[data-busy-status]");
  if (status) { status.hidden = false; }
});
window.addEventListener("pageshow", function () {
  Array.prototype.forEach.call(document.querySelectorAll("form[data-busy]"), function (form) {
    Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = false; });
    form.removeAttribute("aria-busy");
    var status = form.querySelector("[data-busy-status]");
    if (status) { status.hidden = true; }
  });
});

// Live lists (the supervision queue, the alarm centre's queue, one alarm, the night patrol's
// list): the server sends the list's HTML as a server-sent event whenever it changes, and the
// list is brought up to date around whatever the user is doing (see `liveMorph`). Without this
// file the page still works; it just needs a reload.
(function () {
  var list = document.querySelector("[data-live]");
  var status = document.querySelector("[data-live-status]");
  function show(live, text) {
    if (!status) { return; }
    status.hidden = false;
    status.querySelector("[data-live-on]").hidden = !live;
    var off = status.querySelector("[data-live-off]");
    off.hidden = live;
    if (text) { off.textContent = text; }
  }
  var attention = liveAttention(list);
  if (list && window.EventSource) {
    var source = new EventSource(list.getAttribute("data-live"));
    var sent = false;
    // Once a form is on its way the page that answers it brings the news (looked at after
    // every handler has run: a cancelled confirmation sends nothing).
    list.addEventListener("submit", function (e) {
      setTimeout(function () {
        if (!e.defaultPrevented) { sent = true; source.close(); }
      }, 0);
    });
    source.onopen = function () { show(true); };
    source.onerror = function () { if (!sent) { show(false); } };
    source.addEventListener("update", function (e) {
      if (sent) { return; }
      liveMorph(list, e.data);
      tick();
      attention.update();
      show(true);
    });
    source.addEventListener("refused", function (e) {
      source.close();
      show(false, e.data);
    });
  }

  // Running clocks: time since `data-since` (ms), marked once past `data-deadline` (ms). A
  // clock with `data-format` reads as a duration in words ("{m} min sedan larmet").
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-clock]").forEach(function (c) {
      var s = Math.max(0, Math.floor((now - Number(c.getAttribute("data-since"))) / 1000));
      var m = Math.floor(s / 60);
      var format = c.getAttribute("data-format");
      c.textContent = format ? format.replace("{m}", m) : m + ":" + String(s % 60).padStart(2, "0");
      var over = now > Number(c.getAttribute("data-deadline"));
      c.classList.toggle("bad", over);
      c.classList.toggle("ok", !over);
    });
  }
  tick();
  setInterval(tick, 1000);

  // A look-in: count down, and take the picture off the screen when the time is up.
  var look = document.querySelector("[data-look-in]");
  if (look) {
    var ends = Number(look.getAttribute("data-ends-at"));
    var left = look.querySelector("[data-remaining]");
    var ended = document.querySelector("[data-ended]");
    var timer = null;
    var update = function () {
      var s = Math.max(0, Math.ceil((ends - Date.now()) / 1000));
      left.textContent = s;
      if (s <= 0) {
        if (timer) { clearInterval(timer); }
        var img = look.querySelector("img");
        if (img) { img.removeAttribute("src"); img.remove(); }
        look.hidden = true;
        if (ended) { ended.hidden = false; }
      }
    };
    update();
    timer = setInterval(update, 250);
  }
})();

// Brings `target`'s children up to `html` without pulling anything from under the user's hands:
// children are matched by `data-key` (or `id`), the others in order by tag, and matched nodes
// are updated in place, so a note being typed keeps its text, caret and focus and a chosen
// option stays chosen (the browser keeps a field's typed value when only its default changes).
// The node holding the focus is never moved: the others are placed around it. A form drawn again
// after its error (`data-kept`: what was typed and chosen, the error beside its field) is left
// as it is until it is sent again, so that the list's next update (a clock's minute) does not
// take the error and the kept values away.
function liveMorph(target, html) {
  var tpl = document.createElement("template");
  tpl.innerHTML = html;
  morphChildren(target, tpl.content);

  function keyOf(n) {
    if (n.nodeType !== 1) { return null; }
    var k = n.getAttribute("data-key");
    if (k) { return "k:" + k; }
    return n.id ? "#" + n.id : null;
  }
  function same(a, b) {
    return a.nodeType === b.nodeType && a.nodeName === b.nodeName;
  }
  function morphNode(from, to) {
    if (from.nodeType !== 1) {
      if (from.nodeValue !== to.nodeValue) { from.nodeValue = to.nodeValue; }
      return;
    }
    if (from.hasAttribute("data-kept") && from.getAttribute("action") === to.getAttribute("action")) {
      return;
    }
    Array.prototype.forEach.call(to.attributes, function (a) {
      if (from.getAttribute(a.name) !== a.value) { from.setAttribute(a.name, a.value); }
    });
    Array.prototype.slice.call(from.attributes).forEach(function (a) {
      if (!to.hasAttribute(a.name)) { from.removeAttribute(a.name); }
    });
    morphChildren(from, to);
  }
  function morphChildren(from, to) {
    var old = Array.prototype.slice.call(from.childNodes);
    var keyed = new Map();
    var loose = [];
    old.forEach(function (n) {
      var k = keyOf(n);
      if (k) { keyed.set(k, n); } else { loose.push(n); }
    });
    var next = 0;
    var result = Array.prototype.slice.call(to.childNodes).map(function (n) {
      var k = keyOf(n);
      var match = null;
      if (k) {
        match = keyed.get(k) || null;
        if (match && !same(match, n)) { match = null; }
        if (match) { keyed.delete(k); }
      } else {
        for (var i = next; i < loose.length; i++) {
          if (same(loose[i], n)) { match = loose[i]; next = i + 1; break; }
        }
      }
      if (!match) { return n; }
      morphNode(match, n);
      return match;
    });
    var kept = new Set(result);
    old.forEach(function (n) { if (!kept.has(n)) { from.removeChild(n); } });
    var now = Array.prototype.slice.call(from.childNodes);
    if (now.length === result.length && now.every(function (n, i) { return n === result[i]; })) {
      return;
    }
    var active = document.activeElement;
    var pinned = result.indexOf(result.filter(function (n) {
      return n.parentNode === from && n.nodeType === 1 && active && n.contains(active);
    })[0]);
    if (pinned < 0) {
      result.forEach(function (n) { from.appendChild(n); });
      return;
    }
    for (var i = 0; i < pinned; i++) { from.insertBefore(result[i], result[pinned]); }
    for (var j = pinned + 1; j < result.length; j++) { from.appendChild(result[j]); }
  }
}

// Attention to what is new in a live list (the alarm centre's queue, the night patrol's list).
// Rows waiting for someone carry `data-waiting`, a stable `data-key`, the words to announce
// (`data-announce`, from the Fluent files) and the short text of a notification (`data-notify`,
// the alarm's kind without the client's name, since notifications may show on a lock screen).
// The tab's title counts the waiting rows; each new one is announced in an assertive live
// region (a new alarm is urgent and must interrupt), and, once the user has turned them on with
// the button (browsers allow sound only after a gesture), a beep is played and, while the tab is
// hidden, a notification is shown. The choice and the rows already announced are kept for the
// tab's session (sessionStorage): once per shift, and nothing announced twice.
function liveAttention(list) {
  var root = document.querySelector("[data-attention]");
  if (!list || !root) { return { update: function () {} }; }
  var ON = "vaka.attention";
  var SEEN = "vaka.attention.seen:" + list.getAttribute("data-live");
  var store = window.sessionStorage;
  var title = document.title;
  var region = root.querySelector("[data-attention-announce]");
  var toggle = root.querySelector("[data-attention-toggle]");
  var notifyTitle = root.querySelector("[data-notify-title]").textContent;
  var audio = null;
  var read = function (k) { try { return store.getItem(k); } catch (e) { return null; } };
  var write = function (k, v) { try { store.setItem(k, v); } catch (e) { /* private mode */ } };
  var on = function () { return read(ON) === "on"; };
  var seen = (function () {
    try { return new Set(JSON.parse(read(SEEN) || "[]")); } catch (e) { return new Set(); }
  })();

  function sound() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) { return null; }
    if (!audio) { audio = new Ctx(); }
    if (audio.state === "suspended") { audio.resume(); }
    return audio;
  }
  function beep() {
    var a = sound();
    if (!a) { return; }
    var t = a.currentTime;
    [[0, 880], [0.3, 660], [0.6, 880]].forEach(function (b) {
      var osc = a.createOscillator();
      var gain = a.createGain();
      osc.type = "sine";
      osc.frequency.value = b[1];
      gain.gain.setValueAtTime(0.0001, t + b[0]);
      gain.gain.exponentialRampToValueAtTime(0.4, t + b[0] + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + b[0] + 0.25);
      osc.connect(gain);
      gain.connect(a.destination);
      osc.start(t + b[0]);
      osc.stop(t + b[0] + 0.3);
    });
  }
  function notify(rows) {
    if (!document.hidden || !window.Notification || Notification.permission !== "granted") { return; }
    rows.forEach(function (r) {
      try {
        new Notification(notifyTitle, { body: r.getAttribute("data-notify") || "", tag: r.getAttribute("data-key") });
      } catch (e) { /* some browsers allow notifications only from a service worker */ }
    });
  }
  function announce(text) {
    // Emptied first, so that the same words said again are still announced.
    region.textContent = "";
    setTimeout(function () { region.textContent = text; }, 50);
  }
  function paint() {
    var active = on();
    root.querySelectorAll("[data-when-on]").forEach(function (e) { e.hidden = !active; });
    root.querySelectorAll("[data-when-off]").forEach(function (e) { e.hidden = active; });
  }
  function update() {
    var waiting = Array.prototype.slice.call(list.querySelectorAll("[data-waiting][data-key]"));
    document.title = waiting.length ? "(" + waiting.length + ") " + title : title;
    var fresh = waiting.filter(function (r) { return !seen.has(r.getAttribute("data-key")); });
    // Forget what has left the list, so that the set stays small.
    var present = new Set(waiting.map(function (r) { return r.getAttribute("data-key"); }));
    seen.forEach(function (k) { if (!present.has(k)) { seen.delete(k); } });
    fresh.forEach(function (r) { seen.add(r.getAttribute("data-key")); });
    write(SEEN, JSON.stringify(Array.from(seen)));
    if (!fresh.length) { return; }
    announce(fresh.map(function (r) { return r.getAttribute("data-announce"); }).join(". "));
    if (on()) {
      beep();
      notify(fresh);
    }
  }

  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    write(ON, on() ? "off" : "on");
    paint();
    if (on()) {
      beep();
      if (window.Notification && Notification.permission === "default") {
        Notification.requestPermission();
      }
    }
  });
  // After a reload the browser may hold the sound back until the next gesture on the page.
  var wake = function () { if (on()) { sound(); } };
  document.addEventListener("pointerdown", wake, { once: true });
  document.addEventListener("keydown", wake, { once: true });
  paint();
  update();
  return { update: update };
}

// The demo's login page shows each demo user's current code; a code lives 30 s, so the page
// fetches itself again just after each step begins and puts the new codes in place (nothing
// else on the page changes: a name being typed stays).
function demoCodes() {
  if (!document.querySelector("[data-demo-code]") || !window.fetch || !window.DOMParser) { return; }
  function schedule() {
    setTimeout(refresh, 30000 - (Date.now() % 30000) + 500);
  }
  function refresh() {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-demo-code]").forEach(function (c) {
          var user = c.getAttribute("data-demo-code");
          var fresh = Array.prototype.filter.call(doc.querySelectorAll("[data-demo-code]"), function (n) {
            return n.getAttribute("data-demo-code") === user;
          })[0];
          if (fresh && fresh.textContent !== c.textContent) { c.textContent = fresh.textContent; }
        });
      })
      .catch(function () { /* offline: try again at the next step */ })
      .then(schedule);
  }
  schedule();
}
demoCodes();

// Tables: on a phone vaka.css shows each row as a card; each cell gets its column's header as a
// label (unless the template gave it one). A table wrapper that still has to scroll sideways, or a
// chart kept wide enough for its text to stay readable, is reachable with the keyboard.
(function () {
  function label() {
    document.querySelectorAll("main table").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.replace(/\s+/g, " ").trim();
      });
      if (!heads.length) { return; }
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (tr) {
          var col = 0;
          Array.prototype.forEach.call(tr.cells, function (cell) {
            if (cell.colSpan === 1 && heads[col] && !cell.hasAttribute("data-label")) {
              cell.setAttribute("data-label", heads[col]);
            }
            col += cell.colSpan;
          });
        });
      });
    });
  }
  function reach() {
    document.querySelectorAll(".table-wrap, .chart-wrap").forEach(function (w) {
      if (w.scrollWidth > w.clientWidth + 1) {
        w.setAttribute("tabindex", "0");
      } else if (w.getAttribute("tabindex") === "0") {
        w.removeAttribute("tabindex");
      }
    });
  }
  function all() { label(); reach(); }
  all();
  window.addEventListener("resize", reach);
  // Live lists replace their rows; label the new ones.
  new MutationObserver(function (records) {
    var rows = records.some(function (r) {
      return Array.prototype.some.call(r.addedNodes, function (n) { return n.nodeType === 1; });
    });
    // A live list's morph drops attributes the server did not send, the labels among them.
    var unlabelled = records.some(function (r) { return r.type === "attributes"; });
    if (rows || unlabelled) { all(); }
  }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-label"] });
})();

// Irreversible steps that share a form with others ask first too: the pressed button's own
// `data-confirm`, or the form's `data-confirm-text` when the field and value its
// `data-confirm-when` names (`step=deactivate`) are what is sent.
document.addEventListener("submit", function (e) {
  var form = e.target;
  if (e.defaultPrevented || !form.getAttribute) { return; }
  var msg = e.submitter && e.submitter.getAttribute("data-confirm");
  var when = form.getAttribute("data-confirm-when");
  if (!msg && when) {
    var eq = when.indexOf("=");
    var field = form.elements[when.slice(0, eq)];
    if (field && field.value === when.slice(eq + 1)) { msg = form.getAttribute("data-confirm-text"); }
  }
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});

// A form marked `data-in-place` (the look-in's outcome) is sent without leaving the page, so
// that what stands beside it (the camera's picture and its countdown) goes on while an error is
// put right: the answer's form (what was typed, the error beside its field) and error summary
// replace the old ones. Success goes where the form's `data-done` says (the server answered
// with a redirect there). Without this file the form is sent as usual and the server shows the
// page again.
(function () {
  if (!window.fetch || !window.DOMParser || !window.URLSearchParams) { return; }
  function replaceSummary(doc) {
    var old = document.getElementById("error-summary");
    var fresh = doc.getElementById("error-summary");
    if (old) { old.remove(); }
    var main = document.getElementById("main");
    if (fresh && main) { main.insertBefore(document.importNode(fresh, true), main.firstChild); }
  }
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (e.defaultPrevented || !form.hasAttribute || !form.hasAttribute("data-in-place") || !form.id) { return; }
    e.preventDefault();
    if (form.getAttribute("aria-busy") === "true") { return; }
    var data = new FormData(form);
    if (e.submitter && e.submitter.name) { data.append(e.submitter.name, e.submitter.value); }
    form.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(data),
      credentials: "same-origin",
      redirect: "manual"
    }).then(function (res) {
      if (res.type === "opaqueredirect") {
        window.location.assign(form.getAttribute("data-done") || "/");
        return null;
      }
      return res.text().then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById(form.id);
        if (!fresh) {
          // Not the page with this form (an error page): show it as it came.
          document.open();
          document.write(html);
          document.close();
          return;
        }
        var node = document.importNode(fresh, true);
        form.replaceWith(node);
        replaceSummary(doc);
        var bad = node.querySelector("[aria-invalid=true]");
        if (bad) { bad.focus(); }
      });
    }).catch(function () {
      // No answer: send it the ordinary way (with the button that was pressed).
      if (e.submitter && e.submitter.name) {
        var b = document.createElement("input");
        b.type = "hidden";
        b.name = e.submitter.name;
        b.value = e.submitter.value;
        form.appendChild(b);
      }
      form.submit();
    });
  });
})();

// After an action the page comes back where it was acted on: to the field with the error, or
// to the part of the page the address names (`#decisions`), not to the top.
(function () {
  var bad = document.querySelector("main [aria-invalid=true]");
  var target = bad;
  if (!target && window.location.hash.length > 1) {
    target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    if (target && !target.matches("a, button, input, select, textarea, [tabindex]")) {
      target.setAttribute("tabindex", "-1");
    }
  }
  if (target) { target.focus({ preventScroll: !bad }); }
})();

// Drafts: what is typed in a form's text fields is kept while the page is left and comes back
// (another form of the page sent, the page shown again after an error), so that a note half
// written on one card is not lost when another card's step is taken. Only text a person types
// is kept (textareas and text inputs of forms sent by POST); never passwords, one-time codes,
// hidden fields or files, nor anything in a form or field marked `data-no-draft` (logging in,
// second factors, passwords). Drafts are personal data (notes about clients), so they live in
// sessionStorage only: this tab's, gone when the tab is closed, never sent anywhere, and all
// cleared when the user logs out. A draft is put back into an empty field only, never over what
// the server drew (a form kept after its error), and a form's draft is dropped once the form is
// sent.
(function () {
  var store;
  try { store = window.sessionStorage; } catch (e) { return; }
  if (!store) { return; }
  var PREFIX = "vaka.draft:";
  // The page a form was sent from, by the address it was sent to: a page shown again after an
  // error comes at the form's address (`/patrol/visits/…`), and is the same page as the one it
  // was sent from (`/patrol`).
  var FROM = "vaka.draft.from:";
  var read = function (k) { try { return store.getItem(k); } catch (e) { return null; } };
  var write = function (k, v) { try { store.setItem(k, v); } catch (e) { /* full or private */ } };
  var drop = function (k) { try { store.removeItem(k); } catch (e) { /* private mode */ } };
  var page = read(FROM + window.location.pathname) || window.location.pathname;

  function actionOf(form) {
    try { return new URL(form.action, window.location.href).pathname; } catch (e) { return ""; }
  }
  function eligibleForm(form) {
    return form && form.nodeName === "FORM" && (form.getAttribute("method") || "").toLowerCase() === "post"
      && !form.hasAttribute("data-no-draft") && !form.querySelector("input[type=password]");
  }
  function eligibleField(f) {
    if (!f.name || f.name === "_csrf" || f.name === "_form" || f.hasAttribute("data-no-draft")) { return false; }
    if ((f.getAttribute("autocomplete") || "").indexOf("one-time-code") >= 0) { return false; }
    if (f.nodeName === "TEXTAREA") { return true; }
    if (f.nodeName !== "INPUT") { return false; }
    var type = (f.getAttribute("type") || "text").toLowerCase();
    return ["text", "search", "email", "tel", "url"].indexOf(type) >= 0;
  }
  // A page's forms that post to the same address tell themselves apart by `_form`.
  function keyOf(form, field) {
    var name = form.querySelector("input[name=_form]");
    return PREFIX + page + "|" + actionOf(form) + "|" + (name ? name.value : "") + "|" + field.name;
  }
  function dropForm(form) {
    Array.prototype.forEach.call(form.elements, function (f) {
      if (eligibleField(f)) { drop(keyOf(form, f)); }
    });
  }
  function clearAll() {
    var keys = [];
    for (var i = 0; i < store.length; i++) {
      var k = store.key(i);
      if (k && (k.indexOf(PREFIX) === 0 || k.indexOf(FROM) === 0)) { keys.push(k); }
    }
    keys.forEach(drop);
  }

  // Drafts belong to the login they were typed in: a page of another login in this tab (the
  // session ran out and someone logged in again) starts without them. The login is told by a
  // short fingerprint of its form token, not the token itself.
  var SESSION = "vaka.draft.session";
  var token = document.querySelector("form[action='/logout'] input[name=_csrf]");
  if (token) {
    var mark = 5381;
    for (var c = 0; c < token.value.length; c++) { mark = ((mark * 33) ^ token.value.charCodeAt(c)) >>> 0; }
    mark = mark.toString(36);
    if (read(SESSION) !== mark) { clearAll(); write(SESSION, mark); }
  }

  // Back into the empty fields the drafts were typed in.
  Array.prototype.forEach.call(document.forms, function (form) {
    if (!eligibleForm(form)) { return; }
    Array.prototype.forEach.call(form.elements, function (f) {
      if (!eligibleField(f) || f.value !== "") { return; }
      var v = read(keyOf(form, f));
      if (v) { f.value = v; }
    });
  });
  document.addEventListener("input", function (e) {
    var f = e.target;
    if (!f || !f.form || !eligibleForm(f.form) || !eligibleField(f)) { return; }
    if (f.value === "") { drop(keyOf(f.form, f)); } else { write(keyOf(f.form, f), f.value); }
  });
  // Registered last, so that it sees whether a question before sending was answered "no". A form
  // sent in place (`data-in-place`) stops the ordinary sending itself and says so by being busy.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form || form.nodeName !== "FORM") { return; }
    var inPlace = form.hasAttribute("data-in-place") && form.getAttribute("aria-busy") === "true";
    if (e.defaultPrevented && !inPlace) { return; }
    if (actionOf(form) === "/logout" || actionOf(form) === "/profile/logout-everywhere") {
      clearAll();
      drop(SESSION);
      return;
    }
    if (!eligibleForm(form)) { return; }
    dropForm(form);
    write(FROM + actionOf(form), page);
  });
})();
