// whipcount's shared scripts: calls to the JSON API (with the CSRF token), sortable
// tables and map tooltips.  No framework, no network beyond this server.
"use strict";
const wc = (() => {
  const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content || "";

  /** Call the JSON API; resolves to the decoded body, rejects with the server's detail. */
  async function api(method, url, body) {
    const headers = { Accept: "application/json" };
    if (method !== "GET" && method !== "HEAD") headers["X-CSRF-Token"] = csrf();
    const init = { method, headers, credentials: "same-origin" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(url, init);
    const text = await response.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (_) { data = text; }
    if (!response.ok) {
      let detail = data && data.detail !== undefined ? data.detail : text;
      if (Array.isArray(detail)) detail = detail.map((d) => `${(d.loc || []).slice(1).join(".")}: ${d.msg}`).join("; ");
      const error = new Error(String(detail || response.statusText));
      error.status = response.status;
      error.body = data;
      throw error;
    }
    return data;
  }

  function cellValue(cell) {
    const raw = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
    const number = Number(raw.replace(/[%,\s]/g, ""));
    return raw !== "" && !Number.isNaN(number) ? number : raw.toLowerCase();
  }

  /** Make a table sortable by clicking its headers (numbers numerically, text by locale). */
  function sortable(table) {
    const headers = Array.from(table.tHead.rows[0].cells);
    headers.forEach((th, index) => {
      th.tabIndex = 0;
      const sort = () => {
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach((h) => h.removeAttribute("aria-sort"));
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        rows.sort((a, b) => {
          const x = cellValue(a.cells[index]), y = cellValue(b.cells[index]);
          const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
          return ascending ? order : -order;
        });
        rows.forEach((row) => body.appendChild(row));
      };
      th.addEventListener("click", sort);
      th.addEventListener("keydown", (event) => { if (event.key === "Enter") sort(); });
    });
  }

  /** Show each map shape's data-label in a tooltip that follows the pointer. */
  function tooltips(svg) {
    const tip = document.createElement("div");
    tip.className = "tooltip";
    tip.hidden = true;
    document.body.appendChild(tip);
    svg.addEventListener("mousemove", (event) => {
      const shape = event.target.closest("[data-label]");
      if (!shape) { tip.hidden = true; return; }
      tip.textContent = shape.dataset.label;
      tip.style.left = `${event.clientX + 12}px`;
      tip.style.top = `${event.clientY + 12}px`;
      tip.hidden = false;
    });
    svg.addEventListener("mouseleave", () => { tip.hidden = true; });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("table.sortable").forEach(sortable);
    document.querySelectorAll("svg.map").forEach(tooltips);
  });

  return { api, sortable, tooltips, csrf };
})();
