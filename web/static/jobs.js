/* A job's page: poll the job while it is queued or running, show its stage and count; when
   it ends, reload, and the server shows how it ended (the report, the error, a retry). */
"use strict";
(function () {
  const { api } = window.Sverka;
  const box = document.getElementById("job");
  const bar = document.getElementById("job-progress");
  const status = document.getElementById("job-status");
  const POLL_MS = 400, RETRY_MS = 2000;
  if (!box || !["queued", "running"].includes(box.dataset.state)) return;

  async function poll() {
    let result;
    try { result = await api("GET", box.dataset.poll); } catch (e) { result = null; }
    const job = result && result.data;
    if (result && result.status === 404) { window.location.reload(); return; }
    if (!job || !job.state) { window.setTimeout(poll, RETRY_MS); return; }  // no answer: try again
    if (!["queued", "running"].includes(job.state)) { window.location.reload(); return; }
    if (bar) { bar.max = Math.max(job.total, 1); bar.value = job.done; }
    if (status.textContent !== job.message) status.textContent = job.message;
    window.setTimeout(poll, POLL_MS);
  }
  window.setTimeout(poll, POLL_MS);
})();
