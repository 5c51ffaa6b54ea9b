/* QLVB&ĐH as an installed app (docs/mobile.md): registers the service worker, offers its updates
 * ("Cập nhật"), says when the device is offline and refuses forms and actions then (nothing is queued),
 * clears this person's offline copies on sign-out, fills the bottom navigation's badges, pull to
 * refresh, the install button (Android) and the "Thêm vào Màn hình chính" guidance (iOS Safari), the phone's
 * action bar (a button that needs a reason asks for it first; "Ký số" goes to the PIN), and "Nói để nhập"
 * (voice typing into comment and direction boxes, where the browser has the Web Speech API).
 * Loaded with <script defer> (the Content-Security-Policy allows no inline script). */
(function () {
  "use strict";
  var PERSON_PREFIX = "qlvb-person-";
  var INDEX = "/__qlvb/offline-index";

  function $(selector, root) {
    return (root || document).querySelector(selector);
  }
  function $all(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  }
  function show(el, on) {
    if (el) el.hidden = !on;
  }

  // --- service worker and its updates -------------------------------------------------------------
  var reloading = false;
  function offerUpdate(worker) {
    var bar = $("[data-qlvb=app-update]");
    if (!bar || !worker) return;
    show(bar, true);
    $("[data-qlvb=app-update-button]", bar).addEventListener("click", function () {
      reloading = true;
      worker.postMessage({ type: "skip-waiting" });
    });
  }

  function registerWorker() {
    var meta = $("meta[name=qlvb-worker]");
    if (!meta || !("serviceWorker" in navigator)) return;
    navigator.serviceWorker.addEventListener("controllerchange", function () {
      if (reloading) window.location.reload();
    });
    // An update is offered only to a page an older worker already controlled when it opened (the very
    // first worker activates by itself, and may take control of this page while it loads).
    var controlled = !!navigator.serviceWorker.controller;
    navigator.serviceWorker
      .register(meta.content, { scope: "/", updateViaCache: "none" })
      .then(function (registration) {
        if (controlled && registration.waiting) offerUpdate(registration.waiting);
        registration.addEventListener("updatefound", function () {
          var worker = registration.installing;
          if (!worker || !controlled) return;
          worker.addEventListener("statechange", function () {
            if (worker.state === "installed" && registration.active && registration.active !== worker) offerUpdate(worker);
          });
        });
      })
      .catch(function () {
        /* no worker (private mode, old browser): the site works as a plain web site */
      });
  }

  // --- offline: say so, refuse actions ------------------------------------------------------------
  function isOffline() {
    return !navigator.onLine || document.documentElement.hasAttribute("data-qlvb-offline-copy");
  }

  function onlineState() {
    var offline = isOffline();
    document.documentElement.classList.toggle("qlvb-offline", offline);
    show($("[data-qlvb=offline-banner]"), offline);
    if (!offline) show($("[data-qlvb=need-connection]"), false);
  }

  function needConnection() {
    var note = $("[data-qlvb=need-connection]");
    show(note, true);
    if (note) note.scrollIntoView({ block: "nearest" });
  }

  function forgetThisPerson() {
    var work = [];
    if (window.caches) {
      work.push(
        caches.keys().then(function (keys) {
          return Promise.all(
            keys.filter(function (k) { return k.indexOf(PERSON_PREFIX) === 0; }).map(function (k) { return caches.delete(k); })
          );
        })
      );
    }
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "clear" });
    }
    return Promise.all(work);
  }

  function guardForms() {
    document.addEventListener(
      "submit",
      function (event) {
        var form = event.target;
        if (form.getAttribute("data-qlvb") === "sign-out") {
          // This person's offline copies go first, whatever the network says; then the server signs out.
          if (form.dataset.cleared) return;
          event.preventDefault();
          var go = function () {
            form.dataset.cleared = "1";
            if (!isOffline()) form.submit();
            else needConnection();
          };
          Promise.race([forgetThisPerson(), new Promise(function (r) { setTimeout(r, 1500); })]).then(go, go);
          return;
        }
        if (isOffline()) {
          event.preventDefault();
          event.stopPropagation();
          needConnection();
        }
      },
      true
    );
    document.addEventListener("htmx:beforeRequest", function (event) {
      if (!isOffline()) return;
      event.preventDefault();
      var verb = ((event.detail && event.detail.requestConfig && event.detail.requestConfig.verb) || "get").toLowerCase();
      if (verb !== "get") needConnection();
    });
    document.addEventListener("htmx:sendError", needConnection);
  }

  // --- the bottom navigation's badges -------------------------------------------------------------
  function badges() {
    var nav = $("[data-qlvb=bottom-nav]");
    if (!nav || isOffline() || !window.fetch) return;
    if (window.matchMedia && !window.matchMedia("(max-width: 767.98px)").matches) return;
    fetch(nav.dataset.counts, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok && (r.headers.get("Content-Type") || "").indexOf("json") >= 0 ? r.json() : null; })
      .then(function (counts) {
        if (!counts) return;
        $all("[data-qlvb-badge]", nav).forEach(function (badge) {
          var n = counts[badge.dataset.qlvbBadge] || 0;
          $("[data-qlvb-count]", badge).textContent = n > 99 ? "99+" : String(n);
          show(badge, n > 0);
        });
      })
      .catch(function () {});
  }

  // --- pull to refresh (touch screens; the browser's own is off in the app, see qlvb.css) ----------
  function pullToRefresh() {
    var hint = $("[data-qlvb=pull-to-refresh]");
    if (!hint || !("ontouchstart" in window)) return;
    var startY = null;
    var pulled = 0;
    window.addEventListener("touchstart", function (e) {
      startY = window.scrollY <= 0 && e.touches.length === 1 ? e.touches[0].clientY : null;
      pulled = 0;
    }, { passive: true });
    window.addEventListener("touchmove", function (e) {
      if (startY === null) return;
      pulled = e.touches[0].clientY - startY;
      show(hint, pulled > 30);
      hint.classList.toggle("qlvb-pull-ready", pulled > 80);
    }, { passive: true });
    window.addEventListener("touchend", function () {
      if (startY !== null && pulled > 80) {
        if (navigator.onLine) window.location.reload();  // the kept copy too: the network is tried first
        else needConnection();
      }
      startY = null;
      show(hint, false);
    }, { passive: true });
  }

  // --- install: Android's prompt, iOS Safari's guidance --------------------------------------------
  function install() {
    var deferred = null;
    var standalone =
      (window.matchMedia && window.matchMedia("(display-mode: standalone)").matches) || window.navigator.standalone === true;
    window.addEventListener("beforeinstallprompt", function (event) {
      event.preventDefault();
      deferred = event;
      $all("[data-qlvb=install]").forEach(function (box) {
        show(box, true);
        show($("[data-qlvb=install-android]", box), true);
      });
    });
    window.addEventListener("appinstalled", function () {
      deferred = null;
      $all("[data-qlvb=install]").forEach(function (box) { show(box, false); });
    });
    $all("[data-qlvb=install-button]").forEach(function (button) {
      button.addEventListener("click", function () {
        if (!deferred) return;
        deferred.prompt();
        deferred.userChoice.then(function () {
          deferred = null;
          $all("[data-qlvb=install]").forEach(function (box) { show(box, false); });
        });
      });
    });
    var ua = window.navigator.userAgent;
    var ios = /iphone|ipad|ipod/i.test(ua) || (/macintosh/i.test(ua) && navigator.maxTouchPoints > 1);
    var safari = /safari/i.test(ua) && !/crios|fxios|edgios/i.test(ua);
    if (ios && safari && !standalone) {
      $all("[data-qlvb=install]").forEach(function (box) {
        show(box, true);
        show($("[data-qlvb=install-ios]", box), true);
      });
    }
  }

  // --- what can be read offline (the "Thêm" page, the offline page) ---------------------------------
  function offlineList() {
    var list = $("[data-qlvb=offline-list]");
    if (!list || !window.caches) return;
    caches.keys().then(function (keys) {
      var name = keys.filter(function (k) { return k.indexOf(PERSON_PREFIX) === 0; })[0];
      if (!name) return null;
      return caches.open(name).then(function (cache) { return cache.match(INDEX); });
    }).then(function (hit) {
      return hit ? hit.json() : null;
    }).then(function (index) {
      if (!index) return;
      var rows = [];
      var labels = { "/lich-cong-tac/": list.dataset.labelCalendar, "/lich-cong-tac/cua-toi/": list.dataset.labelMyCalendar };
      Object.keys(index.calendar || {}).forEach(function (url) {
        if (labels[url]) rows.push({ url: url, title: labels[url] });
      });
      (index.items || []).forEach(function (item) { rows.push(item); });
      if (!rows.length) return;
      list.textContent = "";
      rows.forEach(function (row) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = row.url;
        a.textContent = row.title;
        li.appendChild(a);
        list.appendChild(li);
      });
    }).catch(function () {});
  }

  // --- "Đọc": a stored file read inline (pdf.js, /ung-dung/doc-pdf/), next to each file link of an item --
  var ITEM = /^\/(van-ban-den|van-ban-di|cong-viec)\/\d+\/$/;
  var FILE = /^\/(?:(?:van-ban-den|van-ban-di)\/\d+\/)?tep\/\d+\/$/;
  function readButtons() {
    var banners = $("[data-qlvb=app-banners]");
    if (!banners || !ITEM.test(window.location.pathname)) return;
    $all("main a[href]").forEach(function (link) {
      var path = link.getAttribute("href");
      if (!FILE.test(path) || link.dataset.qlvbRead) return;
      link.dataset.qlvbRead = "1";
      var read = document.createElement("a");
      read.className = "btn btn-sm btn-outline-primary ms-1 py-0";
      read.href = banners.dataset.viewer + "?tep=" + encodeURIComponent(path);
      read.dataset.qlvb = "read-inline";
      // "Đọc" right after the file's own link: its purpose is clear in context (WCAG 2.4.4), and the
      // file's name stays the name of one link only
      read.textContent = banners.dataset.readLabel;
      link.insertAdjacentElement("afterend", read);
    });
  }

  // --- the phone's action bar: a button that needs a reason, a link that goes to a field -------------
  function actionBar() {
    $all("[data-qlvb=action-bar] [data-qlvb-requires]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        var field = document.getElementById(button.getAttribute("data-qlvb-requires"));
        if (!field || field.value.trim()) return;
        event.preventDefault(); // nothing sent: say what is missing, at the field
        field.setCustomValidity(button.getAttribute("data-qlvb-requires-message") || "");
        field.scrollIntoView({ block: "center" });
        field.focus();
        field.reportValidity();
        field.addEventListener("input", function () { field.setCustomValidity(""); }, { once: true });
      });
    });
    $all("[data-qlvb=action-bar] [data-qlvb-focus]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var field = document.getElementById(link.getAttribute("data-qlvb-focus"));
        if (!field) return;
        event.preventDefault();
        field.scrollIntoView({ block: "center" });
        field.focus();
      });
    });
  }

  // --- "Nói để nhập": voice typing (Web Speech API, vi-VN), only where the browser has it ----------------
  function voiceButtons() {
    var Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
    var banners = $("[data-qlvb=app-banners]");
    if (typeof Recognition !== "function" || !banners) return; // no API: no button (typing still works)
    $all("textarea[data-qlvb-voice]").forEach(function (area) {
      if (area.dataset.qlvbVoiceReady) return;
      area.dataset.qlvbVoiceReady = "1";
      var label = banners.dataset.voiceLabel;
      var wrap = document.createElement("div");
      wrap.className = "d-flex flex-wrap align-items-center gap-2 mt-1 mb-2";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-sm btn-outline-secondary";
      button.dataset.qlvb = "voice";
      button.setAttribute("aria-pressed", "false");
      if (area.id) button.setAttribute("aria-controls", area.id);
      button.textContent = label;
      var status = document.createElement("span");
      status.className = "small text-body-secondary qlvb-voice-status";
      status.setAttribute("role", "status");
      wrap.appendChild(button);
      wrap.appendChild(status);
      area.insertAdjacentElement("afterend", wrap);
      var listening = null;
      function idle() {
        listening = null;
        button.setAttribute("aria-pressed", "false");
        button.textContent = label;
      }
      button.addEventListener("click", function () {
        if (listening) { listening.stop(); return; }
        var recognition = new Recognition();
        recognition.lang = "vi-VN";
        recognition.interimResults = false;
        recognition.maxAlternatives = 1;
        recognition.onresult = function (event) {
          var said = "";
          for (var i = event.resultIndex || 0; i < event.results.length; i++) {
            if (event.results[i].isFinal !== false) said += event.results[i][0].transcript;
          }
          said = said.normalize("NFC").trim();
          if (!said) return;
          var before = area.value.normalize("NFC");
          area.value = before + (before && !/\s$/.test(before) ? " " : "") + said; // appended, never replacing
          area.dispatchEvent(new Event("input", { bubbles: true }));
          status.textContent = "";
        };
        recognition.onerror = function () { status.textContent = banners.dataset.voiceError; };
        recognition.onend = idle;
        listening = recognition;
        button.setAttribute("aria-pressed", "true");
        button.textContent = banners.dataset.voiceListening;
        try {
          recognition.start();
        } catch (e) {
          status.textContent = banners.dataset.voiceError;
          idle();
        }
      });
    });
  }

  function start() {
    registerWorker();
    onlineState();
    window.addEventListener("online", function () { onlineState(); badges(); });
    window.addEventListener("offline", onlineState);
    guardForms();
    badges();
    pullToRefresh();
    install();
    offlineList();
    readButtons();
    actionBar();
    voiceButtons();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
