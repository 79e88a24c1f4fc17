// The projector: the question, the live idea wall grouped by clusters, and the ranked results
// once revealed. Read-only: it only ever asks for snapshots.

import { Connection } from "./connection.js";
import {
  element, organisationTypeName, page, phaseName, say, setText,
} from "./page.js";
import { Wall, drawGroups, drawResults } from "./wall.js";

// The presenter opens with the facilitator's session, so hidden ideas arrive and are dropped.
const wall = new Wall({ showHidden: false });
const views = new Map();
const sections = new Map();

const $ = (id) => document.getElementById(id);
const ui = {
  phaseName: $("phase-name"),
  resultsSection: $("results-section"),
  resultsList: $("results-list"),
  ideasCount: $("ideas-count"),
  ideasEmpty: $("ideas-empty"),
  wall: $("idea-wall"),
  joinOpen: $("join-open"),
  joinsClosed: $("joins-closed"),
};

new Connection(page, {
  snapshot(snapshot) {
    wall.load(snapshot);
    if (snapshot.workshop) drawJoins(snapshot.workshop.joins_locked);
    draw();
  },
  fact(name, payload) {
    if (name === "workshop.changed") {
      if (payload.workshop) drawJoins(payload.workshop.joins_locked);
      return;
    }
    if (wall.apply(name, payload)) draw();
  },
});

// Closed to new joins: the code and QR would only lead to a refusal, so a sentence says so.
function drawJoins(locked) {
  if (typeof locked !== "boolean") return;
  ui.joinOpen.hidden = locked;
  setText(ui.joinsClosed, locked ? say("joins_closed") : "");
}

function ideaNode(idea) {
  if (!views.has(idea.id)) {
    const text = element("p", { className: "idea-text" });
    const meta = element("p", { className: "idea-meta" });
    views.set(idea.id, { node: element("li", { className: "idea" }, [text, meta]), text, meta });
  }
  const view = views.get(idea.id);
  setText(view.text, idea.text);
  const parts = [];
  if (idea.author.nickname) parts.push(idea.author.nickname);
  parts.push(organisationTypeName(idea.author.organisation_type));
  setText(view.meta, parts.join(" · "));
  return view.node;
}

function draw() {
  if (!wall.workshop) return;
  setText(ui.phaseName, phaseName(wall.phase));
  document.body.dataset.phase = wall.phase;
  drawResults(wall, ui.resultsSection, ui.resultsList);
  setText(ui.ideasCount, say("ideas_count", { count: wall.ideas.size }));
  ui.ideasEmpty.hidden = wall.ideas.size > 0;
  drawGroups(ui.wall, wall.groups(), sections, ideaNode, {
    ungrouped: say("ungrouped"),
    emptyGroup: say("cluster_empty"),
  });
  for (const id of Array.from(views.keys())) {
    if (!wall.ideas.has(id)) views.delete(id);
  }
}

ui.phaseName.textContent = phaseName(ui.phaseName.dataset.phase || "");
