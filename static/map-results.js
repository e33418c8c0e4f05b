/* turfmap public map, the search's answer: the origin marked, the recommended
 * districts outlined and numbered as in the list (hovering or focusing either
 * highlights both), a next step for every result, and the search kept in the
 * page's address so that reload, back/forward and a shared link all work.
 * Loaded after map.js; text from the API goes in with textContent only.
 */
(function () {
  "use strict";

  var T = window.Turfmap, el = T.el, t = T.t;
  var SEARCH_KEYS = ["postcode", "lat", "lon", "place", "mode", "max_minutes"];
  var OUTLINE = { color: "#111", weight: 3, fill: true, fillOpacity: 0, opacity: 0.9 };
  var HIGHLIGHT = { color: "#d6336c", weight: 5, opacity: 1 };

  // The search a page address holds, or null: postcode, or lat and lon.
  T.searchIn = function (search) {
    var q = new URLSearchParams(search), found = {};
    SEARCH_KEYS.forEach(function (k) { if (q.get(k)) found[k] = q.get(k); });
    if (!found.postcode && !(found.lat && found.lon)) return null;
    return found;
  };

  T.prototype.restoreSearch = function () {
    var self = this, form = document.getElementById("turfmap-search");
    var wanted = T.searchIn(window.location.search);
    if (!form || !wanted) return;
    if (wanted.mode) form.elements.mode.value = wanted.mode;
    if (wanted.max_minutes) form.elements.max_minutes.value = wanted.max_minutes;
    form.elements.postcode.value = wanted.postcode || wanted.place || "";
    var origin = wanted.postcode ? "postcode=" + encodeURIComponent(wanted.postcode) :
      "lat=" + encodeURIComponent(wanted.lat) + "&lon=" + encodeURIComponent(wanted.lon);
    self.search(origin, wanted.place, { remember: false });
  };

  // The page's own address for this search (not the API's), for history and sharing.
  T.prototype.pageAddress = function (origin, placeName) {
    var form = document.getElementById("turfmap-search");
    var q = new URLSearchParams(origin);
    if (placeName) q.set("place", placeName);
    q.set("mode", form.elements.mode.value);
    q.set("max_minutes", form.elements.max_minutes.value);
    if (this.config.set_fixed) q.set("set", this.config.set);
    return window.location.pathname + "?" + q.toString();
  };

  T.prototype.remember = function (origin, placeName) {
    if (this.config.embed) return;  // an embed must not write the host page's history
    var address = this.pageAddress(origin, placeName);
    if (address !== window.location.pathname + window.location.search) {
      window.history.pushState({ turfmap: true }, "", address);
    }
  };

  T.prototype.share = function () {
    var self = this, url = window.location.href;
    if (navigator.share) {
      navigator.share({ title: document.title, url: url }).catch(function () {});
      return;
    }
    var done = function () { self.say(t("link_copied", { url: url })); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(done, function () { self.say(t("copy_link", { url: url })); });
    } else {
      self.say(t("copy_link", { url: url }));
    }
  };

  T.prototype.showResults = function (body, placeName) {
    var self = this, list = this.results;
    list.textContent = "";
    this.clearPicked();
    var home = body.district;
    var where = placeName ? t("from_place", { place: placeName }) + " " :
      home && home.need !== null ? t("you_are_in", { district: home.name, need: Math.round(home.need) }) + " " : "";
    this.say(where + t("results", { count: body.recommendations.length }) + (body.note ? " " + body.note : ""));
    if (!this.config.embed) this.showShare();
    this.markOrigin(body.origin, placeName);
    body.recommendations.forEach(function (r, i) { list.appendChild(self.resultItem(r, i + 1)); });
    this.outline(body.recommendations, body.origin);
    // On a phone the results sit under the map and the form: bring them into view
    // (the map, with the same districts numbered, is just above).
    if (window.matchMedia && window.matchMedia("(max-width: 700px)").matches && this.status) {
      this.status.scrollIntoView({ block: "start" });
    }
  };

  T.prototype.showShare = function () {
    var self = this, button = document.getElementById("turfmap-share");
    if (button) { button.hidden = false; return; }
    button = el("button", { type: "button", id: "turfmap-share", "class": "turfmap-share" }, t("share"));
    button.addEventListener("click", function () { self.share(); });
    this.results.parentNode.insertBefore(button, this.results);
  };

  T.prototype.resultItem = function (r, number) {
    var self = this;
    var item = el("li", { "class": "turfmap-result", "data-code": r.code });
    var button = el("button", { type: "button", "class": "turfmap-name", "data-code": r.code }, number + ". " + r.name);
    button.addEventListener("click", function () { self.focusDistrict(r.code); });
    item.appendChild(button);
    item.appendChild(el("p", { "class": "why" }, r.why));
    item.appendChild(this.nextStep(r));
    ["mouseenter", "focusin"].forEach(function (e) { item.addEventListener(e, function () { self.highlight(r.code, true); }); });
    ["mouseleave", "focusout"].forEach(function (e) { item.addEventListener(e, function () { self.highlight(r.code, false); }); });
    return item;
  };

  // What to do next: take a place at a session, or, where none is planned, offer to host one.
  T.prototype.nextStep = function (r) {
    var box = el("div", { "class": "next-step" });
    var sessions = r.sessions || [];
    sessions.forEach(function (s) {
      var line = el("p", { "class": "session" });
      var when = new Date(s.starts_at).toLocaleString([], {
        weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit"
      });
      line.appendChild(el("span", {}, t("offer", { title: s.title, when: when, free: s.free_places, capacity: s.capacity }) + " "));
      line.appendChild(this.sessionLink(s, "take-place", t("take_place")));
      box.appendChild(line);
    }, this);
    if (!sessions.length) {
      box.appendChild(el("p", { "class": "no-sessions" }, t("no_session_yet")));
      if (r.contact) box.appendChild(this.contactLine(r.contact));
      var host = this.config.host_url + "?set=" + encodeURIComponent(r.set) + "&code=" + encodeURIComponent(r.code);
      box.appendChild(el("a", { "class": "host-link", href: host, target: "_top" }, t("host_here")));
    }
    return box;
  };

  T.prototype.contactLine = function (contact) {
    var line = el("p", { "class": "contact" }, (contact.text || t("contact_organisers")) + ": ");
    var safe = /^(https?:|mailto:|tel:)/i.test(contact.link || "");
    if (safe) line.appendChild(el("a", { href: contact.link, target: "_blank", rel: "noopener" }, contact.link.replace(/^mailto:|^tel:/, "")));
    return line;
  };

  T.prototype.clearPicked = function () {
    if (this.picked) this.picked.clearLayers();
    else {
      // A pane of their own, above the choropleth, which is redrawn as the map moves.
      this.map.createPane("picked").style.zIndex = 450;
      this.picked = L.layerGroup().addTo(this.map);
    }
    this.outlines = {};
  };

  T.prototype.markOrigin = function (origin, placeName) {
    var marker = L.circleMarker([origin.lat, origin.lon], {
      radius: 9, color: "#111", weight: 3, fillColor: "#fff", fillOpacity: 1, pane: "picked"
    });
    marker.bindTooltip(function () { return el("span", {}, t("you_start_here") + (placeName ? ": " + placeName : "")); });
    this.picked.addLayer(marker);
    this.fitAfterLoad = false;  // the search's view, not the whole set's, even if drawn later
    this.map.flyTo([origin.lat, origin.lon], Math.max(this.map.getZoom(), 9), { duration: 0.5 });
  };

  // Each recommended district's outline with its number; then the view fits them all.
  T.prototype.outline = function (recommendations, origin) {
    var self = this, box = L.latLngBounds([[origin.lat, origin.lon], [origin.lat, origin.lon]]);
    var loads = recommendations.map(function (r, i) {
      return fetch(self.api + "/districts/" + encodeURIComponent(r.code) + ".geojson")
        .then(function (res) { return res.ok ? res.json() : null; })
        .then(function (feature) {
          if (!feature) return;
          var shape = L.geoJSON(feature, { style: function () { return OUTLINE; }, pane: "picked" });
          var p = feature.properties.point;
          var label = L.marker([p.lat, p.lon], {
            icon: L.divIcon({ className: "turfmap-number", html: String(i + 1), iconSize: [30, 30] }),
            title: (i + 1) + ". " + r.name, alt: (i + 1) + ". " + r.name, keyboard: false
          });
          [shape, label].forEach(function (layer) {
            layer.on("click", function () { self.focusDistrict(r.code); });
            layer.on("mouseover", function () { self.highlight(r.code, true); });
            layer.on("mouseout", function () { self.highlight(r.code, false); });
            self.picked.addLayer(layer);
          });
          self.outlines[r.code] = shape;
          box.extend(shape.getBounds());
        })
        .catch(function () {});  // the list still names the district; the outline is a help
    });
    Promise.all(loads).then(function () {
      var container = self.map.getContainer(), marked = false;
      var done = function () {  // for tests and screenshots: drawn and still
        if (marked) return;
        marked = true;
        container.setAttribute("data-outlined", String(Object.keys(self.outlines).length));
      };
      if (!recommendations.length) { done(); return; }
      container.removeAttribute("data-outlined");
      self.map.once("moveend", function () { setTimeout(done, 300); });
      setTimeout(done, 3000);  // a view already there may not move at all
      self.map.flyToBounds(box, { padding: [30, 30], maxZoom: 12, duration: 0.6 });
    });
  };

  T.prototype.highlight = function (code, on) {
    var shape = this.outlines && this.outlines[code];
    if (shape) shape.setStyle(on ? HIGHLIGHT : OUTLINE);
    var item = this.results.querySelector('li[data-code="' + CSS.escape(code) + '"]');
    if (item) item.classList.toggle("active", on);
  };
})();
