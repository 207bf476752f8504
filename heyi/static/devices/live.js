// The device page, live: every few seconds (while the tab is shown) fetch the page's live.json
// and redraw the online badge, last seen, alarm badge and the tables marked data-live-rows. The
// server words every cell; this script only places text, never HTML. The charts refresh
// themselves through heyi/refresh.js (data-refresh-url, every minute).
(function () {
  const root = document.querySelector("[data-device-live-url]");
  if (!root) return;
  const url = root.dataset.deviceLiveUrl;
  const seconds = Number(root.dataset.deviceLiveSeconds) || 5;

  function cell(value) {
    const td = document.createElement("td");
    if (value.class) {
      const span = document.createElement("span");
      span.className = value.class;
      span.textContent = value.text;
      td.appendChild(span);
    } else {
      td.textContent = value.text;
    }
    return td;
  }

  function table(name, data) {
    const body = root.querySelector(`[data-live-rows="${name}"]`);
    if (!body || !data) return;
    const rows = data.rows.map((row) => {
      const tr = document.createElement("tr");
      row.forEach((value) => tr.appendChild(cell(value)));
      return tr;
    });
    if (!rows.length) {
      const tr = document.createElement("tr");
      const td = cell({ text: data.empty, class: "" });
      td.colSpan = Number(body.dataset.columns) || 1;
      td.className = "text-muted";
      tr.appendChild(td);
      rows.push(tr);
    }
    body.replaceChildren(...rows);
  }

  function badge(name, data) {
    root.querySelectorAll(`[data-live-badge="${name}"]`).forEach((element) => {
      element.className = data.class;
      element.textContent = data.text;
    });
  }

  async function refresh() {
    if (document.hidden) return;
    try {
      const response = await fetch(url, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        redirect: "manual",
      });
      if (!response.ok) return;
      const live = await response.json();
      badge("online", live.online);
      badge("alarms", live.alarms);
      root.querySelectorAll('[data-live-text="last_seen"]').forEach((element) => {
        element.textContent = live.last_seen;
      });
      Object.entries(live.tables).forEach(([name, data]) => table(name, data));
    } catch (error) {
      // Offline or the server is restarting: the next tick tries again.
    }
  }

  setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", refresh);
})();
