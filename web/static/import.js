/* The import progress page: poll the job, show its stage and count, open the document when
   it is in; if the import failed, reload, and the server shows the form with the error. */
"use strict";
(function () {
  const { api } = window.Sverka;
  const box = document.getElementById("import-job");
  const bar = document.getElementById("import-progress");
  const status = document.getElementById("import-status");
  const POLL_MS = 400, RETRY_MS = 2000;

  async function poll() {
    let result;
    try { result = await api("GET", box.dataset.poll); } catch (e) { result = null; }
    if (result && result.status === 404) { window.location.reload(); return; }  // the server forgot it: say so
    const job = result && result.data;
    if (!job || !job.state) { window.setTimeout(poll, RETRY_MS); return; }  // no answer: try again
    if (job.state === "done") { window.location.assign(job.location); return; }
    if (job.state === "failed") { window.location.reload(); return; }
    bar.max = Math.max(job.total, 1);
    bar.value = job.done;
    if (status.textContent !== job.message) status.textContent = job.message;
    window.setTimeout(poll, POLL_MS);
  }
  window.setTimeout(poll, POLL_MS);
})();
