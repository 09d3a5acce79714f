/* Forms that take a while (imports): say so, and keep a second click from sending twice. */
"use strict";
document.querySelectorAll("form[data-busy]").forEach((form) => {
  form.addEventListener("submit", () => {
    const status = form.querySelector(".busy");
    form.setAttribute("aria-busy", "true");
    form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; });
    if (status) { status.hidden = false; status.textContent = form.dataset.busy; }
  });
});
