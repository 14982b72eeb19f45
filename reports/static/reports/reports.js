// Reports: print buttons and year pickers that submit on change (no inline scripts).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".js-print").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
  document.querySelectorAll(".js-autosubmit").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
});
