// The projector: the question, the live idea wall grouped by clusters, and the ranked results
// once revealed. Read-only: it only ever asks for snapshots.

import { ClusterWall } from "../components/clusters.js";
import { decisionSummary } from "../components/decision.js";
import { IdeaCards } from "../components/idea-card.js";
import { Instruction } from "../components/instruction.js";
import { drawResults } from "../components/results.js";
import { Connection } from "../core/connection.js";
import { element, placeChildren, setText } from "../core/dom.js";
import { page, say } from "../core/page.js";
import { Store } from "../core/store.js";
import { agenda, brainstormInFocus, currentActivity, focused, voteRules } from "../features/agenda.js";
import { clusters, groups } from "../features/clusters.js";
import { decisions, namedDecisions } from "../features/decisions.js";
import { ideas } from "../features/ideas.js";
import { phaseOf, phases } from "../features/phases.js";
import { mountPrivate, privacy, withoutHeld } from "../features/private.js";
import { presence } from "../features/presence.js";
import { rankedResults, results } from "../features/results.js";
import { mountTimer, timer } from "../features/timer.js";

// The presenter opens with the facilitator's session, so hidden ideas arrive and are dropped.
const store = new Store([phases, agenda, ideas, clusters, results, timer, presence, privacy, decisions], { seesHidden: false });
const cards = new IdeaCards();

const $ = (id) => document.getElementById(id);
const ui = {
  question: $("workshop-question"),
  peopleHere: $("people-here"),
  resultsSection: $("results-section"),
  resultsList: $("results-list"),
  decisionsSection: $("decisions-section"),
  decisionsList: $("decisions-list"),
  ideasCount: $("ideas-count"),
  ideasEmpty: $("ideas-empty"),
  joinOpen: $("join-open"),
  joinsClosed: $("joins-closed"),
};
const wall = new ClusterWall($("idea-wall"));
const instruction = new Instruction($("instruction"));

const connection = new Connection(page, {
  snapshot(snapshot) {
    store.load(snapshot);
  },
  fact(name, payload) {
    store.dispatch(name, payload);
  },
});
mountTimer($("activity-timer"), store, connection);
mountPrivate($("activity-timer"), store, connection, "presenter");

// Closed to new joins: the code and QR would only lead to a refusal, so a sentence says so.
function drawJoins(locked) {
  if (typeof locked !== "boolean") return;
  ui.joinOpen.hidden = locked;
  setText(ui.joinsClosed, locked ? say("joins_closed") : "");
}

// The projector shows the decisions as the phones do: only while the facilitator shows them.
function drawDecisions(state) {
  const named = state.resultsPublic ? namedDecisions(state) : [];
  ui.decisionsSection.hidden = named.length === 0;
  placeChildren(ui.decisionsList, named.map(({ decision, about, cluster }) => element("li", { className: "decision-item" }, [
    element("p", { className: "decision-about", text: cluster ? say("decision_on_cluster", { name: about }) : about }),
    decisionSummary(decision),
  ])));
}

function draw(state) {
  if (!state.workshop) return;
  const phase = phaseOf(state);
  document.body.dataset.phase = phase;
  const activity = currentActivity(state);
  const rules = voteRules(state);
  // The room's whole budget: each phone shows its own dots left.
  instruction.draw(activity, { dots: rules.budget, cap: rules.cap });
  const brainstorm = brainstormInFocus(state);
  setText(ui.question, brainstorm ? brainstorm.prompt : state.workshop.question);
  ui.question.hidden = Boolean(activity && activity.kind === "brainstorm");
  const welcome = Boolean(activity && activity.kind === "welcome");
  ui.peopleHere.hidden = !welcome || !state.presence;
  setText(ui.peopleHere, state.presence ? say("people_here", { count: state.presence.online }) : "");
  drawJoins(state.workshop.joins_locked);
  drawResults(rankedResults(state), ui.resultsSection, ui.resultsList);
  drawDecisions(state);
  const shown = focused(state);
  setText(ui.ideasCount, say("ideas_count", { count: shown.ideas.size }));
  ui.ideasEmpty.hidden = shown.ideas.size > 0;
  wall.draw(groups(shown), (idea) => cards.draw(idea));
  cards.keepOnly(shown.ideas);
}

// A private brainstorm's ideas reach this facilitator's screen, but stay off the wall.
store.subscribe((state) => draw(withoutHeld(state)));
