// Live status of a job's program generation: polls the status URL of every element with
// data-live="1" and writes the answer into its .status-line, without reloading the page.
// When the program is ready (or failed) the page reloads once to show the new files.
(function () {
  "use strict";
  function describe(s) {
    if (s.state === "toolpath_pending") {
      var step = s.progress ? " — " + s.progress : "";
      var tries = s.attempts ? " (" + s.attempts_label + ")" : "";
      return s.status_label + step + tries;
    }
    return s.status_label;
  }
  function poll(el) {
    var url = el.getAttribute("data-status-url");
    var line = el.querySelector(".status-line");
    var startState = null;
    function onUpdate(s) {
      if (startState === null) { startState = s.state; }
      line.textContent = describe(s);
      el.setAttribute("data-state", s.state);
      if (s.state !== "toolpath_pending") {
        if (startState === "toolpath_pending") { window.location.reload(); }
        return false;  // finished: stop watching
      }
      return true;
    }
    if (window.workshop && window.workshop.watch) {  // the shared helper of static/app.js
      window.workshop.watch(url, onUpdate);
      return;
    }
    function tick() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (s) { if (onUpdate(s)) { setTimeout(tick, 2000); } })
        .catch(function () { setTimeout(tick, 5000); });
    }
    tick();
  }
  document.querySelectorAll("[data-live='1'][data-status-url]").forEach(poll);
})();
