// Meeting-point picker for the session form: a click on the map fills in the
// latitude and longitude (which stay typeable for keyboard users) and names the
// district the server will file the session under.
(function () {
  "use strict";
  const form = document.getElementById("session-form");
  const box = document.getElementById("picker");
  if (!form || !box || typeof L === "undefined") return;
  const lat = form.elements.lat;
  const lon = form.elements.lon;
  const setSelect = form.elements.set_slug;
  const status = document.getElementById("picked-district");

  const map = L.map(box).setView([54.5, -2.5], 5);
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, {
      maxZoom: 19,
      attribution: "&copy; OpenStreetMap contributors",
    }).addTo(map);
  }
  let marker = null;
  // District outlines of the chosen set, so the picker is usable without tiles too.
  const outlines = L.geoJSON(null, {
    style: { color: "#21918c", weight: 1, fillOpacity: 0.05 },
    interactive: false,
  }).addTo(map);

  async function drawOutlines() {
    const bounds = map.getBounds();
    const query = new URLSearchParams({
      zoom: map.getZoom(),
      bbox: [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]
        .map((n) => n.toFixed(5))
        .join(","),
    });
    const slug = encodeURIComponent(setSelect.value);
    try {
      const response = await fetch(`/api/v1/sets/${slug}/districts.geojson?${query}`);
      if (!response.ok) return;
      const collection = await response.json();
      outlines.clearLayers();
      outlines.addData(collection);
    } catch (error) {
      status.textContent = `Could not draw the districts: ${error.message}`;
    }
  }
  map.on("moveend", drawOutlines);

  function place(latValue, lonValue, pan) {
    const at = L.latLng(latValue, lonValue);
    if (marker) marker.setLatLng(at);
    else marker = L.circleMarker(at, { radius: 8, color: "#440154", weight: 3 }).addTo(map);
    if (pan) map.setView(at, Math.max(map.getZoom(), 13));
    describe(latValue, lonValue);
  }

  async function describe(latValue, lonValue) {
    status.textContent = "Finding the district…";
    const query = new URLSearchParams({ lat: latValue, lon: lonValue });
    try {
      const response = await fetch(`/api/v1/point?${query}`);
      const body = await response.json();
      if (!response.ok) {
        status.textContent = body.error ? body.error.message : "Could not look that point up.";
        return;
      }
      const hit = body.districts.find((d) => d.set === setSelect.value);
      status.textContent = hit
        ? `District: ${hit.name} (${hit.code})`
        : `That point is not inside any district of ${setSelect.value}.`;
    } catch (error) {
      status.textContent = `Could not look that point up: ${error.message}`;
    }
  }

  map.on("click", (event) => {
    lat.value = event.latlng.lat.toFixed(6);
    lon.value = event.latlng.lng.toFixed(6);
    place(event.latlng.lat, event.latlng.lng, false);
  });

  function typed() {
    const latValue = parseFloat(lat.value);
    const lonValue = parseFloat(lon.value);
    if (Number.isFinite(latValue) && Number.isFinite(lonValue)) place(latValue, lonValue, true);
  }
  lat.addEventListener("change", typed);
  lon.addEventListener("change", typed);
  setSelect.addEventListener("change", () => {
    drawOutlines();
    typed();
  });
  // Opened from a result with no session ("Host a session here"): show that district.
  async function focusDistrict(code) {
    try {
      const response = await fetch(`/api/v1/districts/${encodeURIComponent(code)}.geojson`);
      if (response.ok) map.fitBounds(L.geoJSON(await response.json()).getBounds());
    } catch (error) {
      status.textContent = `Could not show the district: ${error.message}`;
    }
  }
  typed();
  if (box.dataset.focus) focusDistrict(box.dataset.focus);
  drawOutlines();
})();
