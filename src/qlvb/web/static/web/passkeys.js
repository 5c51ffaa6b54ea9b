/* Passkeys (WebAuthn) for the sign-in page and the "Khóa đăng nhập" page: asks the server for the
   ceremony's options, lets the browser ask for the fingerprint / face / screen lock, and sends the
   answer back (directory/passkeys.py checks it). No inline script: the CSP forbids it. */
(function () {
  "use strict";
  function toBuffer(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    b64 += "===".slice(0, (4 - (b64.length % 4)) % 4);
    var raw = atob(b64), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes.buffer;
  }
  function toText(buffer) {
    if (!buffer) return null;
    var bytes = new Uint8Array(buffer), raw = "";
    for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"X-CSRFToken": csrf(), "Content-Type": "application/json", "Accept": "application/json"},
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data.message || "Lỗi " + response.status);
        return data;
      }, function () { throw new Error("Lỗi " + response.status); });
    });
  }
  function say(box, text) {
    if (!box) return;
    box.textContent = text;
    box.hidden = !text;
  }
  function failure(error) {
    if (error && (error.name === "NotAllowedError" || error.name === "AbortError")) {
      return "Đã hủy hoặc hết thời gian chờ xác minh trên thiết bị. Hãy thử lại.";
    }
    if (error && error.name === "InvalidStateError") return "Thiết bị này đã có khóa đăng nhập của bạn.";
    return (error && error.message) || "Không dùng được khóa đăng nhập.";
  }
  function publicKeyOf(credential) {
    var r = credential.response, json = {
      id: credential.id, rawId: toText(credential.rawId), type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      response: {clientDataJSON: toText(r.clientDataJSON)}
    };
    if (r.attestationObject) {
      json.response.attestationObject = toText(r.attestationObject);
      json.response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      json.response.authenticatorData = toText(r.authenticatorData);
      json.response.signature = toText(r.signature);
      json.response.userHandle = toText(r.userHandle);
    }
    return JSON.stringify(json);
  }
  function requestOptions(options) {
    options.challenge = toBuffer(options.challenge);
    (options.allowCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
    return options;
  }
  function creationOptions(options) {
    options.challenge = toBuffer(options.challenge);
    options.user.id = toBuffer(options.user.id);
    (options.excludeCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
    return options;
  }
  var supported = !!(window.PublicKeyCredential && navigator.credentials);

  /* Sign-in page */
  var signIn = document.querySelector("[data-qlvb=passkey-sign-in]");
  if (signIn) {
    var box = document.querySelector("[data-qlvb=passkey-message]");
    // The conditional request (the suggestion in the name field): its options, then the browser's question.
    // The button cancels it and waits for its options to arrive first: one ceremony at a time, so the
    // server never gets two requests for options of the same page at once.
    var pending = null;
    var finish = function (credential) {
      return post(signIn.dataset.url, {credential: publicKeyOf(credential), next: signIn.dataset.next || ""})
        .then(function (data) { window.location.assign(data.redirect); });
    };
    var ask = function (mediation, state) {
      var fetching = post(signIn.dataset.optionsUrl);
      if (state) state.fetching = fetching.catch(function () { return null; });
      return fetching.then(function (options) {
        if (state && state.cancelled) return null;
        var request = {publicKey: requestOptions(options)};
        if (state) {
          state.controller = new AbortController();
          request.mediation = mediation;
          request.signal = state.controller.signal;
        }
        return navigator.credentials.get(request);
      }).then(function (credential) { if (credential) return finish(credential); });
    };
    if (!supported) {
      signIn.disabled = true;
      say(box, "Trình duyệt này không hỗ trợ khóa đăng nhập: hãy dùng mật khẩu.");
    } else {
      signIn.addEventListener("click", function () {
        var before = Promise.resolve();
        if (pending) {
          pending.cancelled = true;
          if (pending.controller) pending.controller.abort();
          before = pending.fetching;
          pending = null;
        }
        say(box, "");
        signIn.disabled = true;
        before.then(function () { return ask(null, null); })
          .catch(function (error) { say(box, failure(error)); })
          .then(function () { signIn.disabled = false; });
      });
      if (PublicKeyCredential.isConditionalMediationAvailable) {
        PublicKeyCredential.isConditionalMediationAvailable().then(function (available) {
          if (available && signIn.dataset.conditional === "1") {
            pending = {cancelled: false, controller: null, fetching: Promise.resolve()};
            ask("conditional", pending).catch(function (error) {
              if (error && error.name !== "AbortError") say(box, failure(error));
            });
          }
        });
      }
    }
  }

  /* "Khóa đăng nhập" page */
  var add = document.querySelector("[data-qlvb=passkey-add]");
  if (add) {
    var addBox = document.querySelector("[data-qlvb=passkey-message]");
    var name = document.querySelector("[data-qlvb=passkey-name]");
    if (!supported) {
      add.disabled = true;
      say(addBox, "Trình duyệt này không hỗ trợ khóa đăng nhập.");
    }
    add.addEventListener("click", function () {
      say(addBox, "");
      add.disabled = true;
      post(add.dataset.optionsUrl).then(function (options) {
        return navigator.credentials.create({publicKey: creationOptions(options)});
      }).then(function (credential) {
        return post(add.dataset.url, {credential: publicKeyOf(credential), name: name ? name.value : ""});
      }).then(function (data) { window.location.assign(data.redirect); })
        .catch(function (error) { say(addBox, failure(error)); add.disabled = false; });
    });
  }
})();
