// The projector: the question, the live idea wall grouped by clusters, and the ranked results
// once revealed. Read-only: it only ever asks for snapshots.

import { ClusterWall } from "../components/clusters.js";
import { IdeaCards } from "../components/idea-card.js";
import { drawResults } from "../components/results.js";
import { Connection } from "../core/connection.js";
import { setText } from "../core/dom.js";
import { page, phaseName, say } from "../core/page.js";
import { Store } from "../core/store.js";
import { clusters, groups } from "../features/clusters.js";
import { ideas } from "../features/ideas.js";
import { phaseOf, phases } from "../features/phases.js";
import { rankedResults, results } from "../features/results.js";
import { mountTimer, timer } from "../features/timer.js";

// The presenter opens with the facilitator's session, so hidden ideas arrive and are dropped.
const store = new Store([phases, ideas, clusters, results, timer], { seesHidden: false });
const cards = new IdeaCards();

const $ = (id) => document.getElementById(id);
const ui = {
  phaseName: $("phase-name"),
  resultsSection: $("results-section"),
  resultsList: $("results-list"),
  ideasCount: $("ideas-count"),
  ideasEmpty: $("ideas-empty"),
  joinOpen: $("join-open"),
  joinsClosed: $("joins-closed"),
};
const wall = new ClusterWall($("idea-wall"));

const connection = new Connection(page, {
  snapshot(snapshot) {
    store.load(snapshot);
  },
  fact(name, payload) {
    store.dispatch(name, payload);
  },
});
mountTimer($("activity-timer"), store, connection);

// Closed to new joins: the code and QR would only lead to a refusal, so a sentence says so.
function drawJoins(locked) {
  if (typeof locked !== "boolean") return;
  ui.joinOpen.hidden = locked;
  setText(ui.joinsClosed, locked ? say("joins_closed") : "");
}

function draw(state) {
  if (!state.workshop) return;
  const phase = phaseOf(state);
  setText(ui.phaseName, phaseName(phase));
  document.body.dataset.phase = phase;
  drawJoins(state.workshop.joins_locked);
  drawResults(rankedResults(state), ui.resultsSection, ui.resultsList);
  setText(ui.ideasCount, say("ideas_count", { count: state.ideas.size }));
  ui.ideasEmpty.hidden = state.ideas.size > 0;
  wall.draw(groups(state), (idea) => cards.draw(idea));
  cards.keepOnly(state.ideas);
}

store.subscribe(draw);
ui.phaseName.textContent = phaseName(ui.phaseName.dataset.phase || "");
