// The report page's "Make a PDF": starts the server's job, shows how far it is in a status
// line (read out by screen readers), then offers the download. Without this script the form
// still starts the job and the page, reloaded, shows the same status.

const panel = document.getElementById("pdf");
const form = document.getElementById("pdf-form");
const button = document.getElementById("pdf-button");
const status = document.getElementById("pdf-status");
const download = document.getElementById("pdf-download");
const POLL_MS = 600;
const RUNNING = new Set(["gathering", "drawing", "laying_out"]);

function show(job) {
  status.textContent = job.message;
  status.classList.toggle("pdf-failed", job.state === "failed");
  download.hidden = job.state !== "ready";
  const running = RUNNING.has(job.state);
  button.disabled = running;
  button.setAttribute("aria-disabled", running ? "true" : "false");
  return running;
}

async function follow() {
  for (;;) {
    const answer = await fetch(panel.dataset.statusUrl, {
      headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store",
    });
    if (!answer.ok) throw new Error(`status ${answer.status}`);
    if (!show(await answer.json())) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function failed() {
  status.textContent = form.dataset.failed;
  status.classList.add("pdf-failed");
  button.disabled = false;
}

if (form) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (button.disabled) return; // one PDF at a time: the server would answer with the same job
    button.disabled = true;
    try {
      const answer = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!answer.ok) throw new Error(`start ${answer.status}`);
      if (show(await answer.json())) await follow();
    } catch {
      failed();
    }
  });
  // Opened while a PDF is being made (a reload, a second tab): follow it from here.
  if (button.disabled || status.dataset.state === "running") follow().catch(failed);
}
