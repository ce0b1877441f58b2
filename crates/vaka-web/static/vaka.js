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
