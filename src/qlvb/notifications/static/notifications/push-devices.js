/* The devices page: "Nhận thông báo trên thiết bị này" asks the browser's permission, subscribes with the
   server's VAPID key and sends the subscription to /api/v1/push/subscriptions. Uses the app's /sw.js
   when the page has one, else registers notifications/sw-push.js alone. */
"use strict";
(function () {
  const box = document.querySelector("[data-qlvb=push-devices]");
  if (!box) return;
  const button = box.querySelector("[data-qlvb=push-enable]");
  const status = box.querySelector("[data-qlvb=push-status]");
  const say = (text) => { status.textContent = text; };
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say("Trình duyệt này không hỗ trợ thông báo đẩy (trên iPhone: hãy thêm ứng dụng vào Màn hình chính trước).");
    return;
  }
  button.hidden = false;
  const csrf = () => {
    const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  };
  const keyBytes = (b64) => {
    const raw = atob((b64 + "===".slice((b64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  };
  async function registration() {
    const existing = await navigator.serviceWorker.getRegistration();
    if (existing) return existing;
    return navigator.serviceWorker.register(box.dataset.swUrl);
  }
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      if ((await Notification.requestPermission()) !== "granted") {
        say("Bạn chưa cho phép trình duyệt hiện thông báo.");
        return;
      }
      const reg = await registration();
      await navigator.serviceWorker.ready;
      const key = await (await fetch(box.dataset.keyUrl, { credentials: "same-origin" })).json();
      const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key.public_key) });
      const response = await fetch(box.dataset.subscribeUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify(sub.toJSON()),
      });
      if (response.ok) {
        say("Đã bật thông báo trên thiết bị này.");
        window.location.reload();
      } else {
        const body = await response.json().catch(() => ({}));
        say(body.detail || "Không đăng ký được thiết bị.");
      }
    } catch (e) {
      say("Không đăng ký được thiết bị: " + e.message);
    } finally {
      button.disabled = false;
    }
  });
})();
