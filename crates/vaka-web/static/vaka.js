// Small progressive enhancements; every page works without this file.
document.addEventListener("submit", function (e) {
  var msg = e.target && e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});
