// Live worklist: one EventSource; each "alert" event carries the alert JSON and its row HTML.
(function () {
  "use strict";
  const table = document.getElementById("worklist");
  if (!table || table.dataset.live !== "1" || !window.EventSource) return;
  const tbody = table.tBodies[0];
  const empty = document.getElementById("worklist-empty");
  const state = document.getElementById("live-state");
  const count = document.querySelector("[data-testid=alert-count]");
  const active = new Set(["open", "acknowledged", "snoozed"]);
  const rank = { urgent: 0, high: 1, routine: 2 };
  const params = new URLSearchParams({ since: table.dataset.since });
  if (table.dataset.role) params.set("role", table.dataset.role);

  function wanted(alert) {
    if (!active.has(alert.status)) return false;
    if (table.dataset.mine === "1") {
      return alert.assignee_clinician_id === table.dataset.me || alert.assignee_clinician_id === null;
    }
    return true;
  }
  function refresh() {
    const n = tbody.querySelectorAll("tr.esc-row").length;
    if (count) count.textContent = "(" + n + ")";
    empty.classList.toggle("hidden", n > 0);
  }
  function place(row) {
    const mine = rank[row.dataset.severity];
    for (const other of tbody.querySelectorAll("tr.esc-row")) {
      if (other !== row && rank[other.dataset.severity] > mine) { tbody.insertBefore(row, other); return; }
    }
    tbody.insertBefore(row, empty);
  }
  function upsert(data) {
    const alert = data.alert;
    const existing = document.getElementById("alert-" + alert.id);
    if (existing && Number(existing.dataset.version) >= alert.version) return;
    if (!wanted(alert)) { if (existing) existing.remove(); refresh(); return; }
    const holder = document.createElement("tbody");
    holder.innerHTML = data.html.trim();
    const row = holder.firstElementChild;
    if (existing) { existing.replaceWith(row); } else { row.classList.add("esc-new"); place(row); }
    refresh();
  }
  const source = new EventSource("/api/v1/escalations/stream?" + params.toString());
  source.addEventListener("open", function () { if (state) { state.textContent = "live"; state.classList.remove("off"); } });
  source.addEventListener("error", function () { if (state) { state.textContent = "reconnecting…"; state.classList.add("off"); } });
  source.addEventListener("alert", function (event) { upsert(JSON.parse(event.data)); });
})();
