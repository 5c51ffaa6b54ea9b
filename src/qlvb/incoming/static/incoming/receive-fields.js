// "Điền từ nội dung tệp" on the receive form (issue 12). When the clerk chooses the main file, it is taken in
// at once (POST /api/v1/files, the one intake) and the form carries it as a kept file; the page then asks
// GET /api/v1/files/{id}/fields until the text is read (a scan goes through OCR in the background) and offers
// the button. The button fills only what the clerk has not typed: a field he changed keeps his value and
// shows what the file says under it. Every filled field is marked (yellow) until the clerk edits it.
// The "Nơi nhận" lines read from the file are listed under the form, read-only: nothing of them is saved.
// Without JavaScript the form works as before (the file is uploaded with the form).
(function () {
  "use strict";
  var form = document.querySelector("form[data-qlvb=receive-form]");
  var box = document.querySelector("[data-qlvb=file-fields]");
  if (!form || !box || !window.fetch || !window.FormData) return;
  var input = form.elements.main_file;
  var kept = form.elements.kept_files;
  var status = box.querySelector("[data-qlvb=file-fields-status]");
  var button = box.querySelector("[data-qlvb=fill-from-file]");
  var api = box.getAttribute("data-api");
  var token = form.elements.csrfmiddlewaretoken.value;
  var msg = function (key) { return box.getAttribute("data-msg-" + key) || ""; };
  var recipients = document.querySelector("[data-qlvb=file-recipients]");
  var touched = {};
  var found = null;
  var polling = 0;
  var FIELDS = ["doc_type", "code_number", "code_notation", "issued_date", "organ_name", "subject",
    "signer_position", "signer_name", "urgency"];
  var EMPTY = { doc_type: "", urgency: "0" };  // a select's value the clerk has not chosen

  function say(text, kind) {
    box.classList.remove("d-none");
    status.textContent = text;
    box.firstElementChild.className = "alert py-2 mb-0 d-flex flex-wrap gap-2 align-items-center alert-" + (kind || "info");
  }
  function keptMain() {
    var m = /(?:^|,)main:(\d+)/.exec(kept.value || "");
    return m ? m[1] : null;
  }
  function setKeptMain(id) {
    var others = (kept.value || "").split(",").filter(function (p) { return p && p.indexOf("main:") !== 0; });
    kept.value = others.concat(["main:" + id]).join(",");
  }
  function value(name, fields) {
    if (name === "doc_type") return fields.doc_type_id ? String(fields.doc_type_id) : "";
    if (name === "issued_date") {
      var d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(fields.issued_date || "");
      return d ? d[3] + "/" + d[2] + "/" + d[1] : "";
    }
    if (name === "urgency") return fields.urgency === null || fields.urgency === undefined ? "" : String(fields.urgency);
    return fields[name] || "";
  }
  function unmark(el) {
    el.classList.remove("border-warning", "bg-warning-subtle");
    el.removeAttribute("data-qlvb-suggested");
    var note = el.parentNode.querySelector("[data-qlvb=suggested-note]");
    if (note) note.remove();
  }
  function note(el, text) {
    var old = el.parentNode.querySelector("[data-qlvb=suggested-note]");
    if (old) old.remove();
    var div = document.createElement("div");
    div.className = "form-text text-warning-emphasis";
    div.setAttribute("data-qlvb", "suggested-note");
    div.textContent = text;
    el.insertAdjacentElement("afterend", div);
  }
  function fill() {
    var filled = 0;
    var kept_values = 0;
    FIELDS.forEach(function (name) {
      var el = form.elements[name];
      var suggestion = found ? value(name, found) : "";
      if (!el || !suggestion) return;
      var current = el.value;
      var untouched = !touched[name] || current === "" || current === EMPTY[name];
      if (current === suggestion) return;
      if (!untouched) {  // the clerk typed something else: his value stays, the file's is shown
        var label = el.tagName === "SELECT" ? (el.querySelector('option[value="' + suggestion + '"]') || {}).text : suggestion;
        note(el, msg("in-file") + " " + (label || suggestion));
        kept_values += 1;
        return;
      }
      el.value = suggestion;
      if (el.value !== suggestion) return;  // not one of a select's options
      el.classList.add("border-warning", "bg-warning-subtle");
      el.setAttribute("data-qlvb-suggested", "1");
      note(el, msg("check"));
      filled += 1;
    });
    say(msg("filled").replace("%(n)s", filled) + (kept_values ? " " + msg("kept").replace("%(n)s", kept_values) : ""), "warning");
  }
  function showRecipients(lines) {  // read-only: no input, nothing of it is sent with the form
    if (!recipients) return;
    var list = recipients.querySelector("[data-qlvb=file-recipients-list]");
    list.textContent = "";
    (lines || []).forEach(function (line) {
      var li = document.createElement("li");
      li.textContent = line;
      list.appendChild(li);
    });
    recipients.classList.toggle("d-none", !list.children.length);
  }
  function poll(id, tries) {
    window.clearTimeout(polling);
    fetch(api + "/" + id + "/fields", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r); })
      .then(function (data) {
        if (data.state === "pending") {
          if (tries > 0) polling = window.setTimeout(function () { poll(id, tries - 1); }, 2000);
          else say(msg("slow"));
          return;
        }
        if (data.state === "failed") { say(msg("failed") + " " + data.reason, "secondary"); return; }
        found = data.fields || {};
        showRecipients(found.recipients);
        var any = FIELDS.some(function (n) { return value(n, found) !== ""; });
        say(any ? msg("ready") : msg("nothing"), any ? "info" : "secondary");
        button.classList.toggle("d-none", !any);
      })
      .catch(function () { say(msg("failed")); });
  }
  function upload() {
    if (!input.files || !input.files.length) return;
    var file = input.files[0];
    var body = new FormData();
    body.append("file", file);
    found = null;
    showRecipients([]);
    button.classList.add("d-none");
    say(msg("uploading").replace("%(name)s", file.name));
    fetch(api, { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": token, Accept: "application/json" } })
      .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
      .then(function (res) {
        if (!res.ok) { say(res.data.detail || msg("failed"), "danger"); return; }
        setKeptMain(res.data.id);
        var shown = box.querySelector("[data-qlvb=file-fields-name]");
        shown.textContent = msg("file") + " " + res.data.name;
        shown.classList.remove("d-none");
        input.value = "";  // taken in: the form carries it as a kept file, it is not sent twice
        say(msg("reading").replace("%(name)s", res.data.name));
        poll(res.data.id, 150);
      })
      .catch(function () { say(msg("failed"), "danger"); });
  }
  form.addEventListener("input", function (e) { touched[e.target.name] = true; if (e.target.hasAttribute("data-qlvb-suggested")) unmark(e.target); });
  form.addEventListener("change", function (e) {
    if (e.target === input) { upload(); return; }
    touched[e.target.name] = true;
    if (e.target.hasAttribute("data-qlvb-suggested")) unmark(e.target);
  });
  button.addEventListener("click", fill);
  if (keptMain()) poll(keptMain(), 150);  // the form shown again after a warning: offer it again
})();
