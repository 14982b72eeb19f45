// The options grid: add rows from the formset's empty form, move between rows with the
// arrow keys, and set the screening result of every ticked row at once.
(function () {
  "use strict";
  const form = document.getElementById("options-grid-form");
  if (!form) return;
  const body = document.getElementById("grid-body");
  const template = document.getElementById("grid-row-template");
  const total = form.querySelector("input[name$='-TOTAL_FORMS']");
  const prefix = total.name.replace(/-TOTAL_FORMS$/, "");
  const codePrefix = form.dataset.codePrefix || "F";
  const note = document.getElementById("screen-note");

  function nextCode() {
    let highest = 0;
    let width = 2;
    body.querySelectorAll("input[name$='-code']").forEach(function (input) {
      const match = /^(\D*)(\d+)$/.exec(input.value.trim());
      if (match) {
        highest = Math.max(highest, parseInt(match[2], 10));
        width = Math.max(width, match[2].length);
      }
    });
    return codePrefix + String(highest + 1).padStart(width, "0");
  }

  function addRow() {
    const index = parseInt(total.value, 10);
    const html = template.innerHTML.replace(/__prefix__/g, String(index));
    body.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    const row = body.lastElementChild;
    const code = row.querySelector("input[name$='-code']");
    code.value = nextCode();
    row.querySelector("input[name$='-title']").focus();
    return row;
  }

  document.getElementById("add-row").addEventListener("click", addRow);

  // A blank row gets the next code as soon as its title is typed.
  body.addEventListener("input", function (event) {
    if (!event.target.name || !event.target.name.endsWith("-title")) return;
    const code = event.target.closest("tr").querySelector("input[name$='-code']");
    if (code && !code.value.trim() && event.target.value.trim()) code.value = nextCode();
  });

  // Up and down arrows move to the same column of the row above or below.
  body.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
    const target = event.target;
    if (!(target instanceof HTMLInputElement) || target.type === "checkbox") return;
    const cell = target.closest("td");
    const row = cell.closest("tr");
    const sibling = event.key === "ArrowUp" ? row.previousElementSibling : row.nextElementSibling;
    if (!sibling) {
      if (event.key === "ArrowDown" && target.name.endsWith("-title") && target.value.trim()) {
        event.preventDefault();
        addRow();
      }
      return;
    }
    const column = Array.prototype.indexOf.call(row.children, cell);
    const field = sibling.children[column] && sibling.children[column].querySelector("input, select");
    if (field) {
      event.preventDefault();
      field.focus();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.altKey && (event.key === "n" || event.key === "N")) {
      event.preventDefault();
      addRow();
    }
  });

  document.getElementById("tick-all").addEventListener("change", function (event) {
    body.querySelectorAll(".row-tick").forEach(function (tick) {
      tick.checked = event.target.checked;
    });
  });

  form.querySelectorAll(".screen-button").forEach(function (button) {
    button.addEventListener("click", function () {
      const status = button.dataset.status;
      let changed = 0;
      let refused = 0;
      body.querySelectorAll(".row-tick:checked").forEach(function (tick) {
        const row = tick.closest("tr");
        const select = row.querySelector("select[name$='-status']");
        const allowed = Array.prototype.some.call(select.options, function (option) {
          return option.value === status;
        });
        row.classList.remove("row-flash");
        if (allowed) {
          select.value = status;
          changed += 1;
        } else {
          row.classList.add("row-flash");
          refused += 1;
        }
      });
      note.textContent = (form.dataset.screenedText || "{set} set, {refused} refused")
        .replace("{set}", String(changed))
        .replace("{refused}", String(refused));
    });
  });
})();
