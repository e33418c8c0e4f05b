/* turfmap script widget: renders the search panel and map into an element of the
   host page, inside an iframe so neither page's styles or scripts can break the
   other. Usage:
     <div id="turfmap"></div>
     <script src="https://YOUR-TURFMAP-SITE/embed.js" data-target="turfmap" async></script>
   Every address it uses comes from its own src, so it needs no server-side host. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var origin = new URL(script.src).origin;
  var target = script.getAttribute("data-target") && document.getElementById(script.getAttribute("data-target"));
  if (!target) {
    target = document.createElement("div");
    script.parentNode.insertBefore(target, script);
  }
  var params = new URLSearchParams();
  ["set", "focus", "theme"].forEach(function (key) {
    var value = script.getAttribute("data-" + key);
    if (value) params.set(key, value);
  });
  var frame = document.createElement("iframe");
  frame.src = origin + "/embed" + (params.toString() ? "?" + params.toString() : "");
  frame.title = "turfmap: where canvassing matters most";
  frame.setAttribute("loading", "lazy");
  frame.style.width = "100%";
  frame.style.height = script.getAttribute("data-height") || "520px";
  frame.style.border = "0";
  target.appendChild(frame);
})();
