// A job's page follows the job: it asks the JSON endpoint named by the page where the job
// stands every two seconds, moves the progress bar, and reloads the page (which shows the
// result) once the job has finished. The same script serves the imports of large files
// (#import-job: rows done) and the other background jobs (#background-job: stage and
// percentage; a file it produced is downloaded at once, a closing leads back to its year).
// No inline script: a strict CSP holds.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("import-job") || document.getElementById("background-job");
  if (!box) return;
  const background = box.id === "background-job";
  if (box.dataset.finished === "true") {
    if (background) {
      // Just finished while the page was watching: fetch the file once.
      const file = document.getElementById("job-file");
      if (file && window.sessionStorage.getItem(`job-watched:${box.dataset.statusUrl}`)) {
        window.sessionStorage.removeItem(`job-watched:${box.dataset.statusUrl}`);
        window.location.assign(file.href);
      }
    }
    return;
  }
  const show = (job) => {
    if (background) {
      document.getElementById("job-status").textContent = job.label;
      if (job.stage) document.getElementById("job-stage").textContent = job.stage;
      document.getElementById("job-progress").value = job.percent;
      document.getElementById("job-percent").textContent = `${job.percent} %`;
      document.getElementById("job-counts").textContent = job.counts;
      return;
    }
    document.getElementById("import-job-status").textContent = job.label;
    if (job.total > 0) {
      const bar = document.getElementById("import-job-progress");
      bar.max = job.total;
      bar.value = job.done;
      document.getElementById("import-job-counts").textContent =
        `${job.done.toLocaleString()} / ${job.total.toLocaleString()}`;
    }
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
          if (background && job.status === "done" && !job.file_url && job.next_url) {
            window.location.assign(job.next_url); // a closing: its year's page
            return;
          }
          if (background && job.file_url) {
            window.sessionStorage.setItem(`job-watched:${box.dataset.statusUrl}`, "1");
          }
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
