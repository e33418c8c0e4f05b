/* turfmap public map, before the map: this script travels inside the page (the
 * server inlines it), so on a slow phone it runs seconds before Leaflet and
 * map.js arrive. It colours the page's own drawing of the districts (see
 * turfmap/geometry/overview.py), and it takes a search at once: the answer is
 * asked for straight away, and map.js shows it (from the same request) as soon as
 * the map is there. It also owns the addresses of the search's two requests, so
 * that map.js asks for exactly what was asked for here.
 * Needs static/colours.js (inlined before it); text goes in with textContent only.
 */
(function () {
  "use strict";

  var POSTCODE = /^[A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s*[0-9][A-Za-z]{2}$/;
  var config = JSON.parse(document.getElementById("turfmap-config").textContent);
  var strings = JSON.parse((document.getElementById("turfmap-strings") || {}).textContent || "{}");
  var form = document.getElementById("turfmap-search");
  var status = document.getElementById("turfmap-status");
  var asked = {};  // url -> promise of {ok, status, body}, answered once

  function getJSON(url) {
    return fetch(url).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, status: r.status, body: body }; });
    });
  }

  var early = {
    POSTCODE: POSTCODE,
    pending: null,  // "submit" or "locate": what the visitor did before the map was there

    recommendURL: function (origin, mode, maxMinutes) {
      return config.api + "/recommend?" + origin + "&mode=" + mode + "&max_minutes=" + maxMinutes +
        (config.set_fixed ? "&set=" + encodeURIComponent(config.set) : "") +
        (config.language && config.language !== "en" ? "&lang=" + config.language : "");
    },

    placesURL: function (text) { return config.api + "/places?q=" + encodeURIComponent(text); },

    // The answer at ``url``: the one asked for early if there is one (each is used
    // once, so a later search asks again), else a new request.
    getJSON: function (url) {
      var answer = asked[url];
      delete asked[url];
      return answer || getJSON(url);
    },

    ask: function (url) {
      if (!asked[url]) asked[url] = getJSON(url);
      return asked[url];
    }
  };

  // Ask for a typed search's answer now: a postcode's recommendations, or a place's
  // matches and then the recommendations from the first (as map.js will).
  function askEarly(text) {
    var mode = form.elements.mode.value, minutes = form.elements.max_minutes.value;
    if (POSTCODE.test(text)) {
      early.ask(early.recommendURL("postcode=" + encodeURIComponent(text), mode, minutes));
      return;
    }
    early.ask(early.placesURL(text)).then(function (res) {
      var place = res.ok && res.body.places[0];
      if (place) early.ask(early.recommendURL("lat=" + place.lat + "&lon=" + place.lon, mode, minutes));
    }).catch(function () { /* map.js asks again and reports the failure */ });
  }

  function ready() { return Boolean(window.turfmapInstance); }

  if (form) {
    form.addEventListener("submit", function (event) {
      if (ready()) return;  // map.js answers
      event.preventDefault();
      var text = form.elements.postcode.value.trim();
      if (!text) { status.textContent = strings.type_first; return; }
      early.pending = "submit";
      status.textContent = strings.searching;
      askEarly(text);
    });
  }
  var locate = document.getElementById("turfmap-locate");
  if (locate) {
    locate.addEventListener("click", function (event) {
      if (ready()) return;
      event.stopImmediatePropagation();
      early.pending = "locate";
      status.textContent = strings.finding_you;
    });
  }

  // A shared link holds its search: ask for its answer before the map is there.
  var q = new URLSearchParams(window.location.search);
  var origin = q.get("postcode") ? "postcode=" + encodeURIComponent(q.get("postcode")) :
    q.get("lat") && q.get("lon") ? "lat=" + encodeURIComponent(q.get("lat")) + "&lon=" + encodeURIComponent(q.get("lon")) : null;
  if (origin) {
    early.ask(early.recommendURL(origin, q.get("mode") || form.elements.mode.value,
      q.get("max_minutes") || form.elements.max_minutes.value));
  }

  // The page's drawing of the districts, coloured by need as the map will be.
  var drawing = document.getElementById("turfmap-overview");
  if (drawing) {
    var needs = JSON.parse(drawing.getAttribute("data-needs"));
    var paths = drawing.querySelectorAll("path");
    for (var i = 0; i < paths.length; i++) paths[i].style.fill = window.TurfmapColours.need(needs[i]);
    drawing.setAttribute("data-districts", String(paths.length));
  }

  // Called by the page once map.js has made the map: do what was asked meanwhile.
  early.mapReady = function () {
    var pending = early.pending;
    early.pending = null;
    if (pending === "submit") form.requestSubmit();
    else if (pending === "locate") locate.click();
  };

  window.TurfmapEarly = early;
})();
