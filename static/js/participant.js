// The participant's phone: the question, posting ideas, everyone's ideas live, voting, results.

import { Connection } from "./connection.js";
import {
  announce, clearNotice, element, keepingFocus, organisationTypeName, page, phaseName,
  placeChildren, say, setAttr, setText, shortText, showNotice,
} from "./page.js";
import { Wall, drawGroups, drawResults } from "./wall.js";

const IDEA_MAX_LENGTH = 500;
// Counter thresholds read out to screen readers; the visible counter changes on every key.
const COUNTER_SPOKEN_AT = [100, 50, 20, 10, 0];

const wall = new Wall({ showHidden: false });
let me = null; // the snapshot's "me": participant_id, votes [{key, idea_id}], votes_left
const views = new Map(); // idea id -> the elements of its card
const sections = new Map();
const editing = new Set();

const $ = (id) => document.getElementById(id);
const ui = {
  phaseName: $("phase-name"),
  phaseHelp: $("phase-help"),
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
  ideasCount: $("ideas-count"),
  ideasEmpty: $("ideas-empty"),
  wall: $("idea-wall"),
};

const connection = new Connection(page, {
  snapshot(snapshot) {
    const before = wall.phase;
    wall.load(snapshot);
    me = snapshot.me;
    if (before && before !== wall.phase) announce(say("phase_now", { phase: phaseName(wall.phase) }));
    draw();
  },
  fact(name, payload) {
    if (!wall.apply(name, payload)) return;
    if (name === "phase.changed") {
      editing.clear();
      announce(say("phase_now", { phase: phaseName(payload.phase) }));
    }
    if (name === "results.revealed") announce(say("results_revealed"));
    draw();
  },
  done(item, data) {
    answered(item, data);
    draw();
  },
  refused(item, error) {
    showNotice(error.message || say("action_failed"));
    draw();
  },
  outboxChanged() {
    draw();
  },
  denied() {
    showNotice(say("join_again"), { link: { href: page.join_url, text: say("join_again_link") } });
  },
});

function answered(item, data) {
  if (!data) return;
  if (item.name === "idea.post" || item.name === "idea.edit") {
    wall.putIdea(data.idea);
    if (item.name === "idea.post") setText(ui.postFeedback, say("idea_posted"));
  } else if (item.name === "vote.cast" && me) {
    if (!me.votes.some((vote) => vote.key === data.vote.key)) me.votes.push(data.vote);
    me.votes_left = data.votes_left;
  } else if (item.name === "vote.retract" && me) {
    me.votes = me.votes.filter((vote) => vote.key !== data.key);
    me.votes_left = data.votes_left;
  }
}

// ---- What this participant has done, counting what still waits in the outbox ----

/** My votes as the screen shows them: the server's, plus casts waiting, minus retracts waiting. */
function myVotes(waiting = connection.pending()) {
  const votes = me ? me.votes.slice() : [];
  for (const item of waiting) {
    if (item.name === "vote.cast" && !votes.some((vote) => vote.key === item.payload.key)) {
      votes.push({ key: item.payload.key, idea_id: item.payload.idea_id });
    }
  }
  const retracting = new Set(waiting
    .filter((item) => item.name === "vote.retract").map((item) => item.payload.key));
  return votes.filter((vote) => !retracting.has(vote.key));
}

function votesLeft(votes = myVotes()) {
  const budget = wall.workshop ? wall.workshop.vote_budget : 0;
  return Math.max(budget - votes.length, 0);
}

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
  return Boolean(me && idea.author && idea.author.id === me.participant_id);
}

// ---- Commands ----

function postIdea(event) {
  event.preventDefault();
  clearNotice();
  const text = ui.ideaText.value.trim();
  if (!text) {
    showNotice(say("idea_empty"));
    ui.ideaText.focus();
    return;
  }
  if (Array.from(text).length > IDEA_MAX_LENGTH) {
    showNotice(say("idea_too_long", { max_length: IDEA_MAX_LENGTH }));
    ui.ideaText.focus();
    return;
  }
  connection.send("idea.post", { text });
  ui.ideaText.value = "";
  updateCounter();
  setText(ui.postFeedback, connection.live ? say("idea_sending") : say("idea_saved_offline"));
  ui.ideaText.focus();
}

function giveVote(idea) {
  clearNotice();
  const cap = wall.workshop.votes_per_idea;
  if (votesLeft() === 0) {
    showNotice(say("no_votes_left"));
    return;
  }
  if (myVotes().filter((vote) => vote.idea_id === idea.id).length >= cap) {
    showNotice(say("vote_cap_reached"));
    return;
  }
  connection.send("vote.cast", { idea_id: idea.id });
}

function takeVoteBack(idea) {
  clearNotice();
  const mine = myVotes().filter((vote) => vote.idea_id === idea.id);
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
  const view = views.get(idea.id);
  if (view.editForm) view.editText.focus();
}

function stopEditing(ideaId) {
  editing.delete(ideaId);
  draw();
  const view = views.get(ideaId);
  if (view) view.edit.focus();
}

function saveEdit(event, idea) {
  event.preventDefault();
  const view = views.get(idea.id);
  const text = view.editText.value.trim();
  if (!text) {
    showNotice(say("idea_empty"));
    view.editText.focus();
    return;
  }
  if (Array.from(text).length > IDEA_MAX_LENGTH) {
    showNotice(say("idea_too_long", { max_length: IDEA_MAX_LENGTH }));
    view.editText.focus();
    return;
  }
  clearNotice();
  if (text !== idea.text) connection.send("idea.edit", { idea_id: idea.id, text });
  stopEditing(idea.id);
}

function deleteIdea(idea) {
  clearNotice();
  if (!window.confirm(say("confirm_delete_own", { idea: shortText(idea.text) }))) return;
  connection.send("idea.delete", { idea_id: idea.id });
  announce(say("idea_deleting"));
  ui.ideaText.focus();
}

// ---- Drawing ----

function ideaView(idea) {
  if (views.has(idea.id)) return views.get(idea.id);
  const uid = `idea-${idea.id}`;
  const view = {
    node: element("li", { className: "idea", attrs: { "data-idea-id": idea.id } }),
    text: element("p", { className: "idea-text", attrs: { id: `${uid}-text` } }),
    meta: element("p", { className: "idea-meta" }),
    note: element("p", { className: "idea-note" }),
    ownBox: element("div", { className: "idea-actions button-row" }),
    edit: element("button", { className: "button-quiet", text: say("edit"), attrs: { type: "button", "data-focus": `${uid}-edit` } }),
    remove: element("button", { className: "button-quiet button-danger", text: say("delete"), attrs: { type: "button", "data-focus": `${uid}-delete` } }),
    voteBox: element("div", { className: "idea-votes" }),
    myVotes: element("p", { className: "my-votes", attrs: { id: `${uid}-my-votes` } }),
    give: element("button", { className: "vote-give", text: say("give_vote"), attrs: { type: "button", "aria-describedby": `${uid}-my-votes`, "data-focus": `${uid}-give` } }),
    take: element("button", { className: "vote-take button-quiet", text: say("take_vote_back"), attrs: { type: "button", "aria-describedby": `${uid}-my-votes`, "data-focus": `${uid}-take` } }),
    idea,
  };
  view.ownBox.append(view.edit, view.remove);
  view.voteBox.append(view.myVotes, element("div", { className: "button-row" }, [view.give, view.take]));
  view.node.append(view.text, view.meta, view.note, view.ownBox, view.voteBox);

  view.edit.addEventListener("click", () => startEditing(view.idea));
  view.remove.addEventListener("click", () => deleteIdea(view.idea));
  view.give.addEventListener("click", () => giveVote(view.idea));
  view.take.addEventListener("click", () => takeVoteBack(view.idea));
  views.set(idea.id, view);
  return view;
}

// The edit form exists only while editing: one labelled text field on the page, not one per idea.
function addEditForm(view) {
  const uid = `idea-${view.idea.id}`;
  view.editText = element("textarea", { attrs: { id: `${uid}-edit-text`, rows: 3, "data-focus": `${uid}-edit-text` } });
  const cancel = element("button", { className: "button-quiet", text: say("cancel"), attrs: { type: "button" } });
  view.editForm = element("form", { className: "idea-edit", attrs: { novalidate: true } }, [
    element("label", { text: say("edit_your_idea"), attrs: { for: `${uid}-edit-text` } }),
    view.editText,
    element("div", { className: "button-row" }, [
      element("button", { text: say("save"), attrs: { type: "submit" } }),
      cancel,
    ]),
  ]);
  view.editForm.addEventListener("submit", (event) => saveEdit(event, view.idea));
  cancel.addEventListener("click", () => stopEditing(view.idea.id));
  view.editText.addEventListener("keydown", (event) => {
    if (event.key === "Escape") stopEditing(view.idea.id);
  });
  view.editText.value = view.idea.text;
  view.ownBox.before(view.editForm);
}

function authorLine(idea) {
  const parts = [];
  if (idea.author && idea.author.nickname) parts.push(idea.author.nickname);
  if (idea.author && idea.author.organisation_type) parts.push(organisationTypeName(idea.author.organisation_type));
  if (isMine(idea)) parts.push(say("your_idea"));
  return parts.join(" · ");
}

function drawIdea(idea, votes, waiting) {
  const view = ideaView(idea);
  view.idea = idea;
  const phase = wall.phase;
  const mine = isMine(idea);
  const pending = mine ? pendingFor(idea.id, waiting) : { edit: null, removing: false };
  const name = shortText(pending.edit || idea.text);
  setText(view.text, pending.edit || idea.text);
  setText(view.meta, authorLine(idea));
  view.node.classList.toggle("is-mine", mine);
  view.node.classList.toggle("is-removing", pending.removing);
  let note = "";
  if (pending.removing) note = say("delete_waiting");
  else if (pending.edit !== null) note = say("edit_waiting");
  setText(view.note, note);
  view.note.hidden = !note;

  const canChange = mine && phase === "posting" && !pending.removing;
  const isEditing = canChange && editing.has(idea.id);
  if (isEditing && !view.editForm) addEditForm(view);
  if (!isEditing && view.editForm) {
    view.editForm.remove();
    view.editForm = null;
  }
  view.ownBox.hidden = !canChange || isEditing;
  setAttr(view.edit, "aria-label", say("edit_idea_named", { idea: name }));
  setAttr(view.remove, "aria-label", say("delete_idea_named", { idea: name }));

  const voting = phase === "voting";
  view.voteBox.hidden = !voting;
  if (voting) {
    const count = votes.filter((vote) => vote.idea_id === idea.id).length;
    const cap = wall.workshop.votes_per_idea;
    setText(view.myVotes, say("your_votes_here", { count }));
    view.node.classList.toggle("has-my-vote", count > 0);
    setAttr(view.give, "aria-label", say("give_vote_named", { idea: name }));
    setAttr(view.take, "aria-label", say("take_vote_back_named", { idea: name }));
    // aria-disabled, not disabled: the button keeps its focus and says why when pressed.
    setAttr(view.give, "aria-disabled", count >= cap || votes.length >= wall.workshop.vote_budget ? "true" : null);
    setAttr(view.take, "aria-disabled", count === 0 ? "true" : null);
  } else {
    view.node.classList.remove("has-my-vote");
  }
  return view.node;
}

function drawPendingIdeas(outbox) {
  const waiting = outbox.filter((item) => item.name === "idea.post");
  ui.pendingHeading.hidden = waiting.length === 0;
  ui.pendingIdeas.hidden = waiting.length === 0;
  placeChildren(ui.pendingIdeas, waiting.map((item) => element("li", { className: "idea is-waiting" }, [
    element("p", { className: "idea-text", text: item.payload.text }),
    element("p", { className: "idea-note", text: say("idea_waiting") }),
  ])));
}

function draw() {
  if (!wall.workshop) return;
  keepingFocus(() => {
    const phase = wall.phase;
    setText(ui.phaseName, phaseName(phase));
    setText(ui.phaseHelp, say(`phase_help.${phase}`));
    document.body.dataset.phase = phase;

    ui.postSection.hidden = phase !== "posting";
    // One read of the outbox per drawing: it lives in localStorage.
    const waiting = connection.pending();
    drawPendingIdeas(waiting);

    const votes = myVotes(waiting);
    ui.votePanel.hidden = phase !== "voting";
    setText(ui.votesLeft, say("votes_left", { count: votesLeft(votes) }));

    drawResults(wall, ui.resultsSection, ui.resultsList);

    const groups = wall.groups();
    const total = wall.ideas.size;
    setText(ui.ideasCount, say("ideas_count", { count: total }));
    ui.ideasEmpty.hidden = total > 0;
    drawGroups(ui.wall, groups, sections, (idea) => drawIdea(idea, votes, waiting), {
      ungrouped: say("ungrouped"),
      emptyGroup: say("cluster_empty"),
    });
    for (const id of Array.from(views.keys())) {
      if (!wall.ideas.has(id)) {
        views.delete(id);
        editing.delete(id);
      }
    }
  });
}

function updateCounter() {
  const length = Array.from(ui.ideaText.value.trim()).length;
  const left = IDEA_MAX_LENGTH - length;
  setText(ui.counter, say("characters_used", { count: length, max: IDEA_MAX_LENGTH }));
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

ui.postForm.addEventListener("submit", postIdea);
ui.ideaText.addEventListener("input", updateCounter);
ui.ideaText.addEventListener("keydown", (event) => {
  // Ctrl+Enter posts, as in chat apps; plain Enter makes a new line.
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) ui.postForm.requestSubmit();
});
ui.phaseName.textContent = phaseName(ui.phaseName.dataset.phase || "");
updateCounter();
