// A district's page: its outline (and its wards') on a small map, the result as a
// bar in party colours, and a Share button. Without JavaScript the page has the
// same facts as text and tables.
(function () {
  "use strict";
  var colour = window.TurfmapColours.colour;

  function drawMap(box) {
    if (typeof L === "undefined") return;
    var map = L.map(box, { scrollWheelZoom: false, zoomSnap: 0.25 });
    if (box.dataset.tiles) {
      L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap contributors" }).addTo(map);
    }
    var api = "/api/v1/districts/";
    var wards = JSON.parse(box.dataset.children || "[]").slice(0, 60);
    fetch(api + encodeURIComponent(box.dataset.code) + ".geojson")
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (feature) {
        var shape = L.geoJSON(feature, { style: { color: "#440154", weight: 3, fillColor: "#440154", fillOpacity: 0.12 } });
        shape.addTo(map);
        map.fitBounds(shape.getBounds(), { padding: [10, 10] });
        box.setAttribute("data-drawn", "1");
        wards.forEach(function (code) {
          fetch(api + encodeURIComponent(code) + ".geojson").then(function (r) { return r.ok ? r.json() : null; })
            .then(function (ward) {
              if (!ward) return;
              L.geoJSON(ward, { style: { color: "#2a788e", weight: 1, dashArray: "3 3", fill: false } })
                .bindTooltip(function () { var s = document.createElement("span"); s.textContent = ward.properties.name; return s; })
                .addTo(map);
            });
        });
      })
      .catch(function (err) { box.textContent = "The map could not be drawn: " + err.message; });
  }

  function drawBar(bar) {
    JSON.parse(bar.dataset.shares || "[]").forEach(function (row) {
      var part = document.createElement("span");
      part.style.width = (row.share * 100).toFixed(2) + "%";
      part.style.background = colour(row.party);
      part.title = row.party + " " + (row.share * 100).toFixed(1) + "%";
      if (row.share >= 0.08) part.textContent = row.party;
      bar.appendChild(part);
    });
  }

  function bindShare(button, status) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var url = window.location.href;
      if (navigator.share) { navigator.share({ title: document.title, url: url }).catch(function () {}); return; }
      if (navigator.clipboard) {
        navigator.clipboard.writeText(url).then(function () { status.textContent = "Link copied."; },
          function () { status.textContent = "Copy this link: " + url; });
      } else status.textContent = "Copy this link: " + url;
    });
  }

  var box = document.getElementById("district-map");
  if (box) drawMap(box);
  var bar = document.getElementById("result-bar");
  if (bar) drawBar(bar);
  document.querySelectorAll(".party-swatch").forEach(function (s) { s.style.background = colour(s.dataset.party); });
  var share = document.getElementById("share");
  if (share) bindShare(share, document.getElementById("share-status"));
})();
