/* Small helpers for every page: no build step, no framework.
 *
 *   workshop.post(url, data)        fetch POST with the page's CSRF token (JSON or FormData)
 *   workshop.watch(url, onUpdate)   live progress: polls url (JSON) until onUpdate returns false
 *   workshop.queue                  an offline queue for the artisan tablet: changes are kept
 *                                   in localStorage and sent again until the server has them;
 *                                   each carries a client id so the server can ignore a repeat
 */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";

  function post(url, data, opts) {
    opts = opts || {};
    var headers = { "X-CSRFToken": currentCsrf(), "Accept": "application/json" };
    var body = data;
    if (data && !(data instanceof FormData)) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(data);
    }
    return fetch(url, { method: opts.method || "POST", headers: headers, body: body,
                        credentials: "same-origin" });
  }

  /* Poll `url` every `intervalMs` (default 2 s); call onUpdate(json). Stop when it returns
   * false or stop() is called. Network errors back off up to 30 s and go on. */
  function watch(url, onUpdate, intervalMs) {
    var base = intervalMs || 2000, delay = base, stopped = false, timer = null;
    function tick() {
      if (stopped) return;
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
        .then(function (json) {
          delay = base;
          if (onUpdate(json) === false) { stopped = true; return; }
          timer = setTimeout(tick, delay);
        })
        .catch(function () { delay = Math.min(delay * 2, 30000); timer = setTimeout(tick, delay); });
    }
    tick();
    return { stop: function () { stopped = true; if (timer) clearTimeout(timer); } };
  }

  /* The offline queue. Each item: {id, url, data, tries}. `id` is made once on the tablet and
   * sent as the field `client_id` (and header Idempotency-Key): a change the server already
   * took is answered as done, so a retry after a lost answer is never applied twice.
   * An item leaves the queue only when the server has decided: 2xx done ("sent"), or a refusal
   * of the change itself (403 404 409 410 422: "refused", reported, not retried). Everything
   * else keeps it: no network, 5xx, a redirect or 401 (logged out meanwhile: "login"), a 400
   * (the CSRF token of an old session) or 408/429; it is tried again with the page's token. */
  var QUEUE_KEY = "workshop.outbox";
  var listeners = { change: [], refused: [], sent: [], login: [] };
  var REFUSED = { 403: 1, 404: 1, 409: 1, 410: 1, 422: 1 };

  function currentCsrf() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : csrf;
  }
  function load() {
    try { return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]"); } catch (e) { return []; }
  }
  function save(items) {
    localStorage.setItem(QUEUE_KEY, JSON.stringify(items));
    emit("change", items);
  }
  function emit(kind, arg) { listeners[kind].forEach(function (fn) { fn(arg); }); }
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  var flushing = false;
  function flush() {
    if (flushing) return Promise.resolve();
    var items = load();
    if (!items.length) return Promise.resolve();
    flushing = true;
    var item = items[0];
    var data = Object.assign({}, item.data, { client_id: item.id });
    return fetch(item.url, {
      method: "POST", credentials: "same-origin", redirect: "manual",
      headers: { "X-CSRFToken": currentCsrf(), "Accept": "application/json",
                 "Content-Type": "application/json", "Idempotency-Key": item.id },
      body: JSON.stringify(data)
    }).then(function (r) {
      // a redirect (to /login) or 401: the session ended; keep the change for after login
      if (r.type === "opaqueredirect" || r.status === 401) {
        emit("login", { item: item });
        throw new Error("logged out");
      }
      if (!r.ok && !REFUSED[r.status]) throw new Error("HTTP " + r.status);
      var rest = load().filter(function (i) { return i.id !== item.id; });
      save(rest);
      return r.json().catch(function () { return {}; }).then(function (json) {
        emit(r.ok ? "sent" : "refused", { item: item, status: r.status, body: json });
      });
    }).then(function () { flushing = false; return flush(); },
            function () {
              flushing = false;
              var all = load();
              all.forEach(function (i) { if (i.id === item.id) i.tries = (i.tries || 0) + 1; });
              save(all);
            });
  }

  var queue = {
    add: function (url, data) {
      var items = load();
      var item = { id: newId(), url: url, data: data || {}, tries: 0, at: new Date().toISOString() };
      items.push(item);
      save(items);
      flush();
      return item.id;
    },
    pending: load,
    flush: flush,
    on: function (kind, fn) { listeners[kind].push(fn); },
    clear: function () { save([]); }
  };
  window.addEventListener("online", flush);
  setInterval(function () { if (navigator.onLine !== false) flush(); }, 10000);

  /* a banner while changes wait to be sent */
  function banner(items) {
    var el = document.getElementById("offline-banner");
    if (!el) return;
    el.hidden = !items.length;
    var n = el.querySelector("[data-count]");
    if (n) n.textContent = String(items.length);
  }
  listeners.change.push(banner);
  document.addEventListener("DOMContentLoaded", function () { banner(load()); flush(); });

  window.workshop = { csrf: csrf, post: post, watch: watch, queue: queue };
})();
