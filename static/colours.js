/* turfmap's colours, for the map, a district's page and the workspace's map.
 * Need: a colour-blind-safe sequential palette (viridis, reversed: darker = more
 * need). Parties ("who holds it", the result bar): the colours the parties use
 * themselves; any other party gets one of Okabe and Ito's colour-blind-safe
 * colours, the same one every time. */
(function () {
  "use strict";
  var NO_DATA = "#d9d9d9";
  var PALETTE = ["#fde725", "#7ad151", "#22a884", "#2a788e", "#414487", "#440154"];
  var BREAKS = [0, 10, 25, 45, 65, 85];

  function need(score) {
    if (score === null || score === undefined) return NO_DATA;
    for (var i = BREAKS.length - 1; i >= 0; i--) if (score >= BREAKS[i]) return PALETTE[i];
    return PALETTE[0];
  }
  var PARTY = {
    Lab: "#e4003b", Con: "#0087dc", LD: "#faa61a", SNP: "#fdf38e", Green: "#02a95b",
    RUK: "#12b6cf", PC: "#005b54", DUP: "#d46a4c", SF: "#326760", SDLP: "#2aa82c",
    UUP: "#48a5ee", APNI: "#f6cb2f", TUV: "#0c3a6a", Spk: "#909090", Ind: "#b0b0b0",
    DEM: "#3333ff", REP: "#e81b23", UKIP: "#70147a", Brexit: "#12b6cf", BRX: "#12b6cf"
  };
  var OTHER_PARTIES = ["#e69f00", "#56b4e9", "#009e73", "#cc79a7", "#0072b2", "#d55e00", "#999999"];

  function colour(party) {
    if (!party) return NO_DATA;
    if (PARTY[party]) return PARTY[party];
    var hash = 0;
    for (var i = 0; i < party.length; i++) hash = (hash * 31 + party.charCodeAt(i)) >>> 0;
    return OTHER_PARTIES[hash % OTHER_PARTIES.length];
  }

  window.TurfmapColours = {
    colour: colour, need: need, PALETTE: PALETTE, BREAKS: BREAKS, NO_DATA: NO_DATA
  };
})();
