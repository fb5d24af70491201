/* The set-up sheet's placement knobs: every change asks the server at once whether the cut
 * stays on the face (POST .../placement/check, with the page's CSRF token through
 * workshop.post) and shows its answer and the new picture. Saving is the form's own POST. */
(function () {
  "use strict";
  var form = document.getElementById("placement-form");
  if (!form || !window.workshop) return;
  var verdict = document.getElementById("placement-verdict");
  var image = document.getElementById("piece3d-image");
  var save = document.getElementById("placement-save");
  var FIELDS = ["mode", "face", "scale", "rotation_deg", "offset_x", "offset_y"];
  var timer = null, asked = 0;

  function values() {
    var data = {};
    FIELDS.forEach(function (name) { data[name] = form.elements[name].value; });
    return data;
  }

  function show(ok, text) {
    verdict.textContent = text;
    verdict.className = ok ? "ok" : "notice";
    save.disabled = !ok;
  }

  function check() {
    var mine = ++asked;  // only the answer to the latest change is shown
    form.elements.scale.disabled = form.elements.mode.value === "fit";
    window.workshop.post(form.getAttribute("data-check-url"), values())
      .then(function (r) { return r.json(); })
      .then(function (json) {
        if (mine !== asked) return;
        if (json.error) { show(false, json.message); return; }
        show(json.ok, json.message);
        if (json.preview_url) image.src = json.preview_url;
      })
      .catch(function () { if (mine === asked) show(false, "The check did not answer; try again."); });
  }

  form.addEventListener("input", function () {
    if (timer) clearTimeout(timer);
    timer = setTimeout(check, 250);
  });
  form.addEventListener("change", check);
  form.elements.scale.disabled = form.elements.mode.value === "fit";
  form.addEventListener("submit", function () { form.elements.scale.disabled = false; });
})();
