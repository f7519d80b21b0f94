// Administrator pages: follow running exports until they finish. No dependencies.
"use strict";

(function () {
  const rows = Array.from(document.querySelectorAll("tr.export-job[data-status='running']"));
  if (rows.length === 0) return;

  function describe(job) {
    if (job.status === "done") return "Done: " + job.messages + " messages";
    if (job.status === "failed") return "Failed: " + job.error;
    return job.done + " of " + job.total + " messages";
  }

  async function follow(row) {
    const response = await fetch(row.dataset.statusUrl, { credentials: "same-origin" });
    if (!response.ok) return;
    const job = await response.json();
    row.querySelector("progress").value = job.percent;
    row.querySelector("progress").textContent = job.percent + "%";
    row.querySelector(".job-state").textContent = describe(job);
    row.dataset.status = job.status;
    if (job.status === "done") {
      const cell = row.querySelector(".job-download");
      const link = document.createElement("a");
      link.href = row.dataset.statusUrl + "download/";
      link.textContent = "Download";
      cell.replaceChildren(link);
    }
  }

  async function tick() {
    const running = rows.filter((row) => row.dataset.status === "running");
    await Promise.all(running.map((row) => follow(row).catch(() => undefined)));
    if (running.some((row) => row.dataset.status === "running")) {
      window.setTimeout(tick, 1000);
    }
  }

  window.setTimeout(tick, 500);
})();
