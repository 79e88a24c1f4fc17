// The projector: the question, the live idea wall grouped by clusters, and the ranked results
// once revealed (phones and hands apart, and their sum). While the tables brainstorm apart,
// each table's count instead of their ideas. Read-only: it only ever asks for snapshots.

import { ClusterWall } from "../components/clusters.js";
import { decisionSummary } from "../components/decision.js";
import { IdeaCards } from "../components/idea-card.js";
import { Instruction } from "../components/instruction.js";
import { handsBreakdown } from "../components/hands-field.js";
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
import {
  heldAtTables, ideasByTable, tableName, tables, withHandVotes, withoutHeldTables,
} from "../features/tables.js";
import { mountTimer, timer } from "../features/timer.js";

// The presenter opens with the facilitator's session, so hidden ideas arrive and are dropped.
const store = new Store([phases, agenda, ideas, clusters, results, timer, presence, privacy, decisions, tables], { seesHidden: false });
const cards = new IdeaCards({ tableName: (tableId) => tableName(store.state, tableId) || null });

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
  tableCounts: $("table-counts"),
  tableCountsList: $("table-counts-list"),
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

// A brainstorm at tables, not merged yet: how many ideas each table has (hidden ones left out).
function drawTableCounts(state, activity) {
  const held = heldAtTables(activity);
  ui.tableCounts.hidden = !held;
  if (!held) return;
  placeChildren(ui.tableCountsList, ideasByTable(state, activity.id, (idea) => !idea.hidden).map(({ table, ideas: list }) => element("li", {}, [
    element("span", { className: "table-counts-name", text: table ? table.name : say("ideas_of_no_table") }),
    element("span", { className: "table-counts-number", text: String(list.length) }),
    element("span", { className: "table-counts-label", text: say("ideas_so_far_label") }),
  ])));
}

// Results with hands say phones, hands and their sum on every line; without hands, as before.
function drawResultLines(state) {
  const ranked = rankedResults(state);
  const lines = withHandVotes(state, ranked);
  if (!lines || !lines.some((line) => line.hands > 0)) {
    drawResults(ranked, ui.resultsSection, ui.resultsList);
    return;
  }
  drawResults(lines.map((line) => ({ ...line, votes: line.total })), ui.resultsSection, ui.resultsList,
    (line) => [element("span", { className: "result-hands", text: handsBreakdown(line) })]);
}

function draw(whole) {
  const state = withoutHeldTables(whole);
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
  drawResultLines(state);
  drawTableCounts(whole, activity);
  drawDecisions(state);
  const shown = focused(state);
  setText(ui.ideasCount, say("ideas_count", { count: shown.ideas.size }));
  ui.ideasEmpty.hidden = shown.ideas.size > 0;
  wall.draw(groups(shown), (idea) => cards.draw(idea));
  cards.keepOnly(shown.ideas);
}

// A private brainstorm's ideas reach this facilitator's screen, but stay off the wall.
store.subscribe((state) => draw(withoutHeld(state)));
