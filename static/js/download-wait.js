// Downloads that take a few seconds are never a silent wait: a link marked
// data-download-wait is disabled and reads "Preparing…" (its data-preparing text) until the
// response has come, which the server marks with a cookie named by a token the link sends
// (reports/views.py, mark_download). A download made in the background leads to its
// progress page instead, and this page is left. No inline script: a strict CSP holds.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("a[data-download-wait]").forEach((link) => {
    link.addEventListener("click", (event) => {
      if (link.classList.contains("disabled")) {
        event.preventDefault();
        return;
      }
      const token = Math.random().toString(36).slice(2, 14);
      const cookie = `benxi_download_${token}`;
      const url = new URL(link.href, window.location.href);
      url.searchParams.set("download", token);
      event.preventDefault();
      const label = link.textContent;
      link.classList.add("disabled");
      link.setAttribute("aria-disabled", "true");
      link.textContent = "";
      const spinner = document.createElement("span");
      spinner.className = "spinner-border spinner-border-sm me-1";
      spinner.setAttribute("aria-hidden", "true");
      link.append(spinner, link.dataset.preparing || "…");
      const started = Date.now();
      const restore = () => {
        link.textContent = label;
        link.classList.remove("disabled");
        link.removeAttribute("aria-disabled");
      };
      const check = () => {
        if (document.cookie.split("; ").some((item) => item.startsWith(`${cookie}=`))) {
          document.cookie = `${cookie}=; Max-Age=0; path=/; SameSite=Lax`;
          restore();
        } else if (Date.now() - started > 300000) {
          restore(); // five minutes: give the button back whatever happened
        } else {
          window.setTimeout(check, 400);
        }
      };
      window.location.assign(url.toString());
      window.setTimeout(check, 400);
    });
  });
  // A form whose work takes a while (closing a year) says so once it is sent.
  document.querySelectorAll("form[data-wait-text]").forEach((form) => {
    form.addEventListener("submit", () => {
      const button = form.querySelector("[type=submit]");
      if (!button) return;
      window.setTimeout(() => {
        button.disabled = true; // after the submission has taken the button's value
        button.textContent = "";
        const spinner = document.createElement("span");
        spinner.className = "spinner-border spinner-border-sm me-1";
        spinner.setAttribute("aria-hidden", "true");
        button.append(spinner, form.dataset.waitText);
      }, 0);
    });
  });
  // Going back to a page left for a job's progress page shows its buttons as they were.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) window.location.reload();
  });
});
