/* turfmap public map, the hex cartogram: every district the same size, so small
 * urban seats show. Loaded after map.js. */
(function () {
  "use strict";

  var T = window.Turfmap, el = T.el, colour = window.TurfmapColours.need;

  // Hex cartogram: every district the same size, so small urban seats show.
  T.prototype.toggleHex = function (button) {
    var on = button.getAttribute("aria-pressed") !== "true";
    button.setAttribute("aria-pressed", String(on));
    var box = document.getElementById("turfmap-hexmap");
    box.hidden = !on;
    this.map.getContainer().style.visibility = on ? "hidden" : "visible";
    if (on && !this.hexMap) this.drawHexes(box);
  };

  T.prototype.drawHexes = function (box) {
    var self = this;
    this.hexMap = L.map(box, { crs: L.CRS.Simple, zoomSnap: 0.25, minZoom: -4, attributionControl: false });
    this.busy(1);
    fetch(this.api + "/sets/" + encodeURIComponent(this.config.set) + "/hexes.json")
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (!res.ok) { self.say(res.body.error.message); return; }
        var group = L.featureGroup();
        res.body.hexes.forEach(function (h) {
          var feature = { id: h.code, properties: h };
          var shape = L.polygon(hexCorners(res.body.layout, h.q, h.r), {
            color: "#fff", weight: 1, fillColor: colour(h.need), fillOpacity: 0.9
          });
          shape.bindTooltip(function () { return el("span", {}, h.name); }, { sticky: true });
          shape.bindPopup(self.popup.bind(self, feature), { autoPan: false, maxWidth: 320 });
          shape.on("popupopen", self.fillSessions.bind(self, feature));
          group.addLayer(shape);
        });
        group.addTo(self.hexMap);
        self.addLegend(self.hexMap);
        self.hexMap.fitBounds(group.getBounds());
        box.setAttribute("data-hexes", String(res.body.hexes.length));
      })
      .catch(function (err) { self.say(T.t("hexes_failed", { error: err.message })); })
      .finally(function () { self.busy(-1); });
  };

  function hexCorners(layout, q, r) {
    var s3 = Math.sqrt(3), x, y, corners = [], pointy = layout.slice(-1) === "r";
    if (pointy) {
      var shiftRow = layout === "odd-r" ? (r & 1) : ((r + 1) & 1);
      x = s3 * (q + 0.5 * shiftRow); y = 1.5 * r;
    } else {
      var shiftCol = layout === "odd-q" ? (q & 1) : ((q + 1) & 1);
      x = 1.5 * q; y = s3 * (r + 0.5 * shiftCol);
    }
    for (var i = 0; i < 6; i++) {
      var angle = Math.PI / 180 * (60 * i - (pointy ? 30 : 0));
      corners.push([y + 0.95 * Math.sin(angle), x + 0.95 * Math.cos(angle)]);
    }
    return corners;
  }

})();
