/* Web Push in the service worker (docs/push.md). The app's /sw.js loads this with importScripts; it can
   also be registered alone. A push carries JSON {title, body, tag, url, urgency, kind, id, timestamp}
   (sent encrypted by the server, RFC 8291); a click opens (or focuses) the item's page. */
"use strict";

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (e) {
    data = { body: event.data ? event.data.text() : "" };
  }
  const title = data.title || "QLVB&ĐH";
  const url = new URL(data.url || "/van-ban-den/thong-bao/", self.location.origin);
  const options = {
    body: data.body || "Bạn có văn bản mới",
    tag: data.tag || undefined,
    renotify: Boolean(data.tag),
    requireInteraction: data.urgency === "high",
    timestamp: data.timestamp || Date.now(),
    data: { url: url.origin === self.location.origin ? url.href : self.location.origin + "/", id: data.id, kind: data.kind, urgency: data.urgency || "normal" },
  };
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = (event.notification.data && event.notification.data.url) || self.location.origin + "/";
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if (client.url === target && "focus" in client) return client.focus();
      }
      return self.clients.openWindow ? self.clients.openWindow(target) : undefined;
    }),
  );
});
