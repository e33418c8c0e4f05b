/* turfmap public map: choropleth of need, volunteer search panel, district popups.
 *
 * Geometry is fetched from the API by URL, by zoom band: the whole country at low
 * zoom, only the visible box when zoomed in. Every piece of text from the API is
 * put on the page with textContent, never as HTML, so a district called
 * "<script>" shows as text.
 */
(function () {
  "use strict";

  var COLOURS = window.TurfmapColours;  // static/colours.js
  var PALETTE = COLOURS.PALETTE, BREAKS = COLOURS.BREAKS, NO_DATA = COLOURS.NO_DATA;
  var BAND_ZOOM = [7, 10, 12, 13];  // the highest zoom each band is served for (geometry/bands.py)
  var EARLY = window.TurfmapEarly;  // static/map-early.js, inlined in the page

  var colour = COLOURS.need;

  var partyColour = COLOURS.colour;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function pct(x) { return (x * 100).toFixed(1) + "%"; }

  // The page's words (templates/map_strings.html, in its language); {name} marks a value.
  var STRINGS = JSON.parse((document.getElementById("turfmap-strings") || {}).textContent || "{}");
  function t(key, values) {
    return (STRINGS[key] || key).replace(/\{(\w+)\}/g, function (whole, name) {
      return values && name in values ? String(values[name]) : whole;
    });
  }

  function Turfmap(map, config) {
    this.map = map;
    this.config = config;
    this.api = config.api;
    this.cache = {};
    this.layers = {};
    this.pending = 0;
    this.byCode = {};
    this.status = document.getElementById("turfmap-status");
    this.results = document.getElementById("turfmap-results");
    this.loading = document.getElementById("turfmap-loading");
    this.layer = L.geoJSON(null, {
      style: this.style.bind(this),
      onEachFeature: this.bind.bind(this)
    }).addTo(map);
    this.wards = L.geoJSON(null, {
      style: function () { return { color: "#333", weight: 0.6, fill: false, dashArray: "2 3" }; }
    });
    this.colourBy = "need";
    this.legend = this.addLegend(map);
    this.overview = this.adoptOverview(map);
    // The first view: the districts, filling the map (the page's drawing has set it).
    this.fitAfterLoad = !config.focus && !this.overview;
    map.on("moveend", this.refresh.bind(this));
    this.refresh();
    this.bindForm();
    this.bindColouring();
    if (config.focus) this.focusDistrict(config.focus);
    if (this.restoreSearch) {
      this.restoreSearch();
      window.addEventListener("popstate", this.restoreSearch.bind(this));
    }
  }

  Turfmap.el = el;
  Turfmap.t = t;

  Turfmap.prototype.style = function (feature) {
    var focus = this.config.focus && feature.id === this.config.focus;
    var p = feature.properties;
    return {
      color: focus ? "#000" : "#ffffff", weight: focus ? 2.5 : 0.6,
      fillColor: this.colourBy === "holder" ? partyColour(p.winner) : colour(p.need), fillOpacity: 0.75
    };
  };

  // The page's own drawing of the districts (map-early.js coloured it) goes into the
  // map, under everything else, and sets the first view; the map's shapes replace it.
  Turfmap.prototype.adoptOverview = function (map) {
    var drawing = document.getElementById("turfmap-overview");
    if (!drawing) return null;
    var bounds = JSON.parse(drawing.getAttribute("data-bounds"));
    drawing.setAttribute("preserveAspectRatio", "none");
    map.fitBounds(bounds, { padding: [4, 4], animate: false });
    // Drawn for this first view: magnified more than 4x it would show shapes that
    // are not there, so closer in only the map's own shapes are drawn.
    var firstZoom = map.getZoom();
    map.on("zoomend", function () {
      drawing.style.visibility = map.getZoom() > firstZoom + 2 ? "hidden" : "";
    });
    return L.svgOverlay(drawing, bounds, { interactive: false }).addTo(map);
  };

  Turfmap.prototype.bindColouring = function () {
    var self = this;
    document.querySelectorAll("input[name=colour-by]").forEach(function (input) {
      input.addEventListener("change", function () {
        if (!input.checked) return;
        self.colourBy = input.value;
        self.layer.setStyle(self.style.bind(self));
        self.legend.update();
      });
    });
  };

  Turfmap.prototype.bind = function (feature, layer) {
    var p = feature.properties;
    this.byCode[feature.id] = layer;
    layer.bindTooltip(function () {
      return el("span", {}, p.need === null ? p.name : t("need_tooltip", { name: p.name, need: Math.round(p.need) }));
    }, { sticky: true });
    // No auto-pan: moving the map would reload the layer and close the popup.
    layer.bindPopup(this.popup.bind(this, feature), { autoPan: false, maxWidth: 320 });
    layer.on("popupopen", this.fillSessions.bind(this, feature));
  };

  Turfmap.prototype.popup = function (feature) {
    var p = feature.properties;
    var box = el("div", { "class": "turfmap-popup", "data-code": feature.id });
    box.appendChild(el("h3", {}, p.name));
    var rows = [
      [t("need"), p.need === null ? t("not_set") : Math.round(p.need) + " / 100"],
      [t("held_by"), p.winner || t("unknown")],
      [t("majority"), p.majority === null ? "—" : p.majority.toLocaleString()],
      [t("margin"), p.target_margin === null ? "—" :
        t(p.target_status === "hold" ? "ahead_by" : "behind_by", { margin: pct(Math.abs(p.target_margin)) })],
      [t("need_updated"), p.need_updated || "—"]
    ];
    if (p.notional) rows.splice(1, 0, [t("result_kind"), t("notional")]);
    var table = el("dl", {});
    rows.forEach(function (r) { table.appendChild(el("dt", {}, r[0])); table.appendChild(el("dd", {}, r[1])); });
    box.appendChild(table);
    box.appendChild(el("p", { "class": "turfmap-sessions" }, t("sessions_loading")));
    var link = el("a", { href: this.config.page_base + "/d/" + encodeURIComponent(feature.id), target: "_top" },
      t("district_page"));
    box.appendChild(link);
    return box;
  };

  // A session's page, where volunteers take a place; a new tab, so an embed stays put.
  Turfmap.prototype.sessionLink = function (s, className, text) {
    var site = this.api.replace(/\/api\/v1\/?$/, "");
    return el("a", { "class": className, href: site + "/s/" + s.id, target: "_blank", rel: "noopener" }, text);
  };

  Turfmap.prototype.fillSessions = function (feature, event) {
    var self = this;
    var target = event.popup.getElement().querySelector(".turfmap-sessions");
    fetch(this.api + "/districts/" + encodeURIComponent(feature.id))
      .then(function (r) { return r.json(); })
      .then(function (d) {
        var sessions = d.sessions || [];
        target.textContent = sessions.length ? "" : t("no_upcoming");
        sessions.slice(0, 3).forEach(function (s) {
          target.appendChild(self.sessionLink(s, "turfmap-session",
            t("session_line", { title: s.title, when: new Date(s.starts_at).toLocaleString(), free: s.free_places })));
        });
      })
      .catch(function () { target.textContent = t("sessions_failed"); });
  };

  Turfmap.prototype.addLegend = function (map) {
    var self = this, legend = L.control({ position: "bottomright" }), box;
    legend.onAdd = function () {
      box = el("div", { "class": "turfmap-legend", role: "img" });
      legend.update();
      return box;
    };
    legend.update = function () {
      if (!box) return;
      box.textContent = "";
      if (self.colourBy === "holder") self.partyLegend(box);
      else self.needLegend(box);
    };
    legend.addTo(map);
    return legend;
  };

  Turfmap.prototype.needLegend = function (box) {
    box.setAttribute("aria-label", t("legend_need_label"));
    box.appendChild(el("strong", {}, t("legend_need")));
    for (var i = BREAKS.length - 1; i >= 0; i--) {
      box.appendChild(swatchRow(PALETTE[i], BREAKS[i] + (i === BREAKS.length - 1 ? "+" : "–" + BREAKS[i + 1])));
    }
  };

  // The parties holding the districts on the map, most seats first.
  Turfmap.prototype.partyLegend = function (box) {
    var counts = {};
    this.layer.eachLayer(function (layer) {
      var party = layer.feature.properties.winner || t("no_result");
      counts[party] = (counts[party] || 0) + 1;
    });
    var parties = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a]; });
    box.setAttribute("aria-label", t("legend_holder_label"));
    box.appendChild(el("strong", {}, t("legend_holder")));
    parties.slice(0, 12).forEach(function (party) {
      var fill = party === t("no_result") ? NO_DATA : partyColour(party);
      box.appendChild(swatchRow(fill, party + " (" + counts[party] + ")"));
    });
  };

  function swatchRow(fill, label) {
    var row = el("div", {}), swatch = el("span", { "class": "swatch" });
    swatch.style.background = fill;
    row.appendChild(swatch);
    row.appendChild(el("span", {}, label));
    return row;
  }

  Turfmap.prototype.busy = function (delta) {
    this.pending += delta;
    if (this.loading) this.loading.hidden = this.pending <= 0;
  };

  Turfmap.prototype.url = function (set, zoom, bounds) {
    var url = this.api + "/sets/" + encodeURIComponent(set) + "/districts.geojson?zoom=" + zoom;
    if (bounds) {
      // Round the box outwards to a grid, so panning reuses cached responses.
      var g = zoom >= 11 ? 0.05 : 0.5;
      var w = Math.floor(bounds.getWest() / g) * g, s = Math.floor(bounds.getSouth() / g) * g;
      var e = Math.ceil(bounds.getEast() / g) * g, n = Math.ceil(bounds.getNorth() / g) * g;
      url += "&bbox=" + [w, s, e, n].map(function (v) { return v.toFixed(2); }).join(",");
    }
    return url;
  };

  Turfmap.prototype.load = function (url) {
    var self = this;
    if (!this.cache[url]) {
      self.busy(1);
      this.cache[url] = fetch(url).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      }).finally(function () { self.busy(-1); });
    }
    return this.cache[url];
  };

  Turfmap.prototype.refresh = function () {
    var self = this, zoom = Math.round(this.map.getZoom());
    var band = zoom <= 7 ? 0 : zoom <= 10 ? 1 : zoom <= 12 ? 2 : 3;
    // One zoom per band in the address (the server serves a band for a range of
    // zooms), so moving between zooms of one band reuses the response.
    var url = this.url(this.config.set, BAND_ZOOM[band], band === 0 ? null : this.map.getBounds());
    var key = band + "|" + url;
    if (key === this.shown) { this.openPending(); return; }
    this.load(url).then(function (data) {
      if (self.shown === key) return;
      self.shown = key;
      self.layer.clearLayers();
      self.byCode = {};
      self.layer.addData(data);
      self.map.getContainer().setAttribute("data-districts", String(data.features.length));
      if (self.overview) { self.map.removeLayer(self.overview); self.overview = null; }
      if (self.colourBy === "holder") self.legend.update();
      if (self.fitAfterLoad && data.features.length) {  // the first view, or a new set
        self.fitAfterLoad = false;
        self.map.fitBounds(self.layer.getBounds(), { padding: [4, 4], animate: false });
      }
      self.openPending();
    }).catch(function (err) { self.say(t("map_failed", { error: err.message })); });
    if (this.config.ward_set && zoom >= 13) {
      this.load(this.url(this.config.ward_set, zoom, this.map.getBounds())).then(function (data) {
        self.wards.clearLayers();
        self.wards.addData(data);
        self.wards.addTo(self.map);
      });
    } else if (this.map.hasLayer(this.wards)) {
      this.map.removeLayer(this.wards);
    }
  };

  Turfmap.prototype.say = function (message) { if (this.status) this.status.textContent = message; };

  Turfmap.prototype.bindForm = function () {
    var self = this, form = document.getElementById("turfmap-search");
    if (!form) return;
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var text = form.elements.postcode.value.trim();
      if (!text) { self.say(t("type_first")); return; }
      if (EARLY.POSTCODE.test(text)) { self.search("postcode=" + encodeURIComponent(text)); return; }
      self.findPlace(text);
    });
    var locate = document.getElementById("turfmap-locate");
    if (locate) locate.addEventListener("click", function () {
      if (!navigator.geolocation) { self.say(t("no_geolocation")); return; }
      self.say(t("finding_you"));
      navigator.geolocation.getCurrentPosition(function (pos) {
        self.search("lat=" + pos.coords.latitude.toFixed(5) + "&lon=" + pos.coords.longitude.toFixed(5));
      }, function () { self.say(t("location_refused")); });
    });
  };

  // Not a postcode: look the words up among district names, then search from there.
  Turfmap.prototype.findPlace = function (text) {
    var self = this;
    EARLY.getJSON(EARLY.placesURL(text))
      .then(function (res) {
        if (!res.ok) { self.say(res.body.error.message); return; }
        var place = res.body.places[0];
        if (!place) { self.say(t("no_place", { text: text })); return; }
        self.search("lat=" + place.lat + "&lon=" + place.lon, place.name);
      })
      .catch(function (err) { self.say(t("search_failed", { error: err.message })); });
  };

  Turfmap.prototype.search = function (origin, placeName, options) {
    var self = this, form = document.getElementById("turfmap-search");
    if (!(options && options.remember === false) && self.remember) self.remember(origin, placeName);
    var url = EARLY.recommendURL(origin, form.elements.mode.value, form.elements.max_minutes.value);
    self.say(t("searching"));
    self.busy(1);
    EARLY.getJSON(url)
      .then(function (res) {
        if (!res.ok) { self.say(res.body.error ? res.body.error.message : t("search_failed", { error: res.status })); return; }
        self.showSet(res.body.set);
        self.showResults(res.body, placeName);
      })
      .catch(function (err) { self.say(t("search_failed", { error: err.message })); })
      .finally(function () { self.busy(-1); });
  };

  // The answer came from another set (the search was in another country): show it.
  Turfmap.prototype.showSet = function (set) {
    if (!set || set === this.config.set) return;
    this.config.set = set;
    this.config.ward_set = (this.config.children || {})[set] || null;
    this.shown = null;
    if (this.hexMap) { this.hexMap.remove(); this.hexMap = null; }  // redrawn for the new set
    this.fitAfterLoad = true;
    this.refresh();
  };

  Turfmap.prototype.openPending = function () {
    var code = this.openWhenLoaded, layer = code && this.byCode[code];
    if (!layer) return;
    this.openWhenLoaded = null;
    layer.openPopup();
  };

  // Fly to a district, then open its popup once the view's shapes have loaded.
  Turfmap.prototype.focusDistrict = function (code) {
    var self = this, layer = this.byCode[code];
    var bounds = layer ? Promise.resolve(layer.getBounds()) :
      fetch(this.api + "/districts/" + encodeURIComponent(code) + ".geojson")
        .then(function (r) { return r.json(); })
        .then(function (feature) { return L.geoJSON(feature).getBounds(); });
    bounds.then(function (b) {
      self.openWhenLoaded = code;
      self.map.flyToBounds(b, { maxZoom: 11, duration: 0.6 });
    });
  };

  // The snippets other sites paste: addressed by the configured public URL, else by
  // this page's own origin (never by anything the server read from a request).
  Turfmap.prototype.fillEmbedSnippets = function () {
    var base = this.config.public_url || window.location.origin;
    var set = this.config.set;
    var query = set ? "?set=" + encodeURIComponent(set) : "";
    var iframe = '<iframe src="' + base + "/embed" + query + '" title="turfmap: where canvassing ' +
      'matters most" style="width:100%;height:520px;border:0" loading="lazy"></iframe>';
    var dataSet = set ? ' data-set="' + encodeURIComponent(set) + '"' : "";
    var script = '<div id="turfmap"></div>\n<script src="' + base + '/embed.js" data-target="turfmap"' +
      dataSet + " async></" + "script>\n<noscript>" + iframe + "</noscript>";
    document.getElementById("embed-iframe").value = iframe;
    document.getElementById("embed-script").value = script;
  };

  window.Turfmap = Turfmap;
})();
