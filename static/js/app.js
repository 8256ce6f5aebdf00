/* Sổ liên hệ 213: the little behaviour the screens need, in one file (the Content-Security-Policy
   forbids inline script and on*= attributes; see docs/security.md). */
(function () {
  "use strict";

  // A "select all" checkbox: <input type="checkbox" data-check-all="chon"> ticks every
  // input[name="chon"] on the page (the start-of-year review, the returned comments).
  function bindCheckAll(root) {
    root.querySelectorAll("input[data-check-all]").forEach(function (all) {
      if (all.dataset.bound) return;
      all.dataset.bound = "1";
      all.addEventListener("change", function () {
        var name = all.getAttribute("data-check-all");
        document.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (box) {
          box.checked = all.checked;
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { bindCheckAll(document); });
  // parts of pages swapped in by htmx get the same behaviour
  document.addEventListener("htmx:load", function (event) { bindCheckAll(event.target); });
})();
