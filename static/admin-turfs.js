// The workspace's map of a district's turfs, coloured by status, numbered as in the
// table below (which holds the same facts as text); a click goes to the turf's row.
(function () {
  "use strict";
  var box = document.getElementById("turf-map");
  if (!box || typeof L === "undefined") return;
  var colour = { unassigned: "#9e9e9e", assigned: "#e6a100", out: "#1d6fb8", done: "#2e8b57" };
  var map = L.map(box, { zoomSnap: 0.25, scrollWheelZoom: false });
  if (box.dataset.tiles) L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap contributors" }).addTo(map);
  fetch(box.dataset.geojson).then(function (r) { return r.json(); }).then(function (collection) {
    var layer = L.geoJSON(collection, {
      style: function (f) { return { color: "#333", weight: 1, fillColor: colour[f.properties.status] || "#999", fillOpacity: 0.55 }; },
      onEachFeature: function (f, shape) {
        shape.bindTooltip("Turf " + f.properties.number + ": " + f.properties.doors + " doors, " +
          f.properties.status + ", " + f.properties.percent + "% knocked", { sticky: true });
        shape.on("click", function () { location.hash = "turf-" + f.properties.number; });
        // A rural turf's outline is a few small patches: a dot at its middle shows it
        // at any zoom.
        L.circleMarker(shape.getBounds().getCenter(), { radius: 6, color: "#333", weight: 1,
          fillColor: colour[f.properties.status] || "#999", fillOpacity: 0.9 })
          .bindTooltip("Turf " + f.properties.number).addTo(map);
      }
    }).addTo(map);
    if (layer.getLayers().length) map.fitBounds(layer.getBounds(), { padding: [8, 8] });
    box.dataset.drawn = String(layer.getLayers().length);
  });
})();
