// Small progressive enhancements; every page works without this file.
document.addEventListener("submit", function (e) {
  var msg = e.target && e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});

// Live lists (the supervision queue, the night patrol's dispatches): the server sends the
// list's HTML as a server-sent event whenever it changes. Without this file the page still
// works; it just needs a reload.
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
  if (list && window.EventSource) {
    var source = new EventSource(list.getAttribute("data-live"));
    var pending = null;
    var frozen = false;
    // Someone typing a note or choosing from a list, or a form on its way, is never pulled from
    // under the user's hands: the update waits (or, once a form is sent, the page that answers it
    // brings the news).
    var busy = function () {
      var a = document.activeElement;
      if (a && list.contains(a) && /^(TEXTAREA|INPUT|SELECT)$/.test(a.tagName)) { return true; }
      var typed = Array.prototype.some.call(list.querySelectorAll("textarea"), function (t) {
        return t.value.trim() !== "";
      });
      // A list shows its first option, or the one marked selected, until someone chooses.
      var chosen = Array.prototype.some.call(list.querySelectorAll("select"), function (s) {
        var first = Array.prototype.findIndex.call(s.options, function (o) { return o.defaultSelected; });
        return s.selectedIndex !== Math.max(first, 0);
      });
      return typed || chosen;
    };
    var apply = function (html) {
      if (frozen) { return; }
      if (busy()) { pending = html; return; }
      pending = null;
      list.innerHTML = html;
      tick();
    };
    list.addEventListener("submit", function () { frozen = true; source.close(); }, true);
    list.addEventListener("focusout", function () {
      setTimeout(function () { if (pending) { apply(pending); } }, 0);
    });
    source.onopen = function () { show(true); };
    source.onerror = function () { if (!frozen) { show(false); } };
    source.addEventListener("update", function (e) {
      apply(e.data);
      show(true);
    });
    source.addEventListener("refused", function (e) {
      source.close();
      show(false, e.data);
    });
  }

  // Running clocks: time since `data-since` (ms), marked once past `data-deadline` (ms).
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-clock]").forEach(function (c) {
      var s = Math.max(0, Math.floor((now - Number(c.getAttribute("data-since"))) / 1000));
      var m = Math.floor(s / 60);
      c.textContent = m + ":" + String(s % 60).padStart(2, "0");
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
