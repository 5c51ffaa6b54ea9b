// "Ký bằng USB token": the page's half of the local signing protocol (docs/signing.md).
// 1. GET  {plugin}/qlvb/v1/certificates          the token's certificate (and chain)
// 2. POST {server}/api/v1/signing/plugin/start   PDF + certificate -> session, hash to sign
// 3. POST {plugin}/qlvb/v1/sign                  hash -> signature (the plug-in asks for the PIN)
// 4. POST {server}/api/v1/signing/plugin/<session>/finish -> verification report URL
// The outgoing document's "Ký" step (/van-ban-di/<id>/ky-usb/) uses the same script with its own start/finish
// URLs and no file input: the server signs the approved version's PDF.
(function () {
  "use strict";
  var root = document.getElementById("plugin-signing");
  if (!root) { return; }
  var pluginUrl = root.dataset.pluginUrl;
  var status = root.querySelector("[data-qlvb=plugin-status]");
  var error = root.querySelector("[data-qlvb=plugin-error]");
  var form = root.querySelector("[data-qlvb=plugin-form]");
  var button = root.querySelector("[data-qlvb=plugin-sign]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var certificate = null;

  function say(text) { status.textContent = text; }
  function fail(text) { error.textContent = text; error.classList.remove("d-none"); button.disabled = false; }

  function json(response, what) {
    return response.json().catch(function () { return {}; }).then(function (body) {
      if (!response.ok) { throw new Error(body.detail || body.message || what); }
      return body;
    });
  }

  function plugin(path, options) {
    return fetch(pluginUrl + "/qlvb/v1" + path, options).catch(function () {
      throw new Error("Không kết nối được phần mềm ký số trên máy này (" + pluginUrl + "). Hãy mở phần mềm ký số, " +
        "cắm USB token rồi thử lại; nếu chưa cài, liên hệ quản trị hệ thống.");
    });
  }

  plugin("/certificates").then(function (r) { return json(r, "Phần mềm ký số không trả về chứng thư."); })
    .then(function (body) {
      certificate = (body.certificates || [])[0] || null;
      if (!certificate) { throw new Error("Không thấy chứng thư số nào trên USB token: hãy cắm USB token rồi tải lại trang."); }
      say("Đã kết nối phần mềm ký số: " + (certificate.label || certificate.id) + ".");
    })
    .catch(function (e) { say(e.message); });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    error.classList.add("d-none");
    var input = form.querySelector("input[type=file]");  // none on an outgoing document's step: its PDF is known
    var file = input ? input.files[0] : null;
    if (input && !file) { fail("Hãy chọn tệp PDF cần ký."); return; }
    if (!certificate) { fail("Chưa kết nối được phần mềm ký số hoặc chưa cắm USB token."); return; }
    button.disabled = true;
    say("Đang chuẩn bị chữ ký…");
    var data = new FormData();
    if (file) { data.append("file", file); }
    data.append("certificate", certificate.certificate);
    data.append("chain", (certificate.chain || []).join(","));
    var session;
    fetch(root.dataset.startUrl, {method: "POST", body: data, headers: {"X-CSRFToken": csrf}, credentials: "same-origin"})
      .then(function (r) { return json(r, "Máy chủ không chuẩn bị được chữ ký."); })
      .then(function (started) {
        session = started.session;
        say("Hãy nhập mã PIN vào cửa sổ của phần mềm ký số…");
        return plugin("/sign", {method: "POST", headers: {"Content-Type": "application/json"},
          body: JSON.stringify({certificateId: certificate.id, hashAlgorithm: started.hash_algorithm,
                                signatureAlgorithm: started.signature_algorithm, hash: started.hash})});
      })
      .then(function (r) { return json(r, "Phần mềm ký số không ký được."); })
      .then(function (signed) {
        say("Đang gắn chữ ký vào văn bản và kiểm tra…");
        return fetch(root.dataset.finishUrl.replace("SESSION", session), {method: "POST", credentials: "same-origin",
          headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
          body: JSON.stringify({signature: signed.signature})});
      })
      .then(function (r) { return json(r, "Máy chủ không hoàn tất được chữ ký."); })
      .then(function (done) { say("Đã ký: " + done.verdict_label + "."); window.location.assign(done.report_url); })
      .catch(function (e) { say(""); fail(e.message); });
  });
}());
