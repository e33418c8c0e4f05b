// The workspace's district table: a filter box, and column headings that sort.
// Progressive: without JavaScript the table is all there, neediest first.
(function () {
  "use strict";
  document.querySelectorAll("input[data-filters]").forEach(function (input) {
    var table = document.getElementById(input.dataset.filters);
    input.addEventListener("input", function () {
      var needle = input.value.trim().toLowerCase();
      table.querySelectorAll("tbody tr").forEach(function (row) {
        row.hidden = needle !== "" && row.textContent.toLowerCase().indexOf(needle) === -1;
      });
    });
  });
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("thead th").forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var numeric = th.dataset.type === "number";
        var rows = Array.prototype.slice.call(table.tBodies[0].rows);
        var key = function (row) {
          var cell = row.cells[column], text = cell.dataset.value || cell.textContent.trim();
          if (!numeric) return text.toLowerCase();
          var n = parseFloat(text);
          return isNaN(n) ? -1 : n;
        };
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
        });
        rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
      });
    });
  });
})();
