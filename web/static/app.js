// kntc staff pages: progressive enhancement only; every page works without it.
// Keyboard: "/" goes to the search box (unless typing in a field already).
(function () {
  "use strict";
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var box = document.querySelector("[data-key='" + e.key + "']");
    if (box) {
      e.preventDefault();
      box.focus();
      if (box.select) box.select();
    }
  });
})();
// A "print" button (the citizen's receipt) prints the page.
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    if (e.target && e.target.closest && e.target.closest("[data-print]")) window.print();
  });
})();
