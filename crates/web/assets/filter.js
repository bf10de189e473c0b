// Narrows the subjects table to rows whose text contains every word typed in the filter box.
// The table is complete without it. A link may carry a filter: index.html#filter=WORDS.
"use strict";
(function () {
  var box = document.getElementById("filter");
  var table = document.getElementById("subjects");
  var count = document.getElementById("shown");
  if (!box || !table) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  function apply() {
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var text = row.textContent.toLowerCase();
      var keep = words.every(function (w) { return text.indexOf(w) >= 0; });
      row.hidden = !keep;
      if (keep) { shown += 1; }
    });
    if (count) { count.textContent = shown + " of " + rows.length + " shown"; }
  }
  // A link can carry a filter: index.html#filter=contested
  var hash = window.location.hash;
  if (hash.indexOf("#filter=") === 0) {
    try { box.value = decodeURIComponent(hash.slice(8)); } catch (e) { box.value = ""; }
  }
  box.addEventListener("input", apply);
  apply();
})();
