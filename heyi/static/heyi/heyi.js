// heyi's small script: forms marked data-partial submit in place and swap the returned HTML
// partial into the element named by data-target, so pages work with or without JavaScript.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.partial) return;
  const target = document.querySelector(form.dataset.target);
  if (!target) return;
  event.preventDefault();
  const response = await fetch(form.action, {
    method: form.method || "post",
    body: new FormData(form),
    headers: { "X-Requested-With": "fetch", "HX-Request": "true" },
    credentials: "same-origin",
  });
  if (response.ok || response.status === 409 || response.status === 422) {
    target.outerHTML = await response.text();
  } else {
    form.submit();
  }
});
