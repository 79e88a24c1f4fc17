// The participant's phone: the question, posting ideas, everyone's ideas live, voting, results;
// at tables, where one sits, and a table host's grouping and paper notes.

import { ClusterWall } from "../components/clusters.js";
import { decisionSummary } from "../components/decision.js";
import { IdeaCards } from "../components/idea-card.js";
import { Instruction } from "../components/instruction.js";
import { drawResults } from "../components/results.js";
import { Connection } from "../core/connection.js";
import { element, keepingFocus, placeChildren, setAttr, setText } from "../core/dom.js";
import { announce, clearNotice, page, say, settings, showNotice } from "../core/page.js";
import { Store } from "../core/store.js";
import {
  agenda, brainstormInFocus, changesVoteInFocus, currentActivity, focused, inVote, voteRules,
} from "../features/agenda.js";
import { clusters, groups } from "../features/clusters.js";
import { decisions, namedDecisions } from "../features/decisions.js";
import { ideaLength, ideaName, ideaTextProblem, ideas, writtenBy } from "../features/ideas.js";
import { POSTING, VOTING, phaseOf, phases } from "../features/phases.js";
import { mountPrivate, privacy } from "../features/private.js";
import { mountSeating, seating, tableName } from "../features/seating.js";
import { rankedResults, results } from "../features/results.js";
import { myVotes, votes } from "../features/votes.js";
import { MOVES_VOTES, inputPaused, moderation } from "../features/moderation.js";
import { mountTimer, timer } from "../features/timer.js";

// Counter thresholds read out to screen readers; the visible counter changes on every key.
const COUNTER_SPOKEN_AT = [100, 50, 20, 10, 0];

const store = new Store([phases, agenda, ideas, clusters, votes, results, timer, moderation, privacy, decisions, seating], { seesHidden: false });
const editing = new Set(); // ids of the participant's ideas whose edit form is open

const $ = (id) => document.getElementById(id);
const ui = {
  question: $("workshop-question"),
  postSection: $("post-section"),
  postForm: $("post-form"),
  ideaText: $("idea-text"),
  counter: $("idea-counter"),
  counterSpoken: $("idea-counter-spoken"),
  postFeedback: $("post-feedback"),
  pendingIdeas: $("pending-ideas"),
  pendingHeading: $("pending-heading"),
  votePanel: $("vote-panel"),
  votesLeft: $("votes-left"),
  resultsSection: $("results-section"),
  resultsList: $("results-list"),
  decisionsSection: $("decisions-section"),
  decisionsList: $("decisions-list"),
  resultsPageLink: $("results-page-link"),
  ideasCount: $("ideas-count"),
  ideasEmpty: $("ideas-empty"),
};

const connection = new Connection(page, {
  snapshot(snapshot) {
    const before = store.state.currentActivityId;
    store.load(snapshot);
    if (before !== null && before !== store.state.currentActivityId) announce(drawnInstruction);
  },
  fact(name, payload) {
    // Another vote counts this phone's votes afresh: its own snapshot says how many are left.
    const countAgain = name === "phase.changed" && changesVoteInFocus(store.state, payload.activity);
    if (name === "phase.changed") editing.clear();
    if (name === "results.revealed") announce(say("results_revealed"));
    if (name === "decision.changed" && payload.decision) announce(say("decision_made", { outcome: say(`outcome.${payload.decision.outcome}`) }));
    store.dispatch(name, payload);
    if (name === "phase.changed") announce(drawnInstruction);
    if (countAgain) connection.resync();
    if (name === "input.changed") announce(say(payload.paused ? "input_paused" : "input_open_now"));
    // A merge may have moved this phone's votes or given some back: the server's count rules.
    if (MOVES_VOTES.has(name)) connection.resync();
  },
  done(item, data) {
    if (item.name === "idea.post" && data) setText(ui.postFeedback, say("idea_posted"));
    tables.done(item);
    if (!store.answer(item.name, data)) draw();
  },
  refused(item, error) {
    if (!tables.refused(item, error)) showNotice(error.message || say("action_failed"));
    draw();
  },
  outboxChanged() {
    draw();
  },
  denied() {
    showNotice(say("join_again"), { link: { href: page.join_url, text: say("join_again_link") } });
  },
});

mountTimer($("activity-timer"), store, connection);
mountPrivate($("activity-timer"), store, connection, "phone");
const tables = mountSeating(store, connection);

const cards = new IdeaCards({
  tableName: (tableId) => tableName(store.state, tableId),
  own: { edit: startEditing, remove: deleteIdea, save: saveEdit, cancel: (idea) => stopEditing(idea.id) },
  vote: { give: giveVote, take: takeVoteBack },
});
const wall = new ClusterWall($("idea-wall"));
const instruction = new Instruction($("instruction"));
let drawnInstruction = "";

// ---- What this participant has done, counting what still waits in the outbox ----

function pendingFor(ideaId, waiting) {
  let edit = null;
  let removing = false;
  for (const item of waiting) {
    if (item.payload.idea_id !== ideaId) continue;
    if (item.name === "idea.edit") edit = item.payload.text;
    if (item.name === "idea.delete") removing = true;
  }
  return { edit, removing };
}

function isMine(idea) {
  return writtenBy(idea, store.state.me && store.state.me.participant_id);
}

// A problem with a text is told where the person is typing.
function refuseText(text, field) {
  const problem = ideaTextProblem(text);
  if (!problem) return false;
  showNotice(say(problem.key, problem.values));
  field.focus();
  return true;
}

// ---- Commands ----

// While the facilitator has paused input, a control says why instead of sending.
function refusePaused() {
  if (!inputPaused(store.state)) return false;
  showNotice(say("input_paused"));
  return true;
}

function postIdea(event) {
  event.preventDefault();
  clearNotice();
  if (refusePaused()) return;
  const text = ui.ideaText.value.trim();
  if (refuseText(text, ui.ideaText)) return;
  connection.send("idea.post", { text });
  ui.ideaText.value = "";
  updateCounter();
  setText(ui.postFeedback, connection.live ? say("idea_sending") : say("idea_saved_offline"));
  ui.ideaText.focus();
}

function giveVote(idea) {
  clearNotice();
  if (refusePaused()) return;
  const state = store.state;
  const given = myVotes(state, connection.pending());
  const rules = voteRules(state);
  if (dotsLeft(rules, given) === 0) {
    showNotice(say("no_votes_left"));
    return;
  }
  if (given.filter((vote) => vote.idea_id === idea.id).length >= rules.cap) {
    showNotice(say("vote_cap_reached"));
    return;
  }
  connection.send("vote.cast", { idea_id: idea.id });
}

function takeVoteBack(idea) {
  clearNotice();
  if (refusePaused()) return;
  const mine = myVotes(store.state, connection.pending()).filter((vote) => vote.idea_id === idea.id);
  if (!mine.length) {
    showNotice(say("no_vote_to_take_back"));
    return;
  }
  // The newest vote goes first: if it still waits in the outbox, the cast and the
  // retract are sent in order and cancel out on the server.
  connection.send("vote.retract", { key: mine[mine.length - 1].key });
}

function startEditing(idea) {
  editing.add(idea.id);
  draw();
  cards.get(idea.id).focusEditor();
}

function stopEditing(ideaId) {
  editing.delete(ideaId);
  draw();
  const card = cards.get(ideaId);
  if (card) card.focusEditButton();
}

function saveEdit(idea, text) {
  if (refuseText(text, cards.get(idea.id).editText)) return;
  clearNotice();
  if (text !== idea.text) connection.send("idea.edit", { idea_id: idea.id, text });
  stopEditing(idea.id);
}

function deleteIdea(idea) {
  clearNotice();
  if (!window.confirm(say("confirm_delete_own", { idea: ideaName(idea.text) }))) return;
  connection.send("idea.delete", { idea_id: idea.id });
  announce(say("idea_deleting"));
  ui.ideaText.focus();
}

// ---- Drawing ----

// `given` and `waiting` are read once per drawing: the outbox lives in localStorage.
function drawIdea(idea, state, given, waiting) {
  const mine = isMine(idea);
  const pending = mine ? pendingFor(idea.id, waiting) : { edit: null, removing: false };
  let note = "";
  if (pending.removing) note = say("delete_waiting");
  else if (pending.edit !== null) note = say("edit_waiting");
  const changeable = mine && phaseOf(state) === POSTING && !pending.removing;
  let votesHere = null;
  // Only the ideas this vote is over can take a dot.
  if (phaseOf(state) === VOTING && inVote(state, idea)) {
    const count = given.filter((vote) => vote.idea_id === idea.id).length;
    const rules = voteRules(state);
    votesHere = { count, full: count >= rules.cap || given.length >= rules.budget };
  }
  return cards.draw(idea, {
    text: pending.edit || idea.text,
    mine,
    note,
    removing: pending.removing,
    changeable,
    editing: editing.has(idea.id),
    votes: votesHere,
  });
}

function drawPendingIdeas(waiting) {
  const posts = waiting.filter((item) => item.name === "idea.post");
  ui.pendingHeading.hidden = posts.length === 0;
  ui.pendingIdeas.hidden = posts.length === 0;
  placeChildren(ui.pendingIdeas, posts.map((item) => element("li", { className: "idea is-waiting" }, [
    element("p", { className: "idea-text", text: item.payload.text }),
    element("p", { className: "idea-note", text: say("idea_waiting") }),
  ])));
}

function draw() {
  const state = store.state;
  if (!state.workshop) return;
  keepingFocus(() => {
    const phase = phaseOf(state);
    document.body.dataset.phase = phase;
    const activity = currentActivity(state);
    const waiting = connection.pending();
    const given = myVotes(state, waiting);
    const rules = voteRules(state);
    drawnInstruction = instruction.draw(activity, { dots: dotsLeft(rules, given), cap: rules.cap });
    drawQuestion(state, activity);

    ui.postSection.hidden = phase !== POSTING;
    drawPendingIdeas(waiting);

    ui.votePanel.hidden = phase !== VOTING;
    setText(ui.votesLeft, say("votes_left", { count: dotsLeft(rules, given) }));

    const ranked = rankedResults(state);
    drawPhoneResults(ranked);
    drawDecisions(state, ranked);

    // During a brainstorm its own question's ideas, during a vote those it is over.
    const shown = focused(state);
    setText(ui.ideasCount, say("ideas_count", { count: shown.ideas.size }));
    ui.ideasEmpty.hidden = shown.ideas.size > 0;
    wall.draw(groups(shown), (idea) => drawIdea(idea, state, given, waiting));
    cards.keepOnly(shown.ideas, (id) => editing.delete(id));
    drawPaused(inputPaused(state)); // after the cards, whose vote buttons it marks
  });
}

const pausedNotice = element("p", { className: "notice-box input-paused", text: say("input_paused"), attrs: { id: "input-paused-notice" } });
pausedNotice.hidden = true;
ui.postSection.before(pausedNotice);

// Paused: said above the controls, and posting and voting are marked unavailable.
function drawPaused(paused) {
  pausedNotice.hidden = !paused;
  document.body.classList.toggle("is-input-paused", paused);
  const post = ui.postForm.querySelector("button[type=submit]");
  if (post) setAttr(post, "aria-disabled", paused ? "true" : null);
  if (!paused) return;
  for (const control of document.querySelectorAll(".vote-give, .vote-take")) setAttr(control, "aria-disabled", "true");
}

// Hands counted in the room are never mixed into the phones' votes silently: with any, each
// line says both and their sum.
function drawPhoneResults(ranked) {
  if (!ranked || !ranked.some((line) => line.hands > 0)) {
    drawResults(ranked, ui.resultsSection, ui.resultsList);
    return;
  }
  ui.resultsSection.hidden = false;
  placeChildren(ui.resultsList, ranked.map((line) => element("li", { className: "result" }, [
    element("span", { className: "result-rank", text: say("rank", { rank: line.rank }) }),
    element("span", {
      className: "result-votes",
      text: say("phone_votes_with_hands", {
        votes: line.votes, hands: line.hands, total: typeof line.total === "number" ? line.total : line.votes + line.hands,
      }),
    }),
    element("span", { className: "result-text", text: line.idea.text }),
  ])));
}

/** Dots left to give: the vote's budget less those given, counting those still waiting. */
function dotsLeft(rules, given) {
  return Math.max(rules.budget - given.length, 0);
}

// The decisions, while the facilitator shows them: what each is about, then its words. The
// results page keeps them (and the results) for after the workshop.
function drawDecisions(state, ranked) {
  const named = state.resultsPublic ? namedDecisions(state) : [];
  ui.decisionsSection.hidden = named.length === 0;
  placeChildren(ui.decisionsList, named.map(({ decision, about, cluster }) => element("li", { className: "decision-item" }, [
    element("p", { className: "decision-about", text: cluster ? say("decision_on_cluster", { name: about }) : about }),
    decisionSummary(decision),
  ])));
  ui.resultsPageLink.hidden = !state.resultsPublic || (!ranked && named.length === 0);
}

// The question the room is on; in a brainstorm the instruction already says it.
function drawQuestion(state, activity) {
  const brainstorm = brainstormInFocus(state);
  setText(ui.question, brainstorm ? brainstorm.prompt : state.workshop.question);
  ui.question.hidden = Boolean(activity && activity.kind === "brainstorm");
}

function updateCounter() {
  const max = settings.idea_max_length;
  const length = ideaLength(ui.ideaText.value.trim());
  const left = max - length;
  setText(ui.counter, say("characters_used", { count: length, max }));
  ui.counter.classList.toggle("is-over", left < 0);
  setAttr(ui.ideaText, "aria-invalid", left < 0 ? "true" : null);
  const spoken = left < 0
    ? say("characters_over", { count: -left })
    : COUNTER_SPOKEN_AT.includes(left) || (left < 10 && left >= 0)
      ? say("characters_left", { count: left })
      : null;
  if (spoken && ui.counterSpoken.dataset.last !== String(left)) {
    ui.counterSpoken.dataset.last = String(left);
    ui.counterSpoken.textContent = spoken;
  }
}

store.subscribe(draw);
ui.postForm.addEventListener("submit", postIdea);
ui.ideaText.addEventListener("input", updateCounter);
ui.ideaText.addEventListener("keydown", (event) => {
  // Ctrl+Enter posts, as in chat apps; plain Enter makes a new line.
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) ui.postForm.requestSubmit();
});
updateCounter();
