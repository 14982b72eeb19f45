// A job's page follows the job (benxi_cp/jobs.py): it asks the JSON endpoint named by the
// page where the job stands every two seconds, shows its stage, percentage and counts, and
// reloads the page (which shows the result) once the job has finished. A file the job made
// is downloaded at once if the page watched it being made; a job whose page leads on (a
// closing: to its year) goes there when done. No inline script: a strict CSP holds.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("job");
  if (!box) return;
  const watched = `job-watched:${box.dataset.statusUrl}`;
  if (box.dataset.finished === "true") {
    // Just finished while the page was watching: fetch the file once.
    const file = document.getElementById("job-file");
    if (file && window.sessionStorage.getItem(watched)) {
      window.sessionStorage.removeItem(watched);
      window.location.assign(file.href);
    }
    return;
  }
  const show = (job) => {
    document.getElementById("job-status").textContent = job.label;
    if (job.stage) document.getElementById("job-stage").textContent = job.stage;
    document.getElementById("job-progress").value = job.percent;
    document.getElementById("job-percent").textContent = `${job.percent} %`;
    document.getElementById("job-counts").textContent = job.counts;
  };
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.statusUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok) {
        const job = await response.json();
        if (job.finished) {
          if (job.status === "done" && !job.file_url && box.dataset.leadOn) {
            window.location.assign(box.dataset.leadOn);
            return;
          }
          if (job.file_url) window.sessionStorage.setItem(watched, "1");
          window.location.reload();
          return;
        }
        show(job);
      }
    } catch (error) {
      // The network may come back: keep asking.
    }
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 1000);
});
