// Tables on the phone: where this participant sits, choosing a table while the facilitator
// lets people choose, a brainstorm held by table (each phone sees its own table's ideas until
// the facilitator merges them into the plenary), and a table host's grouping of the table's
// ideas and typing in of paper notes. Hands counted in the room (the hybrid room's other
// input) keep the phone's results lines apart: phones' votes, hands, and their sum.
//
// The server decides who sees what: a phone holds only what it was told. A move to another
// table comes as seats.changed, on which the connection asks for a fresh snapshot.

import { element, keepingFocus, placeChildren, setAttr, setText } from "../core/dom.js";
import { announce, organisationTypeName, say, settings } from "../core/page.js";
import { activityById, brainstormInFocus, currentActivity } from "./agenda.js";
import { ideaName, ideaTextProblem } from "./ideas.js";

const BRAINSTORM = "brainstorm";
const GROUP = "group";

function withTables(state, payload) {
  const tables = Array.isArray(payload.tables) ? payload.tables.map((table) => ({ ...table })) : state.seating.tables;
  const byChoice = typeof payload.tables_by_choice === "boolean" ? payload.tables_by_choice : state.seating.byChoice;
  return { ...state, seating: { ...state.seating, tables, byChoice } };
}

// A merge tells ideas.revealed before agenda.changed says `merged`: the reveal is the moment.
function revealedAtTables(state, activityId) {
  const activity = activityById(state, activityId);
  if (!activity || !activity.at_tables || state.seating.merged.has(activityId)) return state;
  const merged = new Set(state.seating.merged);
  merged.add(activityId);
  return { ...state, seating: { ...state.seating, merged } };
}

// Hands counted in the room for an idea, once its vote's results are out: the line says the
// phones' votes and the hands apart, ranked by their sum as the server ranks them.
function withHands(state, { idea_id: ideaId, hands }) {
  if (!state.results || !state.results.some((line) => line.idea_id === ideaId)) return state;
  const lines = state.results.map((line) => (line.idea_id === ideaId
    ? { ...line, hands: Number(hands) || 0, total: (Number(line.votes) || 0) + (Number(hands) || 0) }
    : line));
  const total = (line) => (typeof line.total === "number" ? line.total : Number(line.votes) || 0);
  const ranked = lines.slice().sort((a, b) => total(b) - total(a))
    .map((line, _, all) => ({ ...line, rank: 1 + all.filter((other) => total(other) > total(line)).length }));
  return { ...state, results: ranked };
}

/** The tables' part of a screen's state: `seating` {tables, byChoice, merged (activity ids)}. */
export const seating = {
  initial: { seating: { tables: [], byChoice: false, merged: new Set() } },
  snapshot(state, snapshot) {
    const byChoice = snapshot.tables_by_choice ?? (snapshot.workshop && snapshot.workshop.tables_by_choice);
    return withTables({ ...state, seating: { ...state.seating, merged: new Set() } },
      { tables: snapshot.tables || [], tables_by_choice: Boolean(byChoice) });
  },
  facts: {
    "tables.changed": withTables,
    "ideas.revealed": (state, payload) => revealedAtTables(state, payload.activity_id),
    "hands.changed": withHands,
  },
};

/** The table with this id, or null. */
export function tableById(state, tableId) {
  return state.seating.tables.find((table) => table.id === tableId) || null;
}

/** The name of a table, for an idea card; null when this screen does not know it. */
export function tableName(state, tableId) {
  const table = tableById(state, tableId);
  return table ? table.name : null;
}

/** The table this phone sits at, or null. */
export function myTable(state) {
  const me = state.me;
  if (!me || typeof me.table_id !== "number") return null;
  return tableById(state, me.table_id) || { id: me.table_id, name: "", host_id: null, seated: 0 };
}

/** The id of the table this participant hosts, or null: the tables say it, else the snapshot. */
export function hostedTableId(state) {
  const me = state.me;
  if (!me || typeof me.participant_id !== "number") return null;
  const table = myTable(state);
  if (!table) return null;
  if (state.seating.tables.length) return table.host_id === me.participant_id ? table.id : null;
  return me.host_of === table.id ? table.id : null;
}

/** True while this brainstorm's ideas are kept to their tables (at tables, not yet merged). */
export function heldAtTables(state, activity) {
  // A screen without the seating part (the board, the projector) goes by the agenda alone.
  const mergedHere = Boolean(state.seating && state.seating.merged.has(activity && activity.id));
  return Boolean(activity && activity.kind === BRAINSTORM && activity.at_tables && !activity.merged && !mergedHere);
}

/** The brainstorm held at tables that the room is working on now (posting or grouping), or null. */
export function tableBrainstorm(state) {
  const now = currentActivity(state);
  if (!now || (now.kind !== BRAINSTORM && now.kind !== GROUP)) return null;
  const brainstorm = brainstormInFocus(state);
  return heldAtTables(state, brainstorm) ? brainstorm : null;
}

/** The "Entered on behalf" mark of an idea typed in from paper, or "" for any other idea. */
export function enteredOnBehalf(idea) {
  if (!idea.on_paper) return "";
  const by = idea.entered_by;
  const role = by && typeof by === "object" ? by.role : by;
  const name = by && typeof by === "object" ? by.name : "";
  if (name) return say("entered_on_behalf_by", { name });
  return say(role === "host" ? "entered_on_behalf_by_host" : "entered_on_behalf_by_facilitator");
}

// ---- The phone ----

const $ = (id) => document.getElementById(id);

/**
 * The phone's tables: "You are at", the table choice, the note of a table brainstorm and the
 * host's grouping and paper notes, drawn into participant.html's places. Returns
 * `refused(item, error)`, true when a refusal was said next to its own form.
 */
export function mountSeating(store, connection) {
  const ui = {
    where: $("my-table"),
    note: $("table-note"),
    choice: $("table-choice"),
    choiceHeading: $("table-choice-heading"),
    choiceForm: $("table-choice-form"),
    choiceList: $("table-choice-list"),
    choiceError: $("table-choice-error"),
    postFeedback: $("post-feedback"),
    host: $("table-host"),
    hostIntro: $("table-host-intro"),
    groupForm: $("group-create-form"),
    groupName: $("group-name"),
    hostFeedback: $("table-host-feedback"),
    groups: $("table-groups"),
    groupsEmpty: $("table-groups-empty"),
    hostIdeas: $("table-host-ideas"),
    hostIdeasEmpty: $("table-host-ideas-empty"),
    paper: $("paper-note"),
    paperForm: $("paper-form"),
    paperText: $("paper-text"),
    paperType: $("paper-type"),
    paperFeedback: $("paper-feedback"),
  };
  const radios = new Map(); // table id -> {node, input, label}
  const groupRows = new Map(); // cluster id -> row
  const ideaRows = new Map(); // idea id -> row
  let seatedBefore; // the table id drawn last (undefined before the first snapshot)
  let heldBefore = null;
  let noTableSaid = ""; // the refusal said under the post form, until this phone has a table

  function state() {
    return store.state;
  }

  // ---- Where I sit, and choosing ----

  function radio(table) {
    let shown = radios.get(table.id);
    if (!shown) {
      const id = `table-${table.id}`;
      const input = element("input", { attrs: { type: "radio", name: "table", id, value: table.id, "data-focus": id } });
      const label = element("label", { attrs: { for: id } });
      shown = { node: element("div", { className: "choice" }, [input, label]), input, label };
      radios.set(table.id, shown);
    }
    setText(shown.label, say("seat_table_option", { name: table.name, count: table.seated || 0 }));
    return shown.node;
  }

  function drawChoice(now, mine, moved) {
    const { tables, byChoice } = now.seating;
    const open = byChoice && tables.length > 0 && Boolean(now.me && typeof now.me.participant_id === "number");
    ui.choice.hidden = !open;
    if (!open) return;
    setText(ui.choiceHeading, say(mine ? "seat_change" : "seat_choose"));
    placeChildren(ui.choiceList, tables.map(radio));
    for (const id of Array.from(radios.keys())) if (!tables.some((table) => table.id === id)) radios.delete(id);
    // Where one sits is ticked when the seat changes, or while nothing else is.
    const picked = ui.choiceList.querySelector("input:checked");
    const here = mine ? radios.get(mine.id) : null;
    if (here && (moved || !picked)) here.input.checked = true;
  }

  function choose(event) {
    event.preventDefault();
    const picked = ui.choiceList.querySelector("input:checked");
    if (!picked) {
      setText(ui.choiceError, say("seat_choose_first"));
      const first = ui.choiceList.querySelector("input");
      if (first) first.focus();
      return;
    }
    const tableId = Number(picked.value);
    const mine = myTable(state());
    if (mine && mine.id === tableId) {
      setText(ui.choiceError, say("seat_already_here", { table: mine.name }));
      return;
    }
    setText(ui.choiceError, "");
    connection.send("table.choose", { table_id: tableId });
    announce(say("seat_choosing"));
  }

  function drawWhere(now, mine, hosted) {
    ui.where.hidden = !mine;
    if (mine) setText(ui.where, say(hosted ? "seat_you_host" : "seat_you_are_at", { table: mine.name }));
    const id = mine ? mine.id : null;
    // Said once when the seat changes; the first snapshot says nothing.
    if (seatedBefore !== undefined && seatedBefore !== id) {
      announce(mine ? say("seat_you_are_at", { table: mine.name }) : say("seat_unseated"));
      if (mine) setText(ui.choiceError, "");
      if (mine && noTableSaid && ui.postFeedback.textContent === noTableSaid) setText(ui.postFeedback, "");
      if (mine) noTableSaid = "";
    }
    seatedBefore = id;
  }

  // ---- A brainstorm held at tables ----

  function drawNote(now, mine) {
    const brainstorm = tableBrainstorm(now);
    const participant = Boolean(now.me && typeof now.me.participant_id === "number");
    let text = "";
    if (brainstorm && participant) {
      if (mine) text = say("seat_ideas_held");
      else text = say(now.seating.byChoice && now.seating.tables.length ? "seat_choose_to_post" : "seat_wait");
    }
    ui.note.hidden = !text;
    setText(ui.note, text);
    // The merge, said once: every table's ideas arrive together.
    const before = heldBefore === null ? null : activityById(now, heldBefore);
    if (!brainstorm && before && (before.merged || now.seating.merged.has(before.id))) announce(say("seat_tables_merged"));
    heldBefore = brainstorm ? brainstorm.id : null;
  }

  // ---- The table's host: groups and paper notes ----

  function tableGroups(now, tableId) {
    const brainstorm = brainstormInFocus(now);
    return now.clusters.filter((cluster) => cluster.table_id === tableId
      && (!brainstorm || cluster.activity_id === null || cluster.activity_id === undefined || cluster.activity_id === brainstorm.id));
  }

  function tableIdeas(now, tableId, brainstorm) {
    return Array.from(now.ideas.values())
      .filter((idea) => idea.table_id === tableId && idea.activity_id === brainstorm.id && !idea.hidden)
      .sort((a, b) => a.id - b.id);
  }

  function groupRow(cluster) {
    let row = groupRows.get(cluster.id);
    if (!row) {
      const uid = `table-group-${cluster.id}`;
      const name = element("span", { className: "table-group-name" });
      const count = element("span", { className: "table-group-count" });
      const rename = element("button", { className: "button-quiet", text: say("rename"), attrs: { type: "button", "data-focus": `${uid}-rename` } });
      const remove = element("button", { className: "button-quiet button-danger", text: say("delete"), attrs: { type: "button", "data-focus": `${uid}-delete` } });
      const input = element("input", { attrs: { type: "text", id: `${uid}-name`, "data-focus": `${uid}-name`, maxlength: settings.cluster_name_max_length, autocomplete: "off" } });
      const label = element("label", { text: say("new_cluster_name"), attrs: { for: `${uid}-name` } });
      const cancel = element("button", { className: "button-quiet", text: say("cancel"), attrs: { type: "button", "data-focus": `${uid}-cancel` } });
      const form = element("form", { className: "rename-form", attrs: { novalidate: true } }, [
        label, element("div", { className: "inline-field" }, [input]),
        element("div", { className: "button-row" }, [
          element("button", { text: say("save"), attrs: { type: "submit", "data-focus": `${uid}-save` } }), cancel,
        ]),
      ]);
      form.hidden = true;
      const line = element("p", { className: "table-group-line" }, [name, " · ", count]);
      const buttons = element("div", { className: "button-row" }, [rename, remove]);
      row = { node: element("li", { className: "table-group" }, [line, buttons, form]), name, count, rename, remove, input, form, buttons, cluster };
      rename.addEventListener("click", () => openRename(row));
      cancel.addEventListener("click", () => closeRename(row));
      input.addEventListener("keydown", (event) => {
        if (event.key === "Escape") closeRename(row);
      });
      form.addEventListener("submit", (event) => saveRename(event, row));
      remove.addEventListener("click", () => deleteGroup(row.cluster));
      groupRows.set(cluster.id, row);
    }
    row.cluster = cluster;
    setText(row.name, cluster.name);
    setText(row.count, say("ideas_count", { count: cluster.idea_ids.length }));
    setAttr(row.rename, "aria-label", say("host_rename_group_named", { name: cluster.name }));
    setAttr(row.remove, "aria-label", say("host_delete_group_named", { name: cluster.name }));
    return row.node;
  }

  function openRename(row) {
    row.form.hidden = false;
    row.buttons.hidden = true;
    row.input.value = row.cluster.name;
    row.input.focus();
  }

  function closeRename(row) {
    row.form.hidden = true;
    row.buttons.hidden = false;
    row.rename.focus();
  }

  function saveRename(event, row) {
    event.preventDefault();
    const name = row.input.value.trim();
    if (!name) {
      setText(ui.hostFeedback, say("host_group_name_empty"));
      row.input.focus();
      return;
    }
    if (name !== row.cluster.name) connection.send("cluster.rename", { cluster_id: row.cluster.id, name });
    closeRename(row);
  }

  function deleteGroup(cluster) {
    if (!window.confirm(say("host_confirm_delete_group", { name: cluster.name }))) return;
    connection.send("cluster.delete", { cluster_id: cluster.id });
    setText(ui.hostFeedback, say("host_group_deleting", { name: cluster.name }));
    ui.groupName.focus();
  }

  function createGroup(event) {
    event.preventDefault();
    const name = ui.groupName.value.trim();
    if (!name) {
      setText(ui.hostFeedback, say("host_group_name_empty"));
      setAttr(ui.groupName, "aria-invalid", "true");
      ui.groupName.focus();
      return;
    }
    setAttr(ui.groupName, "aria-invalid", null);
    connection.send("cluster.create", { name });
    ui.groupName.value = "";
    setText(ui.hostFeedback, say("host_group_creating", { name }));
  }

  function ideaRow(idea, groups) {
    let row = ideaRows.get(idea.id);
    if (!row) {
      const uid = `table-idea-${idea.id}`;
      const text = element("p", { className: "idea-text" });
      const select = element("select", { attrs: { id: `${uid}-group`, "data-focus": `${uid}-group` } });
      const move = element("button", { text: say("move"), attrs: { type: "button", "data-focus": `${uid}-move` } });
      row = {
        node: element("li", { className: "idea table-host-idea" }, [text, element("div", { className: "card-move" }, [
          element("label", { className: "move-label", text: say("host_move_to_group"), attrs: { for: `${uid}-group` } }), select, move,
        ])]),
        text, select, move, idea, drawn: undefined,
      };
      move.addEventListener("click", () => moveIdea(row));
      ideaRows.set(idea.id, row);
    }
    row.idea = idea;
    setText(row.text, idea.text);
    const name = ideaName(idea.text);
    setAttr(row.select, "aria-label", say("host_move_to_group_named", { idea: name }));
    setAttr(row.move, "aria-label", say("move_idea_named", { idea: name }));
    const options = [{ value: "", label: say("ungrouped") }].concat(groups.map((c) => ({ value: String(c.id), label: c.name })));
    const same = row.select.options.length === options.length
      && options.every((o, i) => row.select.options[i].value === o.value && row.select.options[i].text === o.label);
    const current = groups.find((c) => c.idea_ids.includes(idea.id));
    const value = current ? String(current.id) : "";
    if (!same) {
      const chosen = row.select.value;
      row.select.replaceChildren(...options.map((o) => element("option", { text: o.label, attrs: { value: o.value } })));
      row.select.value = options.some((o) => o.value === chosen) && row.drawn !== undefined ? chosen : value;
    }
    // A choice being made stays; otherwise the control follows where the idea is.
    if (document.activeElement !== row.select && row.drawn !== value) row.select.value = value;
    row.drawn = value;
    return row.node;
  }

  function moveIdea(row) {
    const target = row.select.value === "" ? null : Number(row.select.value);
    const now = state();
    const groups = tableGroups(now, hostedTableId(now));
    const from = groups.find((c) => c.idea_ids.includes(row.idea.id));
    if ((from ? from.id : null) === target) {
      setText(ui.hostFeedback, say("already_there"));
      return;
    }
    const into = groups.find((c) => c.id === target);
    connection.send("cluster.move_idea", { idea_id: row.idea.id, cluster_id: target, position: into ? into.idea_ids.length : 0 });
    setText(ui.hostFeedback, say("moved_to", { cluster: into ? into.name : say("ungrouped") }));
  }

  function enterPaperNote(event) {
    event.preventDefault();
    const text = ui.paperText.value.trim();
    const problem = ideaTextProblem(text);
    if (problem) {
      setText(ui.paperFeedback, say(problem.key, problem.values));
      setAttr(ui.paperText, "aria-invalid", "true");
      ui.paperText.focus();
      return;
    }
    setAttr(ui.paperText, "aria-invalid", null);
    const type = ui.paperType.value || null;
    connection.send("idea.enter", { text, table_id: hostedTableId(state()), organisation_type: type });
    ui.paperText.value = "";
    setText(ui.paperFeedback, say("paper_note_sending"));
    ui.paperText.focus();
  }

  function drawHost(now, mine) {
    const hosted = hostedTableId(now);
    const brainstorm = tableBrainstorm(now);
    const open = Boolean(hosted !== null && brainstorm && mine);
    ui.host.hidden = !open;
    if (!open) return;
    setText(ui.hostIntro, say("host_intro", { table: mine.name }));
    const groups = tableGroups(now, hosted);
    ui.groupsEmpty.hidden = groups.length > 0;
    placeChildren(ui.groups, groups.map(groupRow));
    for (const id of Array.from(groupRows.keys())) if (!groups.some((c) => c.id === id)) groupRows.delete(id);
    const ideas = tableIdeas(now, hosted, brainstorm);
    ui.hostIdeasEmpty.hidden = ideas.length > 0;
    placeChildren(ui.hostIdeas, ideas.map((idea) => ideaRow(idea, groups)));
    for (const id of Array.from(ideaRows.keys())) if (!ideas.some((idea) => idea.id === id)) ideaRows.delete(id);
    // Paper notes go in while the brainstorm takes ideas.
    ui.paper.hidden = currentActivity(now) !== brainstorm;
  }

  function draw() {
    const now = state();
    if (!now.workshop) return;
    keepingFocus(() => {
      const mine = myTable(now);
      const moved = seatedBefore !== (mine ? mine.id : null);
      drawWhere(now, mine, hostedTableId(now) !== null);
      drawChoice(now, mine, moved);
      drawNote(now, mine);
      drawHost(now, mine);
    });
  }

  // The kinds of organisation a paper note may be written by; "not known" stays unset.
  ui.paperType.append(...settings.organisation_types.map((type) => element("option", {
    text: organisationTypeName(type), attrs: { value: type },
  })));
  if (settings.cluster_name_max_length) ui.groupName.maxLength = settings.cluster_name_max_length;
  ui.choiceForm.addEventListener("submit", choose);
  ui.groupForm.addEventListener("submit", createGroup);
  ui.paperForm.addEventListener("submit", enterPaperNote);
  store.subscribe(draw);
  draw();

  return {
    /** Said next to its own form: true when the refusal was one of the tables'. */
    refused(item, error) {
      const words = error.message || say("action_failed");
      if (item.name === "table.choose") {
        setText(ui.choiceError, words);
        return true;
      }
      if (item.name === "idea.post" && error.code === "no_table") {
        setText(ui.postFeedback, words);
        noTableSaid = words;
        return true;
      }
      if (item.name === "idea.enter") {
        setText(ui.paperFeedback, words);
        return !ui.paper.hidden;
      }
      if (item.name.startsWith("cluster.") && !ui.host.hidden) {
        setText(ui.hostFeedback, words);
        return true;
      }
      return false;
    },
    /** A command of the tables' done: its feedback. */
    done(item) {
      if (item.name === "idea.enter") setText(ui.paperFeedback, say("paper_note_entered"));
      if (item.name === "cluster.create") setText(ui.hostFeedback, say("host_group_created", { name: item.payload.name }));
    },
  };
}
