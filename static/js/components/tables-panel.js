// The board's Tables panel: add, rename and delete tables, let participants choose their
// table or seat them automatically (mixing organisation types), move one person, and name a
// table's host from those seated there. Every control is a real button or a labelled field; a
// refusal is said next to the control it is about and read out; after a change the focus
// stays where the facilitator works on.

import { arrangeChildren, element, setAttr, setText, trimChildren } from "../core/dom.js";
import { announce, clearNotice, organisationTypeName, say, settings } from "../core/page.js";
import { seatedAt, tableById } from "../features/tables.js";

const NAME_MAX_LENGTH = settings.table_name_max_length || 60;

function button(text, attrs = {}, className = "") {
  return element("button", { className, text, attrs: { type: "button", ...attrs } });
}

// A paragraph for a problem with one control, tied to it by aria-describedby when shown.
function problemFor(id) {
  const node = element("p", { className: "field-error", attrs: { id } });
  node.hidden = true;
  return node;
}

function showProblem(node, control, text, hintId = null) {
  setText(node, text || "");
  node.hidden = !text;
  if (control) {
    setAttr(control, "aria-invalid", text && control.tagName !== "BUTTON" ? "true" : null);
    setAttr(control, "aria-describedby", [hintId, text ? node.id : null].filter(Boolean).join(" ") || null);
  }
}

function options(select, wanted) {
  const same = select.options.length === wanted.length
    && wanted.every((o, i) => select.options[i].value === o.value && select.options[i].text === o.label);
  if (same) return;
  const chosen = select.value;
  select.replaceChildren(...wanted.map((o) => element("option", { text: o.label, attrs: { value: o.value } })));
  if (wanted.some((o) => o.value === chosen)) select.value = chosen;
}

/** A person's name as the board says it: the nickname, else "Participant 3" in joining order. */
export function personName(state, person) {
  if (!person) return "";
  if (person.nickname) return person.nickname;
  return say("participant_numbered", { number: state.people.indexOf(person) + 1 });
}

/** The panel drawn into `host`; `send(name, payload)` sends a command. */
export class TablesPanel {
  constructor(host, send) {
    this.host = host;
    this.send = send;
    this.state = null;
    this.items = new Map(); // table id -> the elements of its line
    this.rows = new Map(); // participant id -> the elements of their seating row
    this.renaming = new Set();
    this.suggested = ""; // the numbered name the field was last filled with
    this.deleting = null; // the id of a table asked to be deleted, for the focus once it goes

    // Adding a table.
    this.nameInput = element("input", {
      attrs: { id: "table-name", type: "text", maxlength: NAME_MAX_LENGTH, autocomplete: "off", "aria-describedby": "table-name-hint" },
    });
    this.nameProblem = problemFor("table-name-error");
    this.createForm = element("form", { className: "table-form", attrs: { novalidate: true } }, [
      element("label", { text: say("table_name_label"), attrs: { for: "table-name" } }),
      element("p", { className: "hint", text: say("table_name_hint"), attrs: { id: "table-name-hint" } }),
      element("div", { className: "inline-field" }, [
        this.nameInput,
        element("button", { text: say("add_table"), attrs: { type: "submit" } }),
      ]),
      this.nameProblem,
    ]);
    this.createForm.addEventListener("submit", (event) => this.create(event));

    // The tables.
    this.list = element("ul", { className: "tables-list", attrs: { "aria-label": say("tables_list") } });
    this.empty = element("p", { className: "empty", text: say("no_tables_yet") });

    // Choosing, or seating automatically.
    this.choice = element("input", { attrs: { type: "checkbox", id: "tables-by-choice", "aria-describedby": "tables-by-choice-hint" } });
    this.choice.addEventListener("change", () => this.setChoice());
    this.everyone = element("input", { attrs: { type: "checkbox", id: "assign-everyone" } });
    this.assignButton = button(say("assign_automatically"), { "aria-describedby": "assign-hint", "data-focus": "tables-assign" }, "button-primary");
    this.assignButton.addEventListener("click", () => this.assign());
    this.assignProblem = problemFor("assign-error");
    const seating = element("div", { className: "tables-seating-tools" }, [
      element("div", { className: "choice" }, [this.choice,
        element("label", { text: say("tables_by_choice"), attrs: { for: "tables-by-choice" } })]),
      element("p", { className: "hint", text: say("tables_by_choice_hint"), attrs: { id: "tables-by-choice-hint" } }),
      element("div", { className: "choice" }, [this.everyone,
        element("label", { text: say("assign_everyone"), attrs: { for: "assign-everyone" } })]),
      element("p", { className: "hint", text: say("assign_hint"), attrs: { id: "assign-hint" } }),
      element("div", { className: "button-row" }, [this.assignButton]),
      this.assignProblem,
    ]);

    // Who sits where.
    this.seatingBody = element("tbody");
    this.seatingTable = element("table", { className: "seating-table", attrs: { "aria-labelledby": "seating-heading" } }, [
      element("thead", {}, [element("tr", {}, [
        element("th", { text: say("seating_person"), attrs: { scope: "col" } }),
        element("th", { text: say("seating_type"), attrs: { scope: "col" } }),
        element("th", { text: say("seating_table"), attrs: { scope: "col" } }),
      ])]),
      this.seatingBody,
    ]);
    this.nobody = element("p", { className: "empty", text: say("no_people_yet") });
    this.seatCount = element("p", { className: "hint" });

    host.replaceChildren(
      this.createForm,
      element("h3", { text: say("tables_list"), attrs: { id: "tables-list-heading" } }),
      this.empty,
      this.list,
      seating,
      element("h3", { text: say("seating_heading"), attrs: { id: "seating-heading" } }),
      this.seatCount,
      this.nobody,
      element("div", { className: "seating-scroll" }, [this.seatingTable]),
    );
  }

  // ---- Commands ----

  create(event) {
    event.preventDefault();
    clearNotice();
    const name = this.nameInput.value.trim();
    const problem = this.nameProblemText(name, null);
    if (problem) {
      this.refuseHere(this.nameProblem, this.nameInput, problem, "table-name-hint");
      this.nameInput.focus();
      return;
    }
    showProblem(this.nameProblem, this.nameInput, null, "table-name-hint");
    this.send("table.create", { name });
    announce(say("table_adding", { name }));
    // The next numbered name waits in the field: rooms of ten tables are added by Enter.
    this.nameInput.value = this.nextName([...this.state.tables.map((table) => table.name), name]);
    this.suggested = this.nameInput.value;
    this.nameInput.select();
  }

  nameProblemText(name, tableId) {
    if (!name) return say("table_name_empty");
    if (Array.from(name).length > NAME_MAX_LENGTH) return say("table_name_too_long", { max_length: NAME_MAX_LENGTH });
    const taken = this.state.tables.some((table) => table.id !== tableId && table.name.toLocaleLowerCase() === name.toLocaleLowerCase());
    return taken ? say("table_name_taken", { name }) : null;
  }

  nextName(names) {
    const taken = new Set(names.map((name) => name.toLocaleLowerCase()));
    let number = this.state.tables.length + 1;
    while (taken.has(say("table_default_name", { number }).toLocaleLowerCase())) number += 1;
    return say("table_default_name", { number });
  }

  startRenaming(item) {
    clearNotice();
    this.renaming.add(item.table.id);
    item.renameInput.value = item.table.name;
    showProblem(item.problem, item.renameInput, null);
    this.redraw();
    item.renameInput.focus();
    item.renameInput.select();
  }

  stopRenaming(item) {
    this.renaming.delete(item.table.id);
    showProblem(item.problem, item.renameInput, null);
    this.redraw();
    item.rename.focus();
  }

  rename(event, item) {
    event.preventDefault();
    clearNotice();
    const name = item.renameInput.value.trim();
    const problem = this.nameProblemText(name, item.table.id);
    if (problem) {
      this.refuseHere(item.problem, item.renameInput, problem);
      item.renameInput.focus();
      return;
    }
    if (name !== item.table.name) {
      this.send("table.rename", { table_id: item.table.id, name });
      announce(say("table_renaming", { name }));
    }
    this.stopRenaming(item);
  }

  remove(item) {
    clearNotice();
    const table = item.table;
    if (!window.confirm(say("confirm_delete_table", { name: table.name }))) return;
    showProblem(item.problem, item.remove, null);
    this.deleting = table.id;
    this.send("table.delete", { table_id: table.id });
    announce(say("table_deleting", { name: table.name }));
  }

  nameHost(item) {
    clearNotice();
    const chosen = item.host.value === "" ? null : Number(item.host.value);
    if (chosen === (item.table.host_id ?? null)) return;
    showProblem(item.problem, item.hostButton, null);
    this.send("table.set_host", { table_id: item.table.id, participant_id: chosen });
    const person = this.state.people.find((known) => known.id === chosen);
    announce(person
      ? say("host_named_now", { name: personName(this.state, person), table: item.table.name })
      : say("host_removed_now", { table: item.table.name }));
  }

  setChoice() {
    clearNotice();
    // The box shows the wish at once; tables.changed (or a refusal's resync) settles it.
    this.send("tables.set_choice", { open: this.choice.checked });
    announce(say(this.choice.checked ? "choice_open_now" : "choice_closed_now"));
  }

  assign() {
    clearNotice();
    showProblem(this.assignProblem, this.assignButton, null, "assign-hint");
    if (!this.state.tables.length) {
      this.refuseHere(this.assignProblem, this.assignButton, say("assign_needs_tables"), "assign-hint");
      return;
    }
    this.send("tables.assign", { everyone: this.everyone.checked });
    announce(say("assigning"));
  }

  seat(row) {
    clearNotice();
    const table = row.select.value === "" ? null : Number(row.select.value);
    if (table === (this.state.seats.get(row.person.id) ?? null)) {
      announce(say("already_seated_there"));
      return;
    }
    showProblem(row.problem, row.move, null);
    this.send("table.seat", { participant_id: row.person.id, table_id: table });
    const name = personName(this.state, row.person);
    const known = tableById(this.state, table);
    announce(known ? say("seated_now", { name, table: known.name }) : say("unseated_now", { name }));
  }

  refuseHere(node, control, text, hintId = null) {
    showProblem(node, control, text, hintId);
    announce(text);
  }

  /** Said next to the control a refused command came from; true when the panel took it. */
  refused(item, error) {
    const text = error.message || say("action_failed");
    const payload = item.payload || {};
    if (item.name === "table.create") {
      // The refused name comes back into the field, to be changed.
      this.nameInput.value = payload.name || this.nameInput.value;
      this.refuseHere(this.nameProblem, this.nameInput, text, "table-name-hint");
      return true;
    }
    if (["table.rename", "table.delete", "table.set_host"].includes(item.name)) {
      const shown = this.items.get(payload.table_id);
      if (!shown) return false;
      const control = { "table.rename": shown.rename, "table.delete": shown.remove, "table.set_host": shown.hostButton }[item.name];
      this.refuseHere(shown.problem, control, text);
      if (item.name === "table.delete" && this.deleting === payload.table_id) this.deleting = null;
      return true;
    }
    if (item.name === "table.seat") {
      const row = this.rows.get(payload.participant_id);
      if (!row) return false;
      this.refuseHere(row.problem, row.move, text);
      return true;
    }
    if (item.name === "tables.assign" || item.name === "tables.set_choice") {
      this.refuseHere(this.assignProblem, item.name === "tables.assign" ? this.assignButton : this.choice, text, "assign-hint");
      return true;
    }
    return false;
  }

  /** Told when a command was done: a few say what came of it. */
  done(item, data) {
    if (item.name === "tables.assign" && data && data.seats) {
      announce(say("assigned", { count: Object.keys(data.seats).length }));
    }
  }

  // ---- Drawing ----

  itemFor(table) {
    if (this.items.has(table.id)) return this.items.get(table.id);
    const uid = `table-${table.id}`;
    const item = {
      table,
      node: element("li", { className: "tables-item" }),
      name: element("span", { className: "tables-name", attrs: { id: `${uid}-name` } }),
      seated: element("span", { className: "tables-seated" }),
      rename: button(say("rename"), { "data-focus": `${uid}-rename` }, "button-quiet"),
      remove: button(say("delete"), { "data-focus": `${uid}-delete` }, "button-quiet button-danger"),
      renameInput: element("input", { attrs: { id: `${uid}-rename-input`, type: "text", maxlength: NAME_MAX_LENGTH, autocomplete: "off" } }),
      host: element("select", { attrs: { id: `${uid}-host`, "data-focus": `${uid}-host` } }),
      hostButton: button(say("name_host"), { "data-focus": `${uid}-host-button` }),
      problem: problemFor(`${uid}-error`),
    };
    item.renameForm = element("form", { className: "rename-form", attrs: { novalidate: true } }, [
      element("label", { text: say("new_cluster_name"), attrs: { for: `${uid}-rename-input` } }),
      item.renameInput,
      element("div", { className: "button-row" }, [
        element("button", { text: say("save"), attrs: { type: "submit" } }),
        button(say("cancel"), {}, "button-quiet rename-cancel"),
      ]),
    ]);
    item.tools = element("div", { className: "button-row" }, [item.rename, item.remove]);
    item.hostField = element("div", { className: "tables-host" }, [
      element("label", { text: say("table_host"), attrs: { for: `${uid}-host` } }),
      element("div", { className: "inline-field" }, [item.host, item.hostButton]),
    ]);
    item.node.append(
      element("p", { className: "tables-line" }, [item.name, " ", item.seated]),
      item.tools, item.renameForm, item.hostField, item.problem,
    );
    item.rename.addEventListener("click", () => this.startRenaming(item));
    item.remove.addEventListener("click", () => this.remove(item));
    item.hostButton.addEventListener("click", () => this.nameHost(item));
    item.renameForm.addEventListener("submit", (event) => this.rename(event, item));
    item.renameForm.querySelector(".rename-cancel").addEventListener("click", () => this.stopRenaming(item));
    item.renameInput.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.stopRenaming(item);
    });
    this.items.set(table.id, item);
    return item;
  }

  rowFor(person) {
    if (this.rows.has(person.id)) return this.rows.get(person.id);
    const uid = `seat-${person.id}`;
    const row = {
      person,
      node: element("tr"),
      name: element("th", { attrs: { scope: "row" } }),
      type: element("td"),
      select: element("select", { attrs: { id: uid, "data-focus": uid } }),
      move: button(say("move"), { "data-focus": `${uid}-move` }),
      problem: problemFor(`${uid}-error`),
    };
    row.label = element("label", { className: "visually-hidden", attrs: { for: uid } });
    row.node.append(row.name, row.type, element("td", {}, [
      row.label, element("div", { className: "inline-field" }, [row.select, row.move]), row.problem,
    ]));
    row.move.addEventListener("click", () => this.seat(row));
    this.rows.set(person.id, row);
    return row;
  }

  /** Draw the panel as `state` (the board's store) has it. */
  draw(state) {
    this.state = state;
    this.redraw();
  }

  redraw() {
    const state = this.state;
    if (!state) return;
    if (!this.nameInput.value || this.nameInput.value === this.suggested) {
      // The field offers the next numbered name until the facilitator types their own.
      if (document.activeElement !== this.nameInput || !this.nameInput.value) {
        this.nameInput.value = this.nextName(state.tables.map((table) => table.name));
        this.suggested = this.nameInput.value;
      }
    }
    this.drawTables(state);
    this.drawSeating(state);
    if (document.activeElement !== this.choice) this.choice.checked = state.tablesByChoice;
  }

  drawTables(state) {
    const tableChoices = [{ value: "", label: say("no_host") }];
    const nodes = state.tables.map((table) => {
      const item = this.itemFor(table);
      item.table = table;
      setText(item.name, table.name);
      // The server's count: it also knows the newly joined this screen has not listed yet.
      setText(item.seated, say("table_seated", { count: typeof table.seated === "number" ? table.seated : seatedAt(state, table.id).length }));
      const isRenaming = this.renaming.has(table.id);
      item.renameForm.hidden = !isRenaming;
      item.tools.hidden = isRenaming;
      setAttr(item.rename, "aria-label", say("rename_table_named", { name: table.name }));
      setAttr(item.remove, "aria-label", say("delete_table_named", { name: table.name }));
      setAttr(item.hostButton, "aria-label", say("name_host_named", { name: table.name }));
      const seated = seatedAt(state, table.id);
      options(item.host, tableChoices.concat(seated.map((person) => ({ value: String(person.id), label: personName(state, person) }))));
      // The label says "Host"; the table's name tells one table's host from another's.
      setAttr(item.host, "aria-label", say("table_host_named", { name: table.name }));
      const host = table.host_id === null || table.host_id === undefined ? "" : String(table.host_id);
      if (document.activeElement !== item.host && item.drawnHost !== host) item.host.value = host;
      item.drawnHost = host;
      item.hostField.hidden = seated.length === 0 && !host;
      return item.node;
    });
    this.empty.hidden = nodes.length > 0;
    arrangeChildren(this.list, nodes);
    trimChildren(this.list, nodes.length);
    for (const id of Array.from(this.items.keys())) {
      if (!state.tables.some((table) => table.id === id)) {
        this.items.delete(id);
        this.renaming.delete(id);
      }
    }
    if (this.deleting !== null && !tableById(state, this.deleting)) {
      // The deleted table's buttons are gone: the keyboard goes on to add or to the next table.
      this.deleting = null;
      const active = document.activeElement;
      if (!active || active === document.body || !active.isConnected) this.nameInput.focus();
    }
  }

  drawSeating(state) {
    const people = state.people.filter((person) => !person.removed);
    const choices = [{ value: "", label: say("seat_no_table") }]
      .concat(state.tables.map((table) => ({ value: String(table.id), label: table.name })));
    const nodes = people.map((person) => {
      const row = this.rowFor(person);
      row.person = person;
      const name = personName(state, person);
      setText(row.name, name);
      setText(row.type, person.organisation_type ? organisationTypeName(person.organisation_type) : "");
      setText(row.label, say("seat_named", { name }));
      setAttr(row.move, "aria-label", say("move_person_named", { name }));
      options(row.select, choices);
      const seat = state.seats.has(person.id) ? String(state.seats.get(person.id)) : "";
      // A choice being made with the keyboard stays; otherwise the select follows the seat.
      if (document.activeElement !== row.select && row.drawnSeat !== seat) row.select.value = seat;
      row.drawnSeat = seat;
      return row.node;
    });
    arrangeChildren(this.seatingBody, nodes);
    trimChildren(this.seatingBody, nodes.length);
    const known = new Set(people.map((person) => person.id));
    for (const id of Array.from(this.rows.keys())) if (!known.has(id)) this.rows.delete(id);
    this.nobody.hidden = people.length > 0;
    this.seatingTable.hidden = people.length === 0;
    const seated = people.filter((person) => state.seats.has(person.id)).length;
    setText(this.seatCount, say("seated_of", { seated, count: people.length }));
    this.seatCount.hidden = people.length === 0;
  }
}
