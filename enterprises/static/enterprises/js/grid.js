// The discharge entry grid: Enter and the arrow keys move between amount fields, so a
// clerk types a whole report without the mouse; Enter never submits the form by accident.
(function () {
  "use strict";
  function fields(grid) {
    return Array.prototype.slice.call(grid.querySelectorAll("[data-grid-field]"));
  }
  function move(grid, from, step) {
    var list = fields(grid);
    var next = list[list.indexOf(from) + step];
    if (next) {
      next.focus();
      if (typeof next.select === "function") next.select();
      return true;
    }
    return false;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var grid = document.querySelector("[data-entry-grid]");
    if (!grid) return;
    grid.addEventListener("keydown", function (event) {
      var target = event.target;
      if (!target.matches || !target.matches("[data-grid-field]") || event.isComposing) return;
      if (event.key === "Enter") {
        event.preventDefault();
        if (!move(grid, target, event.shiftKey ? -1 : 1) && !event.shiftKey) {
          var save = grid.querySelector("[data-grid-save]");
          if (save) save.focus();
        }
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        move(grid, target, event.key === "ArrowDown" ? 1 : -1);
      }
    });
  });
})();
