// The board's agenda: the activities in order with the current one marked, Back / Next and
// "Go here" to move the room, and an editor to add, change, remove and reorder activities.
// Every control is a real button or a labelled field; after a change the focus goes back to
// the control the facilitator would press next.

import { arrangeChildren, element, setAttr, setText, trimChildren } from "../core/dom.js";
import { announce, clearNotice, say, showNotice } from "../core/page.js";

const MOST_MINUTES = 240;
const MOST_DOTS = 100;
// Which settings each kind's form shows (the server's KINDS in domain/agenda.py).
const SHOWN_FOR = {
  prompt_required: ["brainstorm"],
  closes: ["brainstorm", "vote"],
  private: ["brainstorm"],
  at_tables: ["brainstorm"],
  dots: ["vote"],
  source: ["group", "vote", "results"],
  clusters: ["vote"],
};

/** A new idempotency key for one submission of the form. */
function freshKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // randomUUID needs a secure origin; a Tupa on a closed network may be served over http.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function kindName(kind) {
  return say(`kind.${kind}`);
}

function minutesOf(activity) {
  return activity.duration_seconds ? Math.ceil(activity.duration_seconds / 60) : null;
}

// A typed whole number within bounds; "" is `empty`, anything else wrong is undefined.
function wholeNumber(text, low, high, empty = null) {
  const typed = text.trim();
  if (!typed) return empty;
  const value = Number(typed);
  return Number.isInteger(value) && value >= low && value <= high ? value : undefined;
}

function button(text, attrs = {}, className = "") {
  return element("button", { className, text, attrs: { type: "button", ...attrs } });
}

function field(id, label, control, hint) {
  const hintId = hint ? `${id}-hint` : null;
  if (hintId) setAttr(control, "aria-describedby", hintId);
  return element("div", { className: "field" }, [
    element("label", { text: label, attrs: { for: id } }),
    hint ? element("p", { className: "hint", text: hint, attrs: { id: hintId } }) : null,
    control,
  ]);
}

function checkbox(id, label) {
  const input = element("input", { attrs: { type: "checkbox", id } });
  return { input, node: element("div", { className: "choice" }, [input, element("label", { text: label, attrs: { for: id } })]) };
}

/** The agenda panel drawn into `host`; `send(name, payload)` sends a command. */
export class AgendaPanel {
  constructor(host, kinds, send) {
    this.host = host;
    this.kinds = kinds;
    this.send = send;
    this.items = new Map(); // activity id -> the elements of its line
    this.editing = false; // the editor is open
    this.changing = null; // the id of the activity the form changes, or null when adding
    this.awaiting = null; // {done(state), target()}: where the focus goes once a change is drawn
    this.state = null;

    this.back = button(say("agenda_back"), { "data-focus": "agenda-back" });
    this.next = button(say("agenda_next"), { "data-focus": "agenda-next" }, "button-primary");
    this.back.addEventListener("click", () => this.step("back"));
    this.next.addEventListener("click", () => this.step("next"));
    const steps = element("div", { className: "button-row agenda-steps", attrs: { role: "group", "aria-label": say("agenda_steps") } },
      [this.back, this.next]);
    this.list = element("ol", { className: "agenda-list", attrs: { "aria-label": say("agenda_list") } });
    this.toggle = button(say("edit_agenda"), { "aria-expanded": "false", "aria-controls": "agenda-editor", "data-focus": "agenda-toggle" });
    this.toggle.addEventListener("click", () => this.openEditor(!this.editing));
    this.form = this.buildForm();
    this.editor = element("div", { className: "agenda-editor", attrs: { id: "agenda-editor" } }, [this.form]);
    this.editor.hidden = true;
    host.replaceChildren(steps, this.list, element("div", { className: "button-row" }, [this.toggle]), this.editor);
  }

  // ---- Moving the room ----

  step(direction) {
    clearNotice();
    const target = this.state && this.neighbours[direction];
    if (!target) return;
    this.send("activity.go", { activity_id: target.id });
  }

  goTo(activity) {
    clearNotice();
    // Its "Go here" goes away once the room is there: Next is what comes after.
    this.awaiting = {
      done: (state) => state.currentActivityId === activity.id,
      target: () => this.usable(this.next, this.back),
    };
    this.send("activity.go", { activity_id: activity.id });
  }

  // ---- Editing ----

  openEditor(open) {
    this.editing = open;
    if (!open) this.changing = null;
    setAttr(this.toggle, "aria-expanded", open ? "true" : "false");
    this.editor.hidden = !open;
    this.fillForm(null);
    this.redraw();
    if (open) this.fields.kind.focus();
  }

  startChanging(activity) {
    clearNotice();
    this.changing = activity.id;
    this.fillForm(activity);
    this.redraw();
    this.fields.title.focus();
  }

  stopChanging() {
    const id = this.changing;
    this.changing = null;
    this.fillForm(null);
    this.redraw();
    const item = this.items.get(id);
    if (item) item.edit.focus();
  }

  moveBy(activity, offset) {
    clearNotice();
    const agenda = this.state.agenda;
    const position = agenda.findIndex((known) => known.id === activity.id) + offset;
    if (position < 0 || position >= agenda.length) return;
    const pressed = offset < 0 ? "up" : "down";
    this.awaiting = {
      done: (state) => state.agenda.findIndex((known) => known.id === activity.id) === position,
      target: () => {
        const item = this.items.get(activity.id);
        return item && this.usable(item[pressed], item.up, item.down);
      },
    };
    this.send("activity.move", { activity_id: activity.id, position });
    announce(say("activity_moved", { title: activity.title, position: position + 1, count: agenda.length }));
  }

  remove(activity) {
    clearNotice();
    if (!window.confirm(say("confirm_remove_activity", { title: activity.title }))) return;
    const agenda = this.state.agenda;
    const at = agenda.findIndex((known) => known.id === activity.id);
    const neighbour = agenda[at + 1] || agenda[at - 1];
    this.awaiting = {
      done: (state) => !state.agenda.some((known) => known.id === activity.id),
      target: () => {
        const item = neighbour && this.items.get(neighbour.id);
        return this.usable(item && item.edit, this.toggle);
      },
    };
    if (this.changing === activity.id) this.stopChanging();
    this.send("activity.remove", { activity_id: activity.id });
    announce(say("activity_removing", { title: activity.title }));
  }

  submit(event) {
    event.preventDefault();
    clearNotice();
    const f = this.fields;
    const kind = this.changing ? this.activity(this.changing).kind : f.kind.value;
    const title = f.title.value.trim();
    const prompt = f.prompt.value.trim();
    if (!title) return this.refuse("activity_title_empty", f.title);
    if (SHOWN_FOR.prompt_required.includes(kind) && !prompt) return this.refuse("activity_prompt_needed", f.prompt);
    const minutes = wholeNumber(f.minutes.value, 1, MOST_MINUTES);
    if (minutes === undefined) return this.refuse("timer_minutes_invalid", f.minutes);
    const payload = { title, prompt, duration_seconds: minutes === null ? null : minutes * 60 };
    if (SHOWN_FOR.closes.includes(kind)) payload.closes_when_time_up = f.closes.checked;
    const settings = {};
    if (SHOWN_FOR.private.includes(kind)) settings.private = f.private.checked;
    if (SHOWN_FOR.at_tables.includes(kind)) settings.at_tables = f.atTables.checked;
    if (SHOWN_FOR.source.includes(kind)) settings.source_activity_id = f.source.value ? Number(f.source.value) : null;
    if (SHOWN_FOR.dots.includes(kind)) {
      const budget = wholeNumber(f.budget.value, 1, MOST_DOTS, undefined);
      if (budget === undefined) return this.refuse("activity_dots_invalid", f.budget);
      const cap = wholeNumber(f.cap.value, 1, budget);
      if (cap === undefined) return this.refuse("activity_cap_invalid", f.cap, { max: budget });
      settings.vote_budget = budget;
      settings.votes_per_idea = cap;
      const ticked = Array.from(f.clusters.querySelectorAll("input:checked"), (box) => Number(box.value));
      settings.cluster_ids = ticked.length ? ticked : null;
    }
    if (Object.keys(settings).length) payload.settings = settings;
    if (this.changing) {
      this.send("activity.update", { activity_id: this.changing, ...payload });
      announce(say("activity_saving", { title }));
      this.stopChanging();
    } else {
      this.send("activity.add", { key: freshKey(), kind, ...payload });
      announce(say("activity_adding", { title }));
      this.fillForm(null, kind);
      f.title.focus();
    }
    return undefined;
  }

  refuse(key, control, values = {}) {
    showNotice(say(key, values));
    control.focus();
  }

  activity(id) {
    return this.state.agenda.find((known) => known.id === id) || null;
  }

  // ---- The form ----

  buildForm() {
    const input = (id, attrs = {}) => element("input", { attrs: { id, type: "text", autocomplete: "off", ...attrs } });
    const kind = element("select", { attrs: { id: "activity-kind" } },
      this.kinds.map((name) => element("option", { text: kindName(name), attrs: { value: name } })));
    const title = input("activity-title", { maxlength: 200 });
    const prompt = element("textarea", { attrs: { id: "activity-prompt", rows: 2, maxlength: 500 } });
    const minutes = input("activity-minutes", { type: "number", min: 1, max: MOST_MINUTES, step: 1, inputmode: "numeric", class: "input-number" });
    const closes = checkbox("activity-closes", say("activity_closes"));
    const privately = checkbox("activity-private", say("activity_private"));
    const atTables = checkbox("activity-at-tables", say("activity_at_tables"));
    setAttr(atTables.input, "aria-describedby", "activity-at-tables-hint");
    // A brainstorm is private or at tables, never both: ticking one unticks the other.
    privately.input.addEventListener("change", () => {
      if (privately.input.checked) atTables.input.checked = false;
    });
    atTables.input.addEventListener("change", () => {
      if (atTables.input.checked) privately.input.checked = false;
    });
    const budget = input("activity-budget", { type: "number", min: 1, max: MOST_DOTS, step: 1, inputmode: "numeric", class: "input-number" });
    const cap = input("activity-cap", { type: "number", min: 1, max: MOST_DOTS, step: 1, inputmode: "numeric", class: "input-number" });
    const source = element("select", { attrs: { id: "activity-source" } });
    const sourceLabel = element("label", { attrs: { for: "activity-source" } });
    const clusters = element("fieldset", { className: "field agenda-clusters", attrs: { "aria-describedby": "activity-clusters-hint" } }, [
      element("legend", { text: say("activity_clusters") }),
      element("p", { className: "hint", text: say("activity_clusters_hint"), attrs: { id: "activity-clusters-hint" } }),
    ]);
    this.heading = element("h3", { className: "agenda-form-heading", attrs: { id: "activity-form-heading" } });
    this.kindNote = element("p", { className: "hint", attrs: { id: "activity-kind-note" } });
    this.submitButton = element("button", { className: "button-primary", attrs: { type: "submit" } });
    this.cancel = button(say("cancel"));
    this.cancel.addEventListener("click", () => this.stopChanging());
    this.fields = { kind, title, prompt, minutes, closes: closes.input, private: privately.input, atTables: atTables.input, budget, cap, source, sourceLabel, clusters };
    const part = (name, node) => {
      node.dataset.shownFor = name;
      return node;
    };
    this.parts = [
      part("closes", closes.node),
      part("private", privately.node),
      part("at_tables", element("div", { className: "field" }, [
        atTables.node,
        element("p", { className: "hint", text: say("activity_at_tables_hint"), attrs: { id: "activity-at-tables-hint" } }),
      ])),
      part("dots", field("activity-budget", say("activity_dots"), budget)),
      part("dots", field("activity-cap", say("activity_cap"), cap, say("activity_cap_hint"))),
      part("source", element("div", { className: "field" }, [sourceLabel, source])),
      part("clusters", clusters),
    ];
    const form = element("form", { className: "agenda-form", attrs: { novalidate: true, "aria-labelledby": "activity-form-heading" } }, [
      this.heading,
      field("activity-kind", say("activity_kind"), kind),
      this.kindNote,
      field("activity-title", say("activity_title"), title),
      field("activity-prompt", say("activity_prompt"), prompt, say("activity_prompt_hint")),
      field("activity-minutes", say("activity_minutes"), minutes, say("activity_minutes_hint")),
      ...this.parts,
      element("div", { className: "button-row" }, [this.submitButton, this.cancel]),
    ]);
    kind.addEventListener("change", () => this.showParts(kind.value));
    form.addEventListener("submit", (event) => this.submit(event));
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.changing) this.stopChanging();
    });
    return form;
  }

  /** Fill the form with an activity to change, or empty it for adding one of `kind`. */
  fillForm(activity, kind = null) {
    const f = this.fields;
    const chosen = activity ? activity.kind : kind || f.kind.value || this.kinds[0];
    f.kind.value = chosen;
    f.kind.disabled = Boolean(activity);
    setAttr(f.kind, "aria-describedby", activity ? "activity-kind-note" : null);
    setText(this.kindNote, activity ? say("activity_kind_fixed") : "");
    this.kindNote.hidden = !activity;
    f.title.value = activity ? activity.title : "";
    f.prompt.value = activity ? activity.prompt || "" : "";
    f.minutes.value = activity && minutesOf(activity) ? String(minutesOf(activity)) : "";
    f.closes.checked = Boolean(activity && activity.closes_when_time_up);
    f.private.checked = Boolean(activity && activity.private);
    f.atTables.checked = Boolean(activity && activity.at_tables);
    f.budget.value = String(activity && activity.vote_budget ? activity.vote_budget : (this.state && this.state.workshop && this.state.workshop.vote_budget) || 5);
    f.cap.value = activity && activity.votes_per_idea ? String(activity.votes_per_idea) : "";
    this.chosenSource = activity ? activity.source_activity_id : null;
    this.chosenClusters = new Set(activity && activity.cluster_ids ? activity.cluster_ids : []);
    setText(this.heading, activity ? say("edit_activity_named", { title: activity.title }) : say("add_activity"));
    setText(this.submitButton, activity ? say("save") : say("add_activity_submit"));
    this.cancel.hidden = !activity;
    this.showParts(chosen, true);
  }

  showParts(kind, fresh = false) {
    for (const node of this.parts) node.hidden = !SHOWN_FOR[node.dataset.shownFor].includes(kind);
    this.drawChoices(kind, fresh);
  }

  // The sources and clusters one can choose from change with the agenda and the clusters; what
  // is chosen stays chosen, unless the form was just filled (`fresh`) from an activity.
  drawChoices(kind, fresh = false) {
    if (!this.state) return;
    const f = this.fields;
    const from = kind === "results" ? "vote" : "brainstorm";
    setText(f.sourceLabel, say(kind === "results" ? "activity_results_of" : "activity_ideas_from"));
    const source = fresh ? String(this.chosenSource || "") : f.source.value;
    const options = [element("option", { text: say(kind === "results" ? "activity_last_vote" : "activity_every_question"), attrs: { value: "" } })];
    for (const activity of this.state.agenda) {
      if (activity.kind !== from || activity.id === this.changing) continue;
      options.push(element("option", { text: `${kindName(activity.kind)}: ${activity.title}`, attrs: { value: activity.id } }));
    }
    f.source.replaceChildren(...options);
    f.source.value = options.some((option) => option.value === source) ? source : "";
    const chosen = fresh ? this.chosenClusters
      : new Set(Array.from(f.clusters.querySelectorAll("input:checked"), (box) => Number(box.value)));
    const boxes = this.state.clusters.map((cluster) => {
      const box = checkbox(`activity-cluster-${cluster.id}`, cluster.name);
      box.input.value = String(cluster.id);
      box.input.dataset.focus = `activity-cluster-${cluster.id}`;
      box.input.checked = chosen.has(cluster.id);
      return box.node;
    });
    if (!boxes.length) boxes.push(element("p", { className: "hint", text: say("activity_no_clusters") }));
    Array.from(f.clusters.children).slice(2).forEach((node) => node.remove());
    f.clusters.append(...boxes);
  }

  // ---- Drawing ----

  itemFor(activity) {
    if (this.items.has(activity.id)) return this.items.get(activity.id);
    const uid = `agenda-${activity.id}`;
    const item = {
      node: element("li", { className: "agenda-item" }),
      kind: element("span", { className: "agenda-kind" }),
      title: element("span", { className: "agenda-title" }),
      minutes: element("span", { className: "agenda-minutes" }),
      now: element("span", { className: "agenda-now", text: say("agenda_now") }),
      go: button(say("go_here"), { "data-focus": `${uid}-go` }),
      edit: button(say("edit"), { "data-focus": `${uid}-edit` }, "button-quiet"),
      up: button(say("move_up"), { "data-focus": `${uid}-up` }, "button-quiet"),
      down: button(say("move_down"), { "data-focus": `${uid}-down` }, "button-quiet"),
      remove: button(say("remove"), { "data-focus": `${uid}-remove` }, "button-quiet button-danger"),
    };
    item.tools = element("div", { className: "button-row agenda-tools" }, [item.edit, item.up, item.down, item.remove]);
    item.node.append(
      element("p", { className: "agenda-line" }, [item.kind, " ", item.title, " ", item.minutes, " ", item.now]),
      element("div", { className: "button-row" }, [item.go]),
      item.tools,
    );
    item.go.addEventListener("click", () => this.goTo(item.activity));
    item.edit.addEventListener("click", () => this.startChanging(item.activity));
    item.up.addEventListener("click", () => this.moveBy(item.activity, -1));
    item.down.addEventListener("click", () => this.moveBy(item.activity, 1));
    item.remove.addEventListener("click", () => this.remove(item.activity));
    this.items.set(activity.id, item);
    return item;
  }

  /** Draw the agenda as `state` (the board's store) has it. */
  draw(state, neighbours) {
    const changed = !this.state || this.state.agenda !== state.agenda || this.state.clusters !== state.clusters;
    this.state = state;
    this.neighbours = neighbours;
    this.redraw();
    if (changed && this.editing) this.drawChoices(this.fields.kind.value);
  }

  redraw() {
    const state = this.state;
    if (!state) return;
    const { back, next } = this.neighbours;
    this.drawStep(this.back, back, "agenda_back", "agenda_back_named");
    this.drawStep(this.next, next, "agenda_next", "agenda_next_named");
    const count = state.agenda.length;
    const nodes = state.agenda.map((activity, index) => {
      const item = this.itemFor(activity);
      item.activity = activity;
      const here = activity.id === state.currentActivityId;
      setAttr(item.node, "aria-current", here ? "step" : null);
      item.node.classList.toggle("is-current", here);
      setText(item.kind, kindName(activity.kind));
      setText(item.title, activity.title);
      const minutes = minutesOf(activity);
      setText(item.minutes, minutes ? say("minutes_planned", { count: minutes }) : "");
      item.minutes.hidden = !minutes;
      item.now.hidden = !here;
      item.go.hidden = here;
      item.tools.hidden = !this.editing;
      item.node.classList.toggle("is-changing", this.changing === activity.id);
      item.up.disabled = index === 0;
      item.down.disabled = index === count - 1;
      for (const [control, key] of [[item.go, "go_here_named"], [item.edit, "edit_activity_named"],
        [item.up, "move_up_named"], [item.down, "move_down_named"], [item.remove, "remove_activity_named"]]) {
        setAttr(control, "aria-label", say(key, { title: activity.title }));
      }
      return item.node;
    });
    arrangeChildren(this.list, nodes);
    trimChildren(this.list, nodes.length);
    const known = new Set(state.agenda.map((activity) => activity.id));
    for (const id of Array.from(this.items.keys())) if (!known.has(id)) this.items.delete(id);
    this.restoreFocus();
  }

  drawStep(control, target, key, namedKey) {
    const gone = document.activeElement === control && !target;
    control.disabled = !target;
    setAttr(control, "aria-label", target ? say(namedKey, { title: target.title }) : say(key));
    // At an end the pressed button goes dim; the focus moves to the one that still leads on.
    if (gone) (control === this.next ? this.back : this.next).focus();
  }

  // After a change has been drawn, the focus goes where the facilitator works on: a moved
  // line's button again (some browsers drop it when the line moves), a removed line's
  // neighbour, Next after a jump. Only when the focus is still in the panel or nowhere.
  restoreFocus() {
    if (!this.awaiting || !this.awaiting.done(this.state)) return;
    const wanted = this.awaiting.target();
    this.awaiting = null;
    const active = document.activeElement;
    if (!wanted || (active && active !== document.body && !this.host.contains(active))) return;
    if (active !== wanted) wanted.focus();
  }

  // The first of `controls` that can be pressed.
  usable(...controls) {
    return controls.find((control) => control && !control.disabled && !control.hidden && control.isConnected) || null;
  }
}
