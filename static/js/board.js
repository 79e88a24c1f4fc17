// The facilitator's board: phases, who is here, every idea live, clusters by drag and drop
// (mouse and touch) or by a labelled "Move to cluster" control on each idea (keyboard).

import Sortable from "/vendor/sortable.esm.js";
import { Connection } from "./connection.js";
import {
  announce, arrangeChildren, clearNotice, element, keepingFocus, organisationTypeName, page,
  phaseName, placeChildren, prefersLessMotion, say, setAttr, setText, shortText, showNotice,
  trimChildren,
} from "./page.js";
import { Wall, drawResults } from "./wall.js";

const ORGANISATION_TYPES = ["city", "company", "research", "citizen", "other"];

const wall = new Wall({ showHidden: true });
const cards = new Map(); // idea id -> the elements of its card
const columns = new Map(); // "ungrouped" or cluster id -> the elements of its column
const renaming = new Set();
let presence = null;
let progress = null;
let dragging = false;
let drawWaiting = false;

const $ = (id) => document.getElementById(id);
const ui = {
  phaseName: $("phase-name"),
  phaseButtons: Array.from(document.querySelectorAll("[data-set-phase]")),
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
};

const connection = new Connection(page, {
  snapshot(snapshot) {
    wall.load(snapshot);
    presence = snapshot.presence || presence;
    if (snapshot.votes_progress) progress = snapshot.votes_progress;
    if (snapshot.workshop) drawJoins(snapshot.workshop.joins_locked);
    draw();
  },
  fact(name, payload) {
    if (name === "workshop.changed") {
      if (payload.workshop) drawJoins(payload.workshop.joins_locked);
      return;
    }
    if (name === "presence.changed") {
      presence = payload;
    } else if (name === "votes.progressed") {
      progress = payload;
    } else if (!wall.apply(name, payload)) {
      return;
    }
    if (name === "phase.changed") announce(say("phase_now", { phase: phaseName(payload.phase) }));
    draw();
  },
  done(item, data) {
    if (item.name === "cluster.create") announce(say("cluster_created", { name: item.payload.name }));
    if (item.name === "idea.delete") announce(say("idea_deleted"));
    if (item.name === "workshop.lock_joins" && data) {
      drawJoins(data.joins_locked);
      announce(say(data.joins_locked ? "joins_locked_now" : "joins_open_now"));
    }
    if (data && data.idea) wall.putIdea(data.idea);
  },
  refused(item, error) {
    showNotice(error.message || say("action_failed"));
    // A refused move or rename: the snapshot puts the board back as the server has it.
    if (item.name && item.name !== "workshop.sync") connection.resync();
  },
  denied() {
    // The board's own address sends a signed-out browser to the sign-in page and back.
    showNotice(say("sign_in_again"), { link: { href: page.board_url, text: say("sign_in_again_link") } });
  },
});

// ---- Commands ----

function setPhase(phase) {
  clearNotice();
  if (phase === wall.phase) return;
  connection.send("phase.set", { phase });
}

function moveIdea(ideaId, clusterId, position) {
  const idea = wall.ideas.get(ideaId);
  if (!idea) return;
  wall.moveIdea(ideaId, clusterId, position);
  connection.send("cluster.move_idea", { idea_id: ideaId, cluster_id: clusterId, position });
  const cluster = wall.clusters.find((c) => c.id === clusterId);
  announce(say("moved_to", { cluster: cluster ? cluster.name : say("ungrouped") }));
  draw();
}

function moveWithKeyboard(card) {
  clearNotice();
  const target = card.moveTo.value === "" ? null : Number(card.moveTo.value);
  if (target === card.idea.cluster_id) {
    announce(say("already_there"));
    return;
  }
  const cluster = wall.clusters.find((c) => c.id === target);
  moveIdea(card.idea.id, target, cluster ? cluster.idea_ids.length : 0);
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
    column.cluster.name = name;
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

function deleteIdea(card) {
  clearNotice();
  if (!window.confirm(say("confirm_delete_idea", { idea: shortText(card.idea.text) }))) return;
  connection.send("idea.delete", { idea_id: card.idea.id });
  ui.clusterName.focus();
}

function lockJoins() {
  clearNotice();
  // The box shows the wish at once; the answer (or a refusal's resync) settles it.
  connection.send("workshop.lock_joins", { locked: ui.joinsLocked.checked });
}

function drawJoins(locked) {
  if (typeof locked !== "boolean") return;
  ui.joinsLocked.checked = locked;
  setText(ui.joinsState, say(locked ? "joins_locked" : "joins_open"));
  ui.joinsState.dataset.locked = String(locked);
}

function toggleHidden(card) {
  clearNotice();
  const hide = !card.idea.hidden;
  connection.send(hide ? "idea.hide" : "idea.show", { idea_id: card.idea.id });
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

function cardFor(idea) {
  if (cards.has(idea.id)) return cards.get(idea.id);
  const uid = `idea-${idea.id}`;
  const card = {
    node: element("li", { className: "idea idea-card", attrs: { "data-idea-id": idea.id } }),
    text: element("p", { className: "idea-text" }),
    meta: element("p", { className: "idea-meta" }),
    hiddenBadge: element("p", { className: "badge badge-hidden", text: say("hidden_from_participants") }),
    moveLabel: element("label", { className: "move-label", text: say("move_to_cluster"), attrs: { for: `${uid}-move` } }),
    moveTo: element("select", { attrs: { id: `${uid}-move`, "data-focus": `${uid}-move` } }),
    move: element("button", { text: say("move"), attrs: { type: "button", "data-focus": `${uid}-move-button` } }),
    hide: element("button", { className: "button-quiet", attrs: { type: "button", "data-focus": `${uid}-hide` } }),
    remove: element("button", { className: "button-quiet button-danger", text: say("delete"), attrs: { type: "button", "data-focus": `${uid}-delete` } }),
    idea,
  };
  card.node.append(
    card.text, card.meta, card.hiddenBadge,
    element("div", { className: "card-move" }, [card.moveLabel, card.moveTo, card.move]),
    element("div", { className: "button-row" }, [card.hide, card.remove]),
  );
  card.move.addEventListener("click", () => moveWithKeyboard(card));
  card.hide.addEventListener("click", () => toggleHidden(card));
  card.remove.addEventListener("click", () => deleteIdea(card));
  cards.set(idea.id, card);
  return card;
}

function drawCard(idea) {
  const card = cardFor(idea);
  card.idea = idea;
  const name = shortText(idea.text);
  setText(card.text, idea.text);
  const meta = [];
  if (idea.author.nickname) meta.push(idea.author.nickname);
  meta.push(organisationTypeName(idea.author.organisation_type));
  setText(card.meta, meta.join(" · "));
  card.node.classList.toggle("is-hidden-idea", Boolean(idea.hidden));
  card.hiddenBadge.hidden = !idea.hidden;
  // The visible label names the control; the idea's text tells one card's from another's.
  setAttr(card.moveTo, "aria-label", say("move_to_cluster_named", { idea: name }));
  setText(card.hide, idea.hidden ? say("show") : say("hide"));
  setAttr(card.hide, "aria-label", say(idea.hidden ? "show_idea_named" : "hide_idea_named", { idea: name }));
  setAttr(card.move, "aria-label", say("move_idea_named", { idea: name }));
  setAttr(card.remove, "aria-label", say("delete_idea_named", { idea: name }));

  const options = [{ value: "", label: say("ungrouped") }]
    .concat(wall.clusters.map((c) => ({ value: String(c.id), label: c.name })));
  const current = idea.cluster_id === null ? "" : String(idea.cluster_id);
  const same = card.moveTo.options.length === options.length
    && options.every((o, i) => card.moveTo.options[i].value === o.value && card.moveTo.options[i].text === o.label);
  if (!same) {
    const chosen = card.moveTo.value;
    card.moveTo.replaceChildren(...options.map((o) => element("option", { text: o.label, attrs: { value: o.value } })));
    card.moveTo.value = options.some((o) => o.value === chosen) ? chosen : current;
  }
  if (document.activeElement !== card.moveTo && card.drawnCluster !== current) card.moveTo.value = current;
  card.drawnCluster = current;
  return card.node;
}

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
    column.renameInput = element("input", { attrs: { id: `${uid}-rename-input`, type: "text", maxlength: 80, autocomplete: "off" } });
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

function drawColumns() {
  const groups = wall.groups();
  const wanted = [];
  const ungrouped = columnFor("ungrouped", null);
  setText(ungrouped.name, say("ungrouped"));
  wanted.push([ungrouped, groups.ungrouped]);
  for (const { cluster, ideas } of groups.clusters) {
    const column = columnFor(cluster.id, cluster);
    column.cluster = cluster;
    setText(column.name, cluster.name);
    const isRenaming = renaming.has(cluster.id);
    column.renameForm.hidden = !isRenaming;
    column.tools.hidden = isRenaming;
    setAttr(column.rename, "aria-label", say("rename_cluster_named", { name: cluster.name }));
    setAttr(column.remove, "aria-label", say("delete_cluster_named", { name: cluster.name }));
    wanted.push([column, ideas]);
  }
  arrangeChildren(ui.columns, wanted.map(([column]) => column.node));
  const drawn = wanted.map(([column, ideas]) => {
    const nodes = ideas.map(drawCard);
    arrangeChildren(column.list, nodes);
    setText(column.count, say("ideas_count", { count: ideas.length }));
    column.empty.hidden = ideas.length > 0;
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
  for (const id of Array.from(cards.keys())) {
    if (!wall.ideas.has(id)) cards.delete(id);
  }
}

function drawPresence() {
  if (presence) {
    setText(ui.online, say("online_now", { online: presence.online, joined: presence.joined }));
    placeChildren(ui.byType, ORGANISATION_TYPES.map((type) => element("li", {
      text: say("count_of", { name: organisationTypeName(type), count: presence.by_organisation_type[type] || 0 }),
    })));
  }
  ui.progress.hidden = !progress;
  if (progress) {
    setText(ui.progress, say("votes_progress", { votes: progress.votes_cast, voters: progress.voters }));
  }
}

function draw() {
  if (!wall.workshop) return;
  if (dragging) {
    // Redrawing under a dragged card would pull it from the pointer: wait for the drop.
    drawWaiting = true;
    return;
  }
  drawWaiting = false;
  keepingFocus(() => {
    const phase = wall.phase;
    setText(ui.phaseName, phaseName(phase));
    document.body.dataset.phase = phase;
    for (const button of ui.phaseButtons) {
      setAttr(button, "aria-pressed", button.dataset.setPhase === phase ? "true" : "false");
    }
    setText(ui.ideasCount, say("ideas_count", { count: wall.ideas.size }));
    drawPresence();
    drawResults(wall, ui.resultsSection, ui.resultsList);
    drawColumns();
  });
}

for (const button of ui.phaseButtons) {
  button.addEventListener("click", () => setPhase(button.dataset.setPhase));
}
ui.clusterForm.addEventListener("submit", createCluster);
ui.joinsLocked.addEventListener("change", lockJoins);
ui.phaseName.textContent = phaseName(ui.phaseName.dataset.phase || "");
document.addEventListener("pointerup", () => {
  if (drawWaiting && !dragging) draw();
});
