// The workspace's map of the coordinator's region: their districts coloured by the
// need still to meet (the table's Remaining), the set's others in grey; a click
// opens the district's edit form. The table below holds the same facts as text.
(function () {
  "use strict";
  var box = document.getElementById("region-map");
  if (!box || typeof L === "undefined") return;
  var colours = window.TurfmapColours;
  var remaining = JSON.parse(box.dataset.remaining || "{}");
  var map = L.map(box, { zoomSnap: 0.25, scrollWheelZoom: false });
  if (box.dataset.tiles) L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap contributors" }).addTo(map);
  var zoom = Object.keys(remaining).length > 200 ? 7 : 10;  // a country, or a city's wards
  fetch("/api/v1/sets/" + encodeURIComponent(box.dataset.set) + "/districts.geojson?zoom=" + zoom)
    .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
    .then(function (collection) {
      var mine = L.featureGroup();
      L.geoJSON(collection, {
        style: function (f) {
          var ours = f.id in remaining;
          return ours ? { color: "#fff", weight: 0.7, fillColor: colours.need(remaining[f.id]), fillOpacity: 0.85 }
            : { color: "#bbb", weight: 0.5, fillColor: "#eee", fillOpacity: 0.6, interactive: false };
        },
        onEachFeature: function (f, layer) {
          if (!(f.id in remaining)) return;
          mine.addLayer(layer);
          layer.bindTooltip(function () {
            var s = document.createElement("span");
            s.textContent = f.properties.name + ": " + (remaining[f.id] === null ? "no need" : "remaining need " + Math.round(remaining[f.id]));
            return s;
          }, { sticky: true });
          layer.on("click", function () { window.location.href = box.dataset.edit.replace("CODE", encodeURIComponent(f.id)); });
        }
      }).addTo(map);
      if (mine.getLayers().length) map.fitBounds(mine.getBounds(), { padding: [6, 6] });
      box.setAttribute("data-drawn", String(mine.getLayers().length));
    })
    .catch(function (err) { box.textContent = "The map could not be drawn: " + err.message; });
})();
