/* Keeps each walk page, its scripts and its turf, so a walk works with no signal.
   Network first (the turf is always as fresh as the connection allows), the cache
   when the network fails. Outcomes are not cached here: the page keeps them in
   IndexedDB until the server acknowledges them. */
var CACHE = "turfmap-walk-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;  // tiles come from elsewhere: not kept
  if (!url.pathname.startsWith("/walk/") && !url.pathname.startsWith("/static/")) return;
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request).then(function (hit) {
        return hit || new Response("Offline, and this page was not opened before", { status: 503 });
      });
    })
  );
});
