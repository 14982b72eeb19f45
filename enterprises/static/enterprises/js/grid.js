// The discharge entry grid: Enter and the arrow keys move between amount fields, so a
// clerk types a whole report without the mouse; Enter never submits the form by accident.
// On a phone the table scrolls sideways under its first column (the pollutant), which stays
// in view: the field being typed in is kept beside that column, never under it. A save the
// server refused says so in the banner at the top; the cursor goes to the first field in error.
(function () {
  "use strict";
  var MARGIN = 8; // px between the frozen column and the field scrolled beside it

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

  // The frozen (sticky) first cell of the field's row, unless the field is in it.
  function frozenCell(field) {
    var cell = field.closest("td, th");
    var row = field.closest("tr");
    var first = row && row.firstElementChild;
    if (!first || first === cell) return null;
    return window.getComputedStyle(first).position === "sticky" ? first : null;
  }

  function keepInView(field) {
    var scroller = field.closest(".table-responsive");
    if (!scroller || scroller.scrollWidth <= scroller.clientWidth) return;
    var frozen = frozenCell(field);
    var box = field.getBoundingClientRect();
    var edge = frozen ? frozen.getBoundingClientRect().right : scroller.getBoundingClientRect().left;
    var right = scroller.getBoundingClientRect().right;
    if (box.left < edge + MARGIN) {
      scroller.scrollLeft -= edge + MARGIN - box.left;
    } else if (box.right > right - MARGIN) {
      scroller.scrollLeft += Math.min(box.right - right + MARGIN, box.left - edge - MARGIN);
    }
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
    // After the browser's own scrolling to the focused field (which does not know of the
    // frozen column), and once more at the next frame in case it scrolls after the event.
    grid.addEventListener("focusin", function (event) {
      var field = event.target;
      if (!field.matches || !field.matches("input, select, textarea, button")) return;
      keepInView(field);
      window.requestAnimationFrame(function () {
        keepInView(field);
      });
    });
    var refused = document.getElementById("grid-refused");
    if (refused) {
      var invalid = grid.querySelector("[aria-invalid=true]");
      if (invalid) invalid.focus(); // the banner stays at the top of the window
    }
  });
})();
