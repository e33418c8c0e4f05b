/* The walk page: the turf's doors in walking order; tap one, record what happened,
   go on to the next. Outcomes wait in IndexedDB (with an id made here, so a retry
   never counts twice) until the server has them; the service worker keeps the page
   and the turf for when there is no signal. */
(function () {
  "use strict";
  var root = document.querySelector("main.walk");
  var token = root.dataset.token;
  var status = document.getElementById("sync");
  var list = document.getElementById("doors");
  var panel = document.getElementById("door");
  var turf = null, current = null, markers = {}, map = null;
  var recorded = {};  // door id -> outcome, as far as this phone knows

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // IndexedDB: one store of outcomes not yet acknowledged, per walk link.
  var dbPromise = new Promise(function (resolve, reject) {
    var open = indexedDB.open("turfmap-walk", 1);
    open.onupgradeneeded = function () { open.result.createObjectStore("pending", { keyPath: "id" }); };
    open.onsuccess = function () { resolve(open.result); };
    open.onerror = function () { reject(open.error); };
  });
  function store(mode) {
    return dbPromise.then(function (db) { return db.transaction("pending", mode).objectStore("pending"); });
  }
  function pending() {
    return store("readonly").then(function (s) {
      return new Promise(function (resolve) {
        var req = s.getAll();
        req.onsuccess = function () {
          resolve(req.result.filter(function (o) { return o.token === token; }));
        };
      });
    });
  }
  function keep(outcome) {
    return store("readwrite").then(function (s) {
      return new Promise(function (resolve, reject) {
        var req = s.put(outcome);
        req.onsuccess = resolve; req.onerror = function () { reject(req.error); };
      });
    });
  }
  function forget(ids) {
    return store("readwrite").then(function (s) { ids.forEach(function (id) { s.delete(id); }); });
  }

  function show(text, waiting) { status.textContent = text; status.classList.toggle("waiting", !!waiting); }

  var syncing = false;
  function sync() {
    if (syncing) return Promise.resolve();
    return pending().then(function (items) {
      if (!items.length) { show(navigator.onLine ? "All outcomes sent" : "Offline: nothing waiting"); return; }
      if (!navigator.onLine) { show(items.length + " outcome(s) waiting: offline, they will be sent", true); return; }
      syncing = true;
      show("Sending " + items.length + " outcome(s)…", true);
      var body = { outcomes: items.map(function (o) {
        return { id: o.id, door: o.door, outcome: o.outcome, support: o.support, at: o.at };
      }) };
      return fetch(root.dataset.outcomesUrl, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
      }).then(function (response) {
        return response.json().then(function (answer) {
          if (!response.ok) {
            show("Not sent: " + ((answer.error && answer.error.message) || response.status), true);
            return;
          }
          return forget(answer.stored.concat(answer.already)).then(function () {
            return pending().then(function (left) {
              show(left.length ? left.length + " outcome(s) waiting" : "All outcomes sent", left.length > 0);
            });
          });
        });
      }).catch(function () {
        show(items.length + " outcome(s) waiting: no connection, they will be sent", true);
      }).then(function () { syncing = false; });
    });
  }

  function label(door) {
    return door.address || ("Building " + door.n + " (no address in the file)");
  }

  function icon(door) {
    var cls = "door-number" + (recorded[door.id] ? " done" : "") + (current === door ? " current" : "");
    return L.divIcon({ className: "", html: '<div class="' + cls + '">' + door.n + "</div>", iconSize: [20, 20] });
  }

  function drawList() {
    list.innerHTML = "";
    turf.doors.forEach(function (door) {
      var li = document.createElement("li");
      if (recorded[door.id]) li.classList.add("done");
      if (current === door) li.classList.add("current");
      var button = document.createElement("button");
      button.type = "button";
      button.innerHTML = '<span class="n"></span><span class="a"></span><span class="o"></span>';
      button.querySelector(".n").textContent = door.n + ".";
      button.querySelector(".a").textContent = label(door);
      button.querySelector(".o").textContent = recorded[door.id] ? "· " + turf.outcomes[recorded[door.id]] : "";
      button.addEventListener("click", function () { choose(door); });
      li.appendChild(button);
      list.appendChild(li);
      if (markers[door.id]) markers[door.id].setIcon(icon(door));
    });
  }

  function choose(door) {
    current = door;
    panel.hidden = false;
    document.getElementById("door-title").textContent = "Door " + door.n + " of " + turf.doors.length;
    document.getElementById("door-address").textContent = label(door) +
      (recorded[door.id] ? " (recorded: " + turf.outcomes[recorded[door.id]] + ")" : "");
    document.getElementById("support").value = "";
    drawList();
    if (map) map.panTo([door.lat, door.lon]);
  }

  function nextDoor(after) {
    var start = turf.doors.indexOf(after);
    for (var i = 1; i <= turf.doors.length; i++) {
      var door = turf.doors[(start + i) % turf.doors.length];
      if (!recorded[door.id]) return door;
    }
    return null;
  }

  function record(outcome) {
    if (!current) return;
    var support = document.getElementById("support").value;
    var item = { id: newId(), token: token, door: current.id, outcome: outcome,
                 support: support ? parseInt(support, 10) : null, at: new Date().toISOString() };
    var door = current;
    keep(item).then(function () {
      recorded[door.id] = outcome;
      var next = nextDoor(door);
      if (next) { choose(next); } else { current = null; panel.hidden = true; drawList(); show("Every door recorded"); }
      sync();
    });
  }

  function drawMap() {
    var tiles = root.dataset.tiles;
    map = L.map("walk-map", { zoomSnap: 0.25 });
    if (tiles) L.tileLayer(tiles, { maxZoom: 19, attribution: "© OpenStreetMap contributors" }).addTo(map);
    var outline = L.geoJSON(turf.outline, { style: { color: "#1d4f91", weight: 2, fillOpacity: 0.08 } }).addTo(map);
    if (turf.route) L.geoJSON(turf.route, { style: { color: "#c0392b", weight: 3, opacity: 0.7 } }).addTo(map);
    turf.doors.forEach(function (door) {
      markers[door.id] = L.marker([door.lat, door.lon], { icon: icon(door), title: "Door " + door.n, keyboard: false })
        .on("click", function () { choose(door); }).addTo(map);
    });
    map.fitBounds(outline.getBounds(), { padding: [10, 10] });
    if (navigator.geolocation) {
      var here = null;
      navigator.geolocation.watchPosition(function (p) {
        var at = [p.coords.latitude, p.coords.longitude];
        if (!here) here = L.marker(at, { icon: L.divIcon({ className: "", html: '<div class="you-are-here" title="You are here"></div>' }) }).addTo(map);
        else here.setLatLng(at);
      }, function () {}, { enableHighAccuracy: true, maximumAge: 15000 });
    }
  }

  document.querySelectorAll(".outcome").forEach(function (b) {
    b.addEventListener("click", function () { record(b.dataset.outcome); });
  });
  window.addEventListener("online", sync);
  window.addEventListener("offline", function () { sync(); });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.dataset.workerUrl, { scope: "/walk/" }).catch(function () {});
  }

  fetch(root.dataset.turfUrl).then(function (r) {
    if (!r.ok) throw new Error("status " + r.status);
    return r.json();
  }).then(function (data) {
    turf = data;
    turf.doors.forEach(function (d) { if (d.outcome) recorded[d.id] = d.outcome; });
    return pending().then(function (items) {
      items.forEach(function (o) { recorded[o.door] = o.outcome; });
      drawMap();
      drawList();
      var first = turf.doors.filter(function (d) { return !recorded[d.id]; })[0];
      if (first) choose(first);
      window.turfmapWalkReady = true;
      return sync();
    });
  }).catch(function (error) {
    show("The turf could not be loaded (" + error.message + "): open this link once with a connection", true);
  });
})();
