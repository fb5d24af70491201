/* The artisan's tablet: every change is queued on the tablet first, then sent.
 *
 * The queue lives in localStorage so a change survives a dropped connection, a reload and a
 * closed tab. Each change carries an id made here; the server remembers ids it applied, so a
 * change re-sent after a lost answer is applied once. Changes are sent one at a time, oldest
 * first, so the server sees them in the order they were made. Each change remembers who made
 * it and where it goes: on a shared tablet a change waits for its own artisan's login, and a
 * change made on one ticket is sent from any page of the tablet.
 */
(function () {
  "use strict";

  var root = document.getElementById("bench") || document.getElementById("bench-list");
  if (!root) { return; }

  var QUEUE_KEY = "workshop.bench.queue.v1";
  var RETRY_MS = 3000;
  var PHOTO_MAX_PX = 1600; // a bench photo only has to show the work; keeps the queue small
  var user = root.dataset.user;
  var bench = root.id === "bench" ? root : null;
  var jobId = bench ? Number(bench.dataset.jobId) : null;
  var text = JSON.parse(document.getElementById("bench-text").textContent);
  var view = bench ? {
    state: bench.dataset.state,
    pct: Number(bench.dataset.pct),
    paused: bench.dataset.paused === "true"
  } : null;
  // the state a change leads to, so the right buttons show while changes wait to be sent
  var NEXT_STATE = { assign: "scheduled", start: "carving", finish: "carved", submit_qc: "qc" };

  function newId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);  // works on plain http too, unlike randomUUID
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  // ---- the queue ------------------------------------------------------------------------------

  function load() {
    try { return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]"); } catch (e) { return []; }
  }

  function save(queue) { localStorage.setItem(QUEUE_KEY, JSON.stringify(queue)); }

  function update(id, changes) {
    save(load().map(function (a) { return a.id === id ? Object.assign(a, changes) : a; }));
  }

  function remove(id) { save(load().filter(function (a) { return a.id !== id; })); }

  function ours(change) { return change.user === user; }

  function onThisTicket(change) { return ours(change) && change.job_id === jobId; }

  function enqueue(change) {
    change.id = newId();
    change.user = user;
    change.job_id = jobId;
    change.actions_url = bench.dataset.actionsUrl;
    change.photos_url = bench.dataset.photosUrl;
    change.made_at = new Date().toISOString();
    var queue = load();
    queue.push(change);
    save(queue);  // kept before anything is sent: a crash from here on loses nothing
    predict(change);
    render();
    flush();
  }

  function predict(change) {
    if (NEXT_STATE[change.event]) { view.state = NEXT_STATE[change.event]; }
    if (change.event === "start" || change.event === "resume") { view.paused = false; }
    if (change.event === "pause") { view.paused = true; }
    if (change.event === "progress") { view.pct = change.pct; }
  }

  // ---- sending ------------------------------------------------------------------------------

  function Retry(message) { this.message = message; }

  function post(url, body, isJson) {
    var headers = { "X-CSRFToken": root.dataset.csrf, "Accept": "application/json" };
    if (isJson) { headers["Content-Type"] = "application/json"; }
    return fetch(url, { method: "POST", headers: headers, body: body, credentials: "same-origin" })
      .catch(function () { throw new Retry("network"); })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          // lost connection, a proxy's 502, a server restart, a race on the job, or a login
          // that expired (the change waits for the next login): try again later
          if (response.status >= 500 || response.status === 0 || response.redirected ||
              response.status === 401 || response.status === 400 ||
              (response.status === 409 && answer.error === "stale_version")) {
            throw new Retry(answer.message || String(response.status));
          }
          return { ok: response.ok, status: response.status, answer: answer };
        });
      });
  }

  function dataUrlToBlob(dataUrl) {
    var parts = dataUrl.split(",");
    var mime = parts[0].split(":")[1].split(";")[0];
    var binary = atob(parts[1]);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return new Blob([bytes], { type: mime });
  }

  function uploadPhoto(change) {
    if (!change.photo || change.photo_sha) { return Promise.resolve({ ok: true }); }
    var form = new FormData();
    form.append("file", dataUrlToBlob(change.photo), "bench.jpg");
    return post(change.photos_url, form, false).then(function (result) {
      if (result.ok) {
        // the photo is stored (content-addressed): keep only its hash in the queue
        update(change.id, { photo_sha: result.answer.sha256, photo: null });
        change.photo_sha = result.answer.sha256;
        change.photo = null;
      }
      return result;
    });
  }

  function sendOne(change) {
    return uploadPhoto(change).then(function (uploaded) {
      if (!uploaded.ok) { return uploaded; }  // the photo itself was refused
      var body = { id: change.id, event: change.event };
      if (change.pct !== undefined) { body.pct = change.pct; }
      if (change.note) { body.note = change.note; }
      if (change.photo_sha) { body.attachments = [change.photo_sha]; }
      return post(change.actions_url, JSON.stringify(body), true);
    });
  }

  var flushing = false;

  function flush() {
    if (flushing) { return Promise.resolve(); }
    flushing = true;
    function next() {
      var queue = load().filter(ours);
      if (!queue.length) { return refresh(); }
      var change = queue[0];
      return sendOne(change).then(function (result) {
        remove(change.id);
        if (!result.ok) {
          showRefusal(change, result.answer.message || String(result.status));
        } else if (bench && change.job_id === jobId && result.answer.job) {
          accept(result.answer.job);
          if (!result.answer.duplicate) { record(change); }
        }
        render();
        return next();
      });
    }
    return next().catch(function (err) {
      if (!(err instanceof Retry)) { throw err; }
      render();
    }).then(function () { flushing = false; }, function (err) { flushing = false; throw err; });
  }

  // once every change is in, the server's word on the ticket wins (another person may have
  // changed it meanwhile)
  function refresh() {
    if (!bench) { return Promise.resolve(); }
    return fetch(bench.dataset.stateUrl, { headers: { "Accept": "application/json" },
                                            credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) {
        if (state && !load().some(onThisTicket)) { accept(state); render(); }
      })
      .catch(function () { throw new Retry("network"); });
  }

  function accept(state) {
    view.state = state.state;
    view.pct = state.progress_pct;
    view.paused = state.paused;
  }

  // ---- drawing ------------------------------------------------------------------------------

  function eventName(change) { return text[change.event] || change.event; }

  function record(change) {
    var item = document.createElement("li");
    var when = document.createElement("time");
    try {  // in the workshop's time zone, like the rest of the timeline
      when.textContent = new Date(change.made_at).toLocaleString(root.dataset.lang, {
        timeZone: root.dataset.timezone, dateStyle: "short", timeStyle: "short" });
    } catch (e) {
      when.textContent = new Date(change.made_at).toLocaleString();
    }
    var what = document.createElement("strong");
    what.textContent = " " + eventName(change) +
      (change.pct !== undefined ? " " + change.pct + " %" : "") + " ";
    item.appendChild(when);
    item.appendChild(what);
    if (change.note) {
      var note = document.createElement("q");
      note.textContent = change.note;
      item.appendChild(note);
    }
    var timeline = document.getElementById("timeline");
    timeline.insertBefore(item, timeline.firstChild);
  }

  function showRefusal(change, message) {
    var item = document.createElement("li");
    item.textContent = text.refused + ": #" + change.job_id + " " + eventName(change) +
      " — " + message;
    document.getElementById("sync-errors").appendChild(item);
  }

  function shows(when) {
    return when.split(" ").some(function (w) {
      var parts = w.split(":");
      if (parts[0] !== view.state) { return false; }
      if (parts[1] === "paused") { return view.paused; }
      if (parts[1] === "running") { return !view.paused; }
      return true;
    });
  }

  function render() {
    var waiting = load().filter(bench ? onThisTicket : ours).length;
    var sync = document.getElementById("sync");
    sync.dataset.pending = String(waiting);
    sync.dataset.online = String(navigator.onLine);
    if (!navigator.onLine) {
      sync.textContent = text.offline + (waiting ? " " + text.pending + ": " + waiting : "");
    } else {
      sync.textContent = waiting ? text.pending + ": " + waiting : (bench ? text.sent : "");
    }
    if (!bench) { return; }
    bench.querySelectorAll("[data-when]").forEach(function (el) {
      el.hidden = !shows(el.dataset.when);
    });
    var badge = document.getElementById("state-badge");
    badge.dataset.state = view.state;
    badge.textContent = text.states[view.state] || view.state;
    document.getElementById("paused-badge").hidden = !(view.paused && view.state === "carving");
    document.getElementById("progress-bar").value = view.pct;
    document.getElementById("progress-text").textContent = view.pct + " %";
  }

  // ---- input --------------------------------------------------------------------------------

  function shrink(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onerror = function () { reject(new Error("read")); };
      reader.onload = function () {
        var img = new Image();
        img.onerror = function () { reject(new Error("decode")); };
        img.onload = function () {
          var k = Math.min(1, PHOTO_MAX_PX / Math.max(img.width, img.height));
          var canvas = document.createElement("canvas");
          canvas.width = Math.round(img.width * k);
          canvas.height = Math.round(img.height * k);
          canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
          resolve(canvas.toDataURL("image/jpeg", 0.85));
        };
        img.src = reader.result;
      };
      reader.readAsDataURL(file);
    });
  }

  function wireTicket() {
    bench.querySelectorAll("button[data-event]").forEach(function (button) {
      button.addEventListener("click", function () { enqueue({ event: button.dataset.event }); });
    });
    var pct = document.getElementById("pct");
    var photo = document.getElementById("photo");
    var note = document.getElementById("note");
    var photoName = document.getElementById("photo-name");
    pct.addEventListener("input", function () {
      document.getElementById("pct-value").textContent = pct.value + " %";
    });
    photo.addEventListener("change", function () {
      photoName.textContent = photo.files.length ? photo.files[0].name : "";
    });
    document.getElementById("progress-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var change = { event: "progress", pct: Number(pct.value) };
      if (note.value.trim()) { change.note = note.value.trim(); }
      var file = photo.files.length ? photo.files[0] : null;
      var done = function () { note.value = ""; photo.value = ""; photoName.textContent = ""; };
      if (!file) { enqueue(change); done(); return; }
      shrink(file).then(function (dataUrl) {
        change.photo = dataUrl;
        enqueue(change);
        done();
      }, function () { photoName.textContent = text.photo_failed; });
    });
  }

  if (bench) { wireTicket(); }
  window.addEventListener("online", function () { render(); flush(); });
  window.addEventListener("offline", render);
  // waiting changes are retried; with none waiting, the ticket is read again now and then so a
  // supervisor's change (a hold, QC) shows without a reload
  var ticks = 0;
  window.setInterval(function () {
    ticks += 1;
    if (load().some(ours) || (bench && ticks % 5 === 0 && navigator.onLine)) { flush(); }
  }, RETRY_MS);
  render();
  root.dataset.ready = "true";  // buttons answer from here on
  flush();
})();
