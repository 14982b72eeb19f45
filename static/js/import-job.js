// An import job's page follows the job: it asks the JSON endpoint named by the page where
// the job stands every two seconds, moves the progress bar, and reloads the page (which
// shows the result) once the job has finished. No inline script: a strict CSP holds.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("import-job");
  if (!box || box.dataset.finished === "true") return;
  const bar = document.getElementById("import-job-progress");
  const counts = document.getElementById("import-job-counts");
  const status = document.getElementById("import-job-status");
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.statusUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok) {
        const job = await response.json();
        if (job.finished) {
          window.location.reload();
          return;
        }
        status.textContent = job.label;
        if (job.total > 0) {
          bar.max = job.total;
          bar.value = job.done;
          counts.textContent = `${job.done.toLocaleString()} / ${job.total.toLocaleString()}`;
        }
      }
    } catch (error) {
      // The network may come back: keep asking.
    }
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 1000);
});
