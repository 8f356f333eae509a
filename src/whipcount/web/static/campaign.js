// The campaign pages' scripts: the create form, the whip board's inline reports and
// edits (the tally, the rows and the map follow without a reload), a member's forms.
// Every write goes through the JSON API with wc.api (CSRF header); text from the
// server is only ever set with textContent, never parsed as HTML.
"use strict";
const wcCampaign = (() => {
  const CLASSES = ["yes", "no", "abstain", "absent"];
  // the vote colours of whipcount.css and campaign_views.VOTE_COLOURS
  const COLOURS = { yes: "#009E73", no: "#D55E00", abstain: "#E69F00", absent: "#6E6E6E" };

  const percent = (p, digits = 0) => (p === null || p === undefined ? "—" : `${(100 * p).toFixed(digits)}%`);

  /** An element with a class and children (strings become text nodes). */
  function el(tag, className, ...children) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    children.forEach((child) => node.append(child));
    return node;
  }

  const badge = (vote) => el("span", `vote ${vote}`, vote);

  /** Show a message (text only) in a status element; kind "ok" or "error". */
  function say(element, kind, ...parts) {
    if (!element) return;
    element.replaceChildren(...parts);
    element.classList.remove("ok", "error");
    element.classList.add(kind);
    element.hidden = false;
  }

  /** The message for a failed write: a stale version (409) asks for a reload. */
  function failure(error) {
    if (error.status === 409 && error.body) {
      const reload = el("button", "link", "reload");
      reload.type = "button";
      reload.addEventListener("click", () => window.location.reload());
      return [`Changed by someone else since you read it (you read version ${error.body.expected}, ` +
        `it is now at version ${error.body.current}) — `, reload, " and try again."];
    }
    return [error.message];
  }

  /** Redraw a tally bar and its numbers inside ``root`` from a tally summary. */
  function renderTally(root, tally) {
    const total = CLASSES.reduce((sum, c) => sum + tally[c].mean, 0) || 1;
    CLASSES.forEach((c) => {
      const { mean, q10, q90 } = tally[c];
      const segment = root.querySelector(`.tally [data-vote="${c}"]`);
      if (segment) {
        const width = 100 * mean / total;
        segment.style.width = `${width.toFixed(2)}%`;
        segment.textContent = width >= 12 ? `${c} ${Math.round(mean)}` : ""; // as _campaign_tally.html
        segment.title = `${c}: ${mean.toFixed(1)} (${q10}–${q90})`;
      }
      const meanCell = root.querySelector(`[data-mean="${c}"]`);
      if (meanCell) meanCell.textContent = mean.toFixed(1);
      const rangeCell = root.querySelector(`[data-range="${c}"]`);
      if (rangeCell) rangeCell.textContent = `${q10}–${q90}`;
    });
  }

  /** Colour a member's shape on a map by its call now (campaign_views.map_opacity's rule). */
  function paint(svg, member) {
    const shape = svg && svg.querySelector(`[data-iso3="${CSS.escape(member.iso3)}"]`);
    if (!shape) return;
    const p = member.p_now[member.call];
    shape.style.fill = COLOURS[member.call];
    shape.setAttribute("fill-opacity", Math.max(0.3, p).toFixed(2));
    shape.dataset.label = `${member.name}: ${member.call} ${percent(p)}`;
  }

  // -- the create form ------------------------------------------------------------------
  function createForm(form) {
    const field = (name) => form.elements[name];
    const kind = () => form.querySelector('input[name="vote_kind"]:checked').value;
    const showKind = () => form.querySelectorAll("[data-kind]").forEach((div) => { div.hidden = div.dataset.kind !== kind(); });
    const showThreshold = () => {
      form.querySelector("[data-threshold]").hidden = !field("goal").value.startsWith("yes-");
    };
    form.querySelectorAll('input[name="vote_kind"]').forEach((radio) => radio.addEventListener("change", showKind));
    field("goal").addEventListener("change", showThreshold);
    showKind();
    showThreshold();
    const button = form.querySelector('button[type="submit"]');
    const working = form.querySelector(".working");
    const problem = form.querySelector(".error");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = {};
      const put = (key, value) => { if (value !== "" && value !== undefined) body[key] = value; };
      ["name", "lobbyist", "vote_date", "capacity", "as_of", "majority"].forEach((k) => put(k, field(k).value.trim()));
      const goal = field("goal").value;
      put("goal", goal.startsWith("yes-") ? `${goal}:${field("threshold").value.trim()}` : goal);
      if (kind() === "series") {
        put("series", field("series").value.trim());
        if (field("session").value) body.session = Number(field("session").value);
      } else {
        put("draft", field("draft").value.trim());
        body.sponsors = field("sponsors").value.split(/[\s,;]+/).filter(Boolean);
      }
      button.disabled = true;
      working.hidden = false;
      problem.hidden = true;
      try {
        await wc.api("POST", "/api/campaigns", body);
        working.textContent = "Created — opening the whip board…";
        window.location.assign(`/campaigns/${encodeURIComponent(body.name || "")}`);
      } catch (error) {
        working.hidden = true;
        say(problem, "error", ...failure(error));
        button.disabled = false;
      }
    });
  }

  // -- the whip board -------------------------------------------------------------------
  function board(root) {
    const api = root.dataset.api;
    const ask = root.dataset.ask;
    const table = root.querySelector("#board");
    const template = document.getElementById("row-editor");
    const svg = root.querySelector("svg.map");
    const summary = root.querySelector(".campaign-summary");
    const rowOf = (iso3) => table.querySelector(`tbody tr[data-iso3="${CSS.escape(iso3)}"]`);
    const cell = (row, name) => row.querySelector(`[data-field="${name}"]`);

    function updateRow(row, m) {
      row.dataset.version = m.version;
      cell(row, "post").textContent = m.post;
      const now = cell(row, "now");
      now.replaceChildren(badge(m.call), ` ${percent(m.p_now[m.call])}`);
      now.dataset.sort = `${m.call} ${m.p_now[m.call].toFixed(4)}`;
      const pAsk = cell(row, "p_ask");
      pAsk.textContent = percent(m.p_now[ask]);
      pAsk.dataset.sort = m.p_now[ask];
      const report = cell(row, "report");
      report.dataset.sort = m.reported_on || "";
      if (m.position) {
        report.replaceChildren(`${m.position} `, el("small", "", `${m.source} · ${m.reported_on} · reliability ${m.reliability}`));
      } else {
        report.replaceChildren(el("small", "", "—"));
      }
      cell(row, "note").textContent = m.note;
      cell(row, "version").textContent = m.version;
    }

    /** Fetch the board (and the démarches left) again; redraw the count, the rows, the map. */
    async function refresh(changed) {
      const [doc, shown] = await Promise.all([wc.api("GET", `${api}/board`), wc.api("GET", api)]);
      renderTally(summary, doc.tally);
      document.getElementById("demarches-left").textContent = shown.demarches_left;
      root.dataset.day = doc.day;
      document.getElementById("p-goal").textContent = percent(doc.p_goal, 1);
      document.getElementById("p-adopted").textContent = percent(doc.p_adopted, 1);
      document.getElementById("reported").textContent = doc.reported_members;
      document.getElementById("campaign-day").textContent = doc.day;
      doc.members.forEach((m) => {
        const row = rowOf(m.iso3);
        if (row) updateRow(row, m);
        paint(svg, m);
      });
      const row = changed && rowOf(changed);
      if (row) {
        row.classList.remove("updated");
        void row.offsetWidth; // restart the highlight
        row.classList.add("updated");
      }
      return doc;
    }

    async function submit(row, form, message) {
      const iso3 = row.dataset.iso3;
      const version = Number(row.dataset.version);
      const f = form.elements;
      const button = form.querySelector('button[type="submit"]');
      let body;
      let url = `${api}/members/${encodeURIComponent(iso3)}`;
      if (form.dataset.form === "report") {
        body = { position: f.position.value, source: f.source.value.trim(), reliability: Number(f.reliability.value), version };
        if (f.date.value) body.date = f.date.value;
        url += "/reports";
      } else {
        body = { version };
        const post = f.post.value.trim().toUpperCase();
        if (post && post !== cell(row, "post").textContent.trim()) body.post = post;
        if (f.note.value !== cell(row, "note").textContent) body.note = f.note.value;
        if (body.post === undefined && body.note === undefined) {
          say(message, "ok", "Nothing changed.");
          return;
        }
      }
      button.disabled = true;
      say(message, "ok", "Saving…");
      try {
        await wc.api(form.dataset.form === "report" ? "POST" : "PATCH", url, body);
        const doc = await refresh(iso3);
        const m = doc.members.find((x) => x.iso3 === iso3);
        say(message, "ok", form.dataset.form === "report"
          ? `Recorded. ${iso3} now ${m.call} ${percent(m.p_now[m.call])}; P(goal) ${percent(doc.p_goal, 1)}.`
          : `Saved (version ${m.version}).`);
      } catch (error) {
        say(message, "error", ...failure(error));
      } finally {
        button.disabled = false;
      }
    }

    function toggle(row, button) {
      const actions = row.querySelector("td.actions");
      const open = actions.querySelector(".row-editor");
      button.setAttribute("aria-expanded", String(!open));
      if (open) { open.remove(); return; }
      const editor = template.content.firstElementChild.cloneNode(true);
      const report = editor.querySelector('[data-form="report"]');
      if (report && row.dataset.mayReport !== "1") report.remove();
      else if (report) report.elements.date.value = root.dataset.day; // the campaign's day now
      const edit = editor.querySelector('[data-form="edit"]');
      if (edit) {
        edit.elements.post.value = cell(row, "post").textContent.trim();
        edit.elements.note.value = cell(row, "note").textContent;
      }
      const message = editor.querySelector(".message");
      editor.addEventListener("submit", (event) => {
        event.preventDefault();
        submit(row, event.target, message);
      });
      actions.appendChild(editor);
      editor.querySelector("select, input")?.focus();
    }

    table.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-action]");
      if (!button) return;
      const row = button.closest("tbody tr");
      if (button.dataset.action === "edit") toggle(row, button);
      if (button.dataset.action === "close") toggle(row, row.querySelector('button[data-action="edit"]'));
    });
    return { refresh };
  }

  // -- a member's page ----------------------------------------------------------------
  function member(root) {
    const api = root.dataset.api;
    const url = `${api}/members/${encodeURIComponent(root.dataset.iso3)}`;
    const message = document.getElementById("member-message");
    root.querySelectorAll("form[data-form]").forEach((form) => {
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const f = form.elements;
        const version = Number(root.dataset.version);
        const kind = form.dataset.form;
        const body = { version };
        const put = (key) => { if (f[key] && f[key].value.trim() !== "") body[key] = f[key].value.trim(); };
        let method = "POST";
        let target = url;
        if (kind === "report") {
          ["position", "source", "date", "note"].forEach(put);
          body.reliability = Number(f.reliability.value);
          target += "/reports";
        } else if (kind === "contact") {
          ["level", "channel", "date", "response", "follow_up", "officer", "note"].forEach(put);
          body.arguments = Array.from(form.querySelectorAll('input[name="arguments"]:checked')).map((c) => Number(c.value));
          target += "/contacts";
        } else {
          method = "PATCH";  // only what changed: an emptied post is not a post
          const post = f.post.value.trim().toUpperCase();
          if (post && post !== f.post.defaultValue.trim().toUpperCase()) body.post = post;
          if (f.note.value !== f.note.defaultValue) body.note = f.note.value;
          if (body.post === undefined && body.note === undefined) {
            say(message, "error", "Nothing changed: change the post or the note first.");
            return;
          }
        }
        const button = form.querySelector('button[type="submit"]');
        button.disabled = true;
        try {
          await wc.api(method, target, body);
          say(message, "ok", "Saved — reloading…");
          window.location.reload();
        } catch (error) {
          say(message, "error", ...failure(error));
          button.disabled = false;
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const create = document.getElementById("create-campaign");
    if (create) createForm(create);
    const root = document.getElementById("campaign");
    if (root) board(root);
    const file = document.getElementById("campaign-member");
    if (file) member(file);
  });

  return { CLASSES, COLOURS, badge, el, failure, paint, percent, renderTally, say };
})();
