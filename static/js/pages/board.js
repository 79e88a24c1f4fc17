// The facilitator's board: phases, who is here, every idea live, clusters by drag and drop
// (mouse and touch) or by a labelled "Move to cluster" control on each idea (keyboard);
// tables and who sits where, a brainstorm at tables side by side until merged, ideas typed in
// from paper and hands counted in the room.

import Sortable from "/vendor/sortable.esm.js";
import { AgendaPanel } from "../components/agenda-panel.js";
import { decisionSummary } from "../components/decision.js";
import { DecisionDialog } from "../components/decision-dialog.js";
import { EditDialog } from "../components/edit-dialog.js";
import { HandsPanel, handsBreakdown } from "../components/hands-field.js";
import { IdeaCards } from "../components/idea-card.js";
import { MergeDialog } from "../components/merge-dialog.js";
import { ModerationBar } from "../components/moderation-bar.js";
import { PaperDialog } from "../components/paper-dialog.js";
import { drawResults } from "../components/results.js";
import { TableWall } from "../components/table-wall.js";
import { TablesPanel } from "../components/tables-panel.js";
import { Connection } from "../core/connection.js";
import {
  arrangeChildren, element, keepingFocus, placeChildren, prefersLessMotion, setAttr, setText,
  trimChildren,
} from "../core/dom.js";
import {
  announce, clearNotice, organisationTypeName, page, phaseName, say, settings, showNotice,
} from "../core/page.js";
import { Store } from "../core/store.js";
import { activityById, agenda, currentActivity, neighbours } from "../features/agenda.js";
import { clusterById, clusters, groups, movedIdea, renamedCluster } from "../features/clusters.js";
import { clusterDecision, decisions, ideaDecision } from "../features/decisions.js";
import { ideaName, ideas } from "../features/ideas.js";
import { inputPaused, moderation } from "../features/moderation.js";
import { phaseOf, phases } from "../features/phases.js";
import { presence } from "../features/presence.js";
import { mountPrivate, privacy } from "../features/private.js";
import { rankedResults, results } from "../features/results.js";
import { handsSet, tableName, tables, voteInFocus, withHandVotes } from "../features/tables.js";
import { votes } from "../features/votes.js";
import { mountTimer, timer } from "../features/timer.js";

const store = new Store([phases, agenda, ideas, clusters, votes, results, presence, timer, moderation, privacy, decisions, tables], { seesHidden: true });
const selectedForMerge = new Set(); // ids of the ideas ticked for the next merge
const columns = new Map(); // "ungrouped" or cluster id -> the elements of its column
const renaming = new Set();
let dragging = false;
let drawWaiting = false;
// A fresh snapshot brings the newly joined to the seating list: asked for at most this often.
const PEOPLE_RESYNC_MS = 5000;
let peopleResyncAt = 0;
let peopleResyncTimer = null;
let peopleAsked = "";

const $ = (id) => document.getElementById(id);
const ui = {
  phaseName: $("phase-name"),
  online: $("presence-online"),
  byType: $("presence-by-type"),
  progress: $("votes-progress"),
  resultsSection: $("results-section"),
  resultsList: $("results-list"),
  clusterForm: $("cluster-form"),
  clusterName: $("cluster-name"),
  ideasCount: $("ideas-count"),
  columns: $("board-columns"),
  joinsLocked: $("joins-locked"),
  joinsState: $("joins-state"),
  resultsPublic: $("results-public"),
  ideaDecisions: $("idea-decisions"),
  ideaDecisionsEmpty: $("idea-decisions-empty"),
  clusterDecisions: $("cluster-decisions"),
  clusterDecisionsEmpty: $("cluster-decisions-empty"),
  paperOpen: $("paper-open"),
  ideasHeading: $("ideas-heading"),
};

const connection = new Connection(page, {
  snapshot(snapshot) {
    store.load(snapshot);
    drawJoins();
    drawResultsPublic();
  },
  fact(name, payload) {
    if (name === "phase.changed" && payload.activity) announce(say("activity_now", { title: payload.activity.title }));
    store.dispatch(name, payload);
    if (name === "workshop.changed") drawJoins();
    if (name === "decisions.changed") drawResultsPublic();
    if (name === "seats.changed" || name === "presence.changed") seeNewPeople();
  },
  done(item, data) {
    if (item.name === "cluster.create") announce(say("cluster_created", { name: item.payload.name }));
    if (item.name === "idea.delete") announce(say("idea_deleted"));
    store.answer(item.name, data);
    tablesPanel.done(item, data);
    if (item.name === "idea.enter") paperEntered(item.payload.text);
    if (item.name === "brainstorm.merge") tablesMerged(item.payload.activity_id);
    if (item.name === "workshop.lock_joins" && data) {
      drawJoins();
      announce(say(data.joins_locked ? "joins_locked_now" : "joins_open_now"));
    }
    if (item.name === "workshop.set_results_public" && data) {
      drawResultsPublic();
      announce(say(data.results_public ? "decisions_public_now" : "decisions_private_now"));
    }
  },
  refused(item, error) {
    if (!saidInPlace(item, error)) showNotice(error.message || say("action_failed"));
    // A refused move or rename: the snapshot puts the board back as the server has it.
    if (item.name && item.name !== "workshop.sync") connection.resync();
  },
  denied() {
    // The board's own address sends a signed-out browser to the sign-in page and back.
    showNotice(say("sign_in_again"), { link: { href: page.board_url, text: say("sign_in_again_link") } });
  },
});

mountTimer($("activity-timer"), store, connection, { controls: true });
mountPrivate(document.querySelector(".board-head"), store, connection, "board");

const cards = new IdeaCards({
  className: "idea idea-card",
  tableName: (tableId) => tableName(store.state, tableId) || null,
  moderate: { hide: toggleHidden, remove: deleteIdea, edit: (idea) => editDialog.open(idea) },
  move: { move: moveWithKeyboard },
  merge: { select: selectForMerge, undo: undoMerge },
});
const moderationBar = new ModerationBar({ pause: pauseInput, merge: mergeSelected });
ui.columns.before(moderationBar.node);
const mergeDialog = new MergeDialog({ merge: sendMerge });
const editDialog = new EditDialog({ save: saveEdit });
const decisionDialog = new DecisionDialog({ save: saveDecision, remove: removeDecision });
const tablesPanel = new TablesPanel($("tables-panel"), (name, payload) => connection.send(name, payload));
const tableWall = new TableWall($("table-wall"), {
  merge: mergeTables,
  compare: (pair) => mergeDialog.open(pair.slice().sort((a, b) => a.id - b.id)),
  away: () => ui.ideasHeading.focus(),
  enter: (tableId) => {
    clearNotice();
    paperDialog.open(store.state.tables, tableId);
  },
});
const handsPanel = new HandsPanel($("hands-host"), { set: setHands });
const paperDialog = new PaperDialog({ enter: enterFromPaper });

// ---- Tables, paper and hands ----

// A refusal about a control with a place of its own is said there, not in the page's notice.
function saidInPlace(item, error) {
  const message = error.message || say("action_failed");
  if (tablesPanel.refused(item, error)) return true;
  if (item.name === "idea.enter") return paperDialog.refused(item.payload.text, message);
  if (item.name === "hands.set") return handsPanel.refused(item.payload.idea_id, message);
  return false;
}

// The seating list names everyone who joined: a fresh snapshot brings the newcomers, asked
// for at most every few seconds however many join at once.
function seeNewPeople() {
  const state = store.state;
  if (!state.peopleListed || !state.tables.length) return;
  const known = new Set(state.people.map((person) => person.id));
  const unknownSeated = Array.from(state.seats.keys()).some((id) => !known.has(id));
  const listed = state.people.filter((person) => !person.removed).length;
  const joined = state.presence ? state.presence.joined : listed;
  if (!unknownSeated && joined <= listed) return;
  // Asked once per count: a count the list can never reach must not ask again and again.
  const asking = `${joined}:${Array.from(state.seats.keys()).join(",")}`;
  if (peopleResyncTimer || asking === peopleAsked) return;
  peopleAsked = asking;
  const wait = Math.max(peopleResyncAt + PEOPLE_RESYNC_MS - Date.now(), 0);
  peopleResyncTimer = window.setTimeout(() => {
    peopleResyncTimer = null;
    peopleResyncAt = Date.now();
    connection.resync();
  }, wait);
}

function mergeTables(activity) {
  clearNotice();
  connection.send("brainstorm.merge", { activity_id: activity.id });
  announce(say("tables_merging", { title: activity.title }));
}

function tablesMerged(activityId) {
  const activity = activityById(store.state, activityId);
  announce(say("tables_merged", { title: activity ? activity.title : "" }));
  // The Merge button went with the merge: the keyboard goes to the likely duplicates.
  const active = document.activeElement;
  if (!active || active === document.body || !active.isConnected || active.closest("[hidden]")) {
    if (!tableWall.focusDuplicates()) ui.ideasHeading.focus();
  }
}

function enterFromPaper(note) {
  clearNotice();
  connection.send("idea.enter", note);
}

function paperEntered(text) {
  paperDialog.entered(text);
  announce(say("paper_entered", { idea: ideaName(text, 40) }));
}

function openPaper() {
  clearNotice();
  paperDialog.open(store.state.tables);
}

function setHands(vote, idea, hands) {
  clearNotice();
  const tally = { activity_id: vote.id, idea_id: idea.id, hands };
  connection.send("hands.set", tally);
  // Shown at once; hands.changed confirms it, a refusal's resync puts it back.
  store.change(handsSet, tally);
}

// The ideas a vote is over: its question's, in its chosen clusters (as features/agenda.js inVote).
function ideasOfVote(state, vote) {
  return Array.from(state.ideas.values()).filter((idea) => !idea.hidden
    && (!vote.source_activity_id || idea.activity_id === vote.source_activity_id)
    && (!Array.isArray(vote.cluster_ids) || vote.cluster_ids.includes(idea.cluster_id)))
    .sort((a, b) => a.id - b.id);
}

function drawHands(state) {
  const vote = voteInFocus(state);
  const ranked = rankedResults(state);
  const ideasShown = vote && ranked ? ranked.map((line) => line.idea) : vote ? ideasOfVote(state, vote) : [];
  handsPanel.draw(state, vote, ideasShown);
}

// Results with hands say both and their sum on every line; without hands, as before.
function resultLines(state) {
  const lines = withHandVotes(state, rankedResults(state));
  if (!lines || !lines.some((line) => line.hands > 0)) return { lines: rankedResults(state), withHands: false };
  return { lines: lines.map((line) => ({ ...line, votes: line.total })), withHands: true };
}

// ---- Decisions ----

function saveDecision(target, fields) {
  clearNotice();
  connection.send("decision.set", { ...target, ...fields });
  announce(say("decision_saved"));
}

function removeDecision(target) {
  clearNotice();
  connection.send("decision.clear", target);
  announce(say("decision_removed"));
}

function setResultsPublic() {
  clearNotice();
  // The box shows the wish at once; the answer (or a refusal's resync) settles it.
  connection.send("workshop.set_results_public", { public: ui.resultsPublic.checked });
}

function drawResultsPublic() {
  ui.resultsPublic.checked = store.state.resultsPublic;
}

// A "Decision" button (named by what it is about) and the decision, if there is one.
function decisionControls(target, about, decision, focusName) {
  const button = element("button", {
    className: "button-quiet decision-button",
    text: say("decision"),
    attrs: { type: "button", "aria-label": say("decision_named", { about: ideaName(about) }), "data-focus": focusName },
  });
  button.addEventListener("click", () => decisionDialog.open(target, about, decision));
  return [decision ? decisionSummary(decision) : null, button].filter(Boolean);
}

// Every idea with a decision, whatever the room is at: the results list shows only in results.
function drawIdeaDecisions(state) {
  const decided = Array.from(state.decisions.values())
    .filter((decision) => decision.idea_id !== null && state.ideas.has(decision.idea_id))
    .sort((a, b) => a.id - b.id);
  ui.ideaDecisionsEmpty.hidden = decided.length > 0;
  placeChildren(ui.ideaDecisions, decided.map((decision) => {
    const idea = state.ideas.get(decision.idea_id);
    return element("li", { className: "decision-item" }, [
      element("p", { className: "decision-about", text: idea.text }),
      ...decisionControls({ idea_id: idea.id }, idea.text, decision, `decision-listed-${idea.id}`),
    ]);
  }));
}

function drawClusterDecisions(state) {
  ui.clusterDecisionsEmpty.hidden = state.clusters.length > 0;
  placeChildren(ui.clusterDecisions, state.clusters.map((cluster) => element("li", { className: "decision-item" }, [
    element("p", { className: "decision-about", text: cluster.name }),
    ...decisionControls({ cluster_id: cluster.id }, cluster.name, clusterDecision(state, cluster.id), `decision-cluster-${cluster.id}`),
  ])));
}

// ---- Moderation ----

function pauseInput(paused) {
  clearNotice();
  connection.send("workshop.pause_input", { paused });
  announce(say(paused ? "input_paused_now" : "input_open_now"));
}

function selectForMerge(idea, selected) {
  if (selected) selectedForMerge.add(idea.id);
  else selectedForMerge.delete(idea.id);
  draw();
}

function mergeSelected() {
  clearNotice();
  const chosen = Array.from(selectedForMerge).filter((id) => store.state.ideas.has(id)).sort((a, b) => a - b);
  if (chosen.length < 2) {
    showNotice(say("merge_needs_two"));
    return;
  }
  mergeDialog.open(chosen.map((id) => store.state.ideas.get(id)));
}

function sendMerge(chosen, { keep, text }) {
  clearNotice();
  // The idea whose text is kept stays (the oldest for a combined text), unless another one
  // already holds merges: that one must stay, as the server merges nothing away from it.
  const kept = chosen.find((idea) => idea.id === keep);
  const into = chosen.find((idea) => idea.merge_ids && idea.merge_ids.length) || kept || chosen[0];
  const wanted = kept ? kept.text : text;
  connection.send("idea.merge", {
    idea_ids: chosen.map((idea) => idea.id), into_idea_id: into.id, text: wanted === into.text ? null : wanted,
  });
  selectedForMerge.clear();
  announce(say("ideas_merged"));
  draw();
}

function saveEdit(idea, text) {
  clearNotice();
  connection.send("idea.edit", { idea_id: idea.id, text });
  announce(say("idea_edited"));
}

function undoMerge(idea) {
  clearNotice();
  if (!idea.merge_ids || !idea.merge_ids.length) return;
  connection.send("idea.unmerge", { merge_id: idea.merge_ids[idea.merge_ids.length - 1] });
  announce(say("merge_undone"));
}

// ---- Commands ----

const agendaPanel = new AgendaPanel($("agenda-panel"), settings.activity_kinds,
  (name, payload) => connection.send(name, payload));

function moveIdea(ideaId, clusterId, position) {
  if (!store.state.ideas.has(ideaId)) return;
  const move = { idea_id: ideaId, cluster_id: clusterId, position };
  connection.send("cluster.move_idea", move);
  const cluster = clusterById(store.state, clusterId);
  announce(say("moved_to", { cluster: cluster ? cluster.name : say("ungrouped") }));
  // Shown at once, before the server's clusters.changed confirms it.
  store.change(movedIdea, move);
}

function moveWithKeyboard(idea, target) {
  clearNotice();
  if (target === idea.cluster_id) {
    announce(say("already_there"));
    return;
  }
  const cluster = clusterById(store.state, target);
  moveIdea(idea.id, target, cluster ? cluster.idea_ids.length : 0);
}

function createCluster(event) {
  event.preventDefault();
  clearNotice();
  const name = ui.clusterName.value.trim();
  if (!name) {
    showNotice(say("cluster_name_empty"));
    ui.clusterName.focus();
    return;
  }
  connection.send("cluster.create", { name });
  ui.clusterName.value = "";
  ui.clusterName.focus();
}

function renameCluster(event, column) {
  event.preventDefault();
  const name = column.renameInput.value.trim();
  if (!name) {
    showNotice(say("cluster_name_empty"));
    column.renameInput.focus();
    return;
  }
  clearNotice();
  if (name !== column.cluster.name) {
    // Shown at once; clusters.changed confirms it, a refusal puts it back.
    connection.send("cluster.rename", { cluster_id: column.cluster.id, name });
    store.change(renamedCluster, { cluster_id: column.cluster.id, name });
  }
  stopRenaming(column);
}

function startRenaming(column) {
  renaming.add(column.cluster.id);
  column.renameInput.value = column.cluster.name;
  draw();
  column.renameInput.focus();
  column.renameInput.select();
}

function stopRenaming(column) {
  renaming.delete(column.cluster.id);
  draw();
  column.rename.focus();
}

function deleteCluster(column) {
  clearNotice();
  if (!window.confirm(say("confirm_delete_cluster", { name: column.cluster.name }))) return;
  connection.send("cluster.delete", { cluster_id: column.cluster.id });
  ui.clusterName.focus();
}

function deleteIdea(idea) {
  clearNotice();
  if (!window.confirm(say("confirm_delete_idea", { idea: ideaName(idea.text) }))) return;
  connection.send("idea.delete", { idea_id: idea.id });
  ui.clusterName.focus();
}

function lockJoins() {
  clearNotice();
  // The box shows the wish at once; the answer (or a refusal's resync) settles it.
  connection.send("workshop.lock_joins", { locked: ui.joinsLocked.checked });
}

// Drawn only when the server has spoken, never on every redraw: the box shows the
// facilitator's wish until then.
function drawJoins() {
  const workshop = store.state.workshop;
  const locked = workshop ? workshop.joins_locked : undefined;
  if (typeof locked !== "boolean") return;
  ui.joinsLocked.checked = locked;
  setText(ui.joinsState, say(locked ? "joins_locked" : "joins_open"));
  ui.joinsState.dataset.locked = String(locked);
}

function toggleHidden(idea) {
  clearNotice();
  const hide = !idea.hidden;
  connection.send(hide ? "idea.hide" : "idea.show", { idea_id: idea.id });
  announce(say(hide ? "idea_hiding" : "idea_showing"));
}

// ---- Drag and drop ----

function clusterOf(list) {
  return list.dataset.clusterId === "" ? null : Number(list.dataset.clusterId);
}

function makeSortable(list, clusterId) {
  return Sortable.create(list, {
    group: "ideas",
    // Ungrouped ideas stay in posting order: they can be dropped in, not reordered.
    sort: clusterId !== null,
    animation: prefersLessMotion() ? 0 : 150,
    // Controls inside a card work as controls; the rest of the card is the handle.
    filter: "button, select, option, input, textarea, label, a",
    preventOnFilter: false,
    // On touch, a short press picks a card up, so a swipe still scrolls the page.
    delay: 200,
    delayOnTouchOnly: true,
    emptyInsertThreshold: 32,
    ghostClass: "is-drag-ghost",
    chosenClass: "is-drag-chosen",
    onStart() {
      dragging = true;
    },
    onEnd(event) {
      dragging = false;
      const ideaId = Number(event.item.dataset.ideaId);
      const from = clusterOf(event.from);
      const to = clusterOf(event.to);
      if (from === to && (to === null || event.oldIndex === event.newIndex)) {
        draw();
        return;
      }
      moveIdea(ideaId, to, to === null ? 0 : event.newIndex);
    },
  });
}

// ---- Drawing ----

function columnFor(key, cluster) {
  if (columns.has(key)) return columns.get(key);
  const uid = `column-${key}`;
  const column = {
    node: element("section", { className: "board-column", attrs: { "aria-labelledby": `${uid}-name` } }),
    name: element("h3", { className: "column-name", attrs: { id: `${uid}-name` } }),
    count: element("p", { className: "column-count" }),
    list: element("ul", {
      className: "idea-list drop-list",
      attrs: { "data-cluster-id": cluster ? cluster.id : "", "aria-labelledby": `${uid}-name` },
    }),
    cluster,
  };
  const head = element("div", { className: "column-head" }, [column.name, column.count]);
  column.node.append(head);
  if (cluster) {
    column.rename = element("button", { className: "button-quiet", text: say("rename"), attrs: { type: "button", "data-focus": `${uid}-rename` } });
    column.remove = element("button", { className: "button-quiet button-danger", text: say("delete"), attrs: { type: "button", "data-focus": `${uid}-delete` } });
    column.renameInput = element("input", {
      attrs: { id: `${uid}-rename-input`, type: "text", maxlength: settings.cluster_name_max_length, autocomplete: "off" },
    });
    column.renameForm = element("form", { className: "rename-form", attrs: { novalidate: true } }, [
      element("label", { text: say("new_cluster_name"), attrs: { for: `${uid}-rename-input` } }),
      column.renameInput,
      element("div", { className: "button-row" }, [
        element("button", { text: say("save"), attrs: { type: "submit" } }),
        element("button", { className: "button-quiet rename-cancel", text: say("cancel"), attrs: { type: "button" } }),
      ]),
    ]);
    column.tools = element("div", { className: "button-row column-tools" }, [column.rename, column.remove]);
    column.node.append(column.tools, column.renameForm);
    column.rename.addEventListener("click", () => startRenaming(column));
    column.remove.addEventListener("click", () => deleteCluster(column));
    column.renameForm.addEventListener("submit", (event) => renameCluster(event, column));
    column.renameForm.querySelector(".rename-cancel").addEventListener("click", () => stopRenaming(column));
    column.renameInput.addEventListener("keydown", (event) => {
      if (event.key === "Escape") stopRenaming(column);
    });
  } else {
    column.node.classList.add("is-ungrouped");
  }
  column.empty = element("p", { className: "column-empty", text: say("drop_here") });
  column.node.append(column.empty, column.list);
  column.sortable = makeSortable(column.list, cluster ? cluster.id : null);
  columns.set(key, column);
  return column;
}

function drawColumns(state) {
  const grouped = groups(state);
  const wanted = [];
  const ungrouped = columnFor("ungrouped", null);
  setText(ungrouped.name, say("ungrouped"));
  wanted.push([ungrouped, grouped.ungrouped]);
  for (const { cluster, ideas: inCluster } of grouped.clusters) {
    const column = columnFor(cluster.id, cluster);
    column.cluster = cluster;
    setText(column.name, cluster.name);
    const isRenaming = renaming.has(cluster.id);
    column.renameForm.hidden = !isRenaming;
    column.tools.hidden = isRenaming;
    setAttr(column.rename, "aria-label", say("rename_cluster_named", { name: cluster.name }));
    setAttr(column.remove, "aria-label", say("delete_cluster_named", { name: cluster.name }));
    wanted.push([column, inCluster]);
  }
  arrangeChildren(ui.columns, wanted.map(([column]) => column.node));
  const drawn = wanted.map(([column, inColumn]) => {
    const nodes = inColumn.map((idea) => cards.draw(idea, {
      clusters: state.clusters, selected: selectedForMerge.has(idea.id),
    }));
    arrangeChildren(column.list, nodes);
    setText(column.count, say("ideas_count", { count: inColumn.length }));
    column.empty.hidden = inColumn.length > 0;
    return [column, nodes.length];
  });
  for (const [column, count] of drawn) trimChildren(column.list, count);
  trimChildren(ui.columns, wanted.length);
  const keep = new Set(wanted.map(([column]) => column));
  for (const [key, column] of Array.from(columns)) {
    if (!keep.has(column)) {
      column.sortable.destroy();
      columns.delete(key);
      renaming.delete(key);
    }
  }
  cards.keepOnly(state.ideas);
}

function drawPresence(state) {
  if (state.presence) {
    const counted = state.presence;
    setText(ui.online, say("online_now", { online: counted.online, joined: counted.joined }));
    placeChildren(ui.byType, settings.organisation_types.map((type) => element("li", {
      text: say("count_of", { name: organisationTypeName(type), count: counted.by_organisation_type[type] || 0 }),
    })));
  }
  ui.progress.hidden = !state.progress;
  if (state.progress) {
    setText(ui.progress, say("votes_progress", { votes: state.progress.votes_cast, voters: state.progress.voters }));
  }
}

function draw() {
  const state = store.state;
  if (!state.workshop) return;
  if (dragging) {
    // Redrawing under a dragged card would pull it from the pointer: wait for the drop.
    drawWaiting = true;
    return;
  }
  drawWaiting = false;
  keepingFocus(() => {
    const phase = phaseOf(state);
    const activity = currentActivity(state);
    setText(ui.phaseName, activity ? say("activity_named", { kind: say(`kind.${activity.kind}`), title: activity.title }) : phaseName(phase));
    document.body.dataset.phase = phase;
    agendaPanel.draw(state, neighbours(state));
    setText(ui.ideasCount, say("ideas_count", { count: state.ideas.size }));
    drawPresence(state);
    const { lines, withHands } = resultLines(state);
    drawResults(lines, ui.resultsSection, ui.resultsList, (line) => [
      withHands ? element("span", { className: "result-hands", text: handsBreakdown(line) }) : null,
      ...decisionControls({ idea_id: line.idea_id }, line.idea.text, ideaDecision(state, line.idea_id), `decision-idea-${line.idea_id}`),
    ].filter(Boolean));
    drawHands(state);
    tablesPanel.draw(state);
    tableWall.draw(state, activity);
    drawIdeaDecisions(state);
    drawClusterDecisions(state);
    drawColumns(state);
    for (const id of Array.from(selectedForMerge)) if (!state.ideas.has(id)) selectedForMerge.delete(id);
    moderationBar.draw(inputPaused(state), selectedForMerge.size);
  });
}

store.subscribe(draw);
ui.clusterForm.addEventListener("submit", createCluster);
ui.paperOpen.addEventListener("click", openPaper);
ui.joinsLocked.addEventListener("change", lockJoins);
ui.resultsPublic.addEventListener("change", setResultsPublic);
ui.phaseName.textContent = phaseName(ui.phaseName.dataset.phase || "");
document.addEventListener("pointerup", () => {
  if (drawWaiting && !dragging) draw();
});
