// The scenario builder: a click on a member (on the map or in the table) cycles its
// vote yes → no → abstain → absent → back to the forecast; the tally and P(goal) are
// asked of the JSON API's scenario route (POST, votes in the body) after every change.
// Needs campaign.js (wcCampaign) and whipcount.js (wc).
"use strict";
(() => {
  const CYCLE = [null, "yes", "no", "abstain", "absent"];

  function builder(root) {
    const api = root.dataset.api;
    const votes = new Map(); // ISO3 -> vote, in the order set
    const summary = root.querySelector(".campaign-summary");
    const svg = root.querySelector("svg.map");
    const table = root.querySelector("#scenario-table");
    const fixedText = document.getElementById("scenario-fixed");
    const problem = document.getElementById("scenario-error");
    let asked = 0;

    function show(iso3, vote) {
      const button = table.querySelector(`button.vote-toggle[data-iso3="${CSS.escape(iso3)}"]`);
      if (button) {
        button.textContent = vote || "(forecast)";
        button.className = vote ? `vote-toggle vote ${vote}` : "secondary vote-toggle";
        button.closest("td").dataset.sort = vote || "";
      }
      const shape = svg && svg.querySelector(`[data-iso3="${CSS.escape(iso3)}"]`);
      if (shape) {
        if (!("opacity" in shape.dataset)) shape.dataset.opacity = shape.getAttribute("fill-opacity") || "1";
        shape.style.fill = vote ? wcCampaign.COLOURS[vote] : "";
        shape.setAttribute("fill-opacity", vote ? "1" : shape.dataset.opacity);
        shape.classList.toggle("selected", Boolean(vote));
      }
    }

    function set(iso3, vote) {
      if (vote) votes.set(iso3, vote); else votes.delete(iso3);
      show(iso3, vote);
    }

    function cycle(iso3) {
      const next = CYCLE[(CYCLE.indexOf(votes.get(iso3) || null) + 1) % CYCLE.length];
      set(iso3, next);
      update();
    }

    async function update() {
      const ticket = ++asked;
      problem.hidden = true;
      root.classList.add("computing");
      try {
        const doc = votes.size
          ? await wc.api("POST", `${api}/scenario`, { votes: Object.fromEntries(votes) })
          : await wc.api("GET", `${api}/board`);
        if (ticket !== asked) return; // a later click's answer is on its way
        wcCampaign.renderTally(summary, doc.tally);
        document.getElementById("p-goal").textContent = wcCampaign.percent(doc.p_goal, 1);
        document.getElementById("p-adopted").textContent = wcCampaign.percent(doc.p_adopted, 1);
        fixedText.textContent = votes.size
          ? `${votes.size} member${votes.size === 1 ? "" : "s"} set: ` +
            Array.from(votes, ([code, vote]) => `${code} ${vote}`).join(", ") + "."
          : "No member set: the board as it is.";
      } catch (error) {
        if (ticket === asked) wcCampaign.say(problem, "error", ...wcCampaign.failure(error));
      } finally {
        if (ticket === asked) root.classList.remove("computing");
      }
    }

    if (svg) {
      svg.addEventListener("click", (event) => {
        const shape = event.target.closest("[data-iso3]");
        if (shape) cycle(shape.dataset.iso3);
      });
      svg.addEventListener("keydown", (event) => {
        const shape = event.target.closest("[data-iso3]");
        if (shape && (event.key === "Enter" || event.key === " ")) {
          event.preventDefault();
          cycle(shape.dataset.iso3);
        }
      });
    }
    table.addEventListener("click", (event) => {
      const button = event.target.closest("button.vote-toggle");
      if (button) cycle(button.dataset.iso3);
    });
    document.getElementById("scenario-reset").addEventListener("click", () => {
      Array.from(votes.keys()).forEach((code) => set(code, null));
      update();
    });
    const takes = document.getElementById("apply-takes");
    if (takes) {
      takes.addEventListener("click", () => {
        takes.dataset.members.split(" ").filter(Boolean).forEach((code) => set(code, takes.dataset.vote));
        update();
      });
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const root = document.getElementById("scenario");
    if (root) builder(root);
  });
})();
