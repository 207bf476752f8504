// Live parts of a page: an element with an id and data-refresh-url is replaced by the HTML
// partial that URL returns, every data-refresh-seconds (default 30), when the tab is shown
// again, and shortly after a form is sent in place (data-partial, see heyi.js). Paused while
// the tab is hidden; a failed fetch or a redirect (signed out) leaves the element as it is.
(function () {
  const parts = Array.from(document.querySelectorAll("[id][data-refresh-url]"), (element) => ({
    id: element.id,
    url: element.dataset.refreshUrl,
    seconds: Number(element.dataset.refreshSeconds) || 30,
  }));

  async function refresh(part) {
    const current = document.getElementById(part.id);
    if (!current || document.hidden) return;
    try {
      const response = await fetch(part.url, {
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
        redirect: "manual",
      });
      if (response.ok) current.outerHTML = await response.text();
    } catch (error) {
      // Offline or the server is restarting: try again at the next tick.
    }
  }

  parts.forEach((part) => setInterval(() => refresh(part), part.seconds * 1000));
  document.addEventListener("visibilitychange", () => parts.forEach(refresh));
  // A change made in place (marking a notice read) shows in the live parts without a reload.
  document.addEventListener("submit", (event) => {
    if (event.target instanceof HTMLFormElement && event.target.dataset.partial) {
      setTimeout(() => parts.forEach(refresh), 1000);
    }
  });
})();
