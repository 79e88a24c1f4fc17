// A brainstorm at tables on the board: every table side by side, a section per table with its
// name, how many ideas it has and the ideas themselves (ideas of no table in a section of
// their own), and the button that merges the tables into the plenary. Once merged, the
// likely duplicates across tables, each pair to open in the merge dialog or to dismiss.

import { arrangeChildren, element, placeChildren, setAttr, setText, trimChildren } from "../core/dom.js";
import { announce, say } from "../core/page.js";
import { ideaName } from "../features/ideas.js";
import { heldAtTables, ideasByTable, standingDuplicates, tableName } from "../features/tables.js";
import { IdeaCards } from "./idea-card.js";

// The board's own card of the same idea is on the page too: ids stay with that one.
function withoutIds(node) {
  if (node.id) node.removeAttribute("id");
  for (const inner of node.querySelectorAll("[id]")) inner.removeAttribute("id");
  return node;
}

const PERCENT = new Intl.NumberFormat(document.documentElement.lang || undefined, { style: "percent" });

/**
 * The tables' view drawn into `host`; `merge(activity)` is asked to merge (after the
 * facilitator confirmed), `compare(ideas)` opens a pair in the merge dialog, `away()` puts
 * the keyboard somewhere sensible when the last pair was dismissed, `enter(tableId)` opens
 * the paper dialog for a table.
 */
export class TableWall {
  constructor(host, { merge, compare, away, enter }) {
    this.host = host;
    this.enter = enter;
    this.compare = compare;
    this.focusAfterDuplicates = away;
    this.sections = new Map(); // table id (or "none") -> the elements of its section
    this.dismissed = new Set(); // pairs the facilitator put aside, on this screen only
    this.cards = new IdeaCards({ className: "idea table-idea" });

    this.heading = element("h2", { attrs: { id: "table-wall-heading" } });
    this.note = element("p", { className: "hint" });
    this.mergeButton = element("button", {
      className: "button-primary", text: say("merge_tables"), attrs: { type: "button", "data-focus": "merge-tables" },
    });
    this.mergeButton.addEventListener("click", () => {
      const activity = this.activity;
      if (!activity || !window.confirm(say("confirm_merge_tables", { title: activity.title }))) return;
      merge(activity);
    });
    this.columns = element("div", { className: "table-columns" });
    this.wall = element("section", { className: "table-wall", attrs: { "aria-labelledby": "table-wall-heading" } }, [
      this.heading, this.note, element("div", { className: "button-row" }, [this.mergeButton]), this.columns,
    ]);
    this.wall.hidden = true;

    this.pairs = element("ul", { className: "duplicates-list", attrs: { "aria-labelledby": "duplicates-heading" } });
    this.duplicates = element("section", { className: "duplicates-panel", attrs: { "aria-labelledby": "duplicates-heading" } }, [
      element("h2", { text: say("likely_duplicates"), attrs: { id: "duplicates-heading", tabindex: "-1" } }),
      element("p", { className: "hint", text: say("likely_duplicates_hint") }),
      this.pairs,
    ]);
    this.duplicates.hidden = true;
    this.pairItems = new Map();
    host.append(this.wall, this.duplicates);
  }

  sectionFor(key) {
    if (this.sections.has(key)) return this.sections.get(key);
    const uid = `table-column-${key}`;
    const section = {
      node: element("section", { className: "table-column", attrs: { "aria-labelledby": `${uid}-name` } }),
      name: element("h3", { className: "column-name", attrs: { id: `${uid}-name` } }),
      count: element("p", { className: "column-count table-count" }),
      list: element("ul", { className: "idea-list", attrs: { "aria-labelledby": `${uid}-name` } }),
      empty: element("p", { className: "column-empty", text: say("table_no_ideas_yet") }),
    };
    section.node.append(element("div", { className: "column-head" }, [section.name, section.count]));
    if (key !== "none") {
      // A stack of paper notes from one table: the dialog opens with that table chosen.
      section.paper = element("button", { className: "button-quiet", text: say("paper_for_table"), attrs: { type: "button", "data-focus": `${uid}-paper` } });
      section.paper.addEventListener("click", () => this.enter(key));
      section.node.append(element("div", { className: "button-row" }, [section.paper]));
    }
    section.node.append(section.empty, section.list);
    if (key === "none") section.node.classList.add("is-ungrouped");
    this.sections.set(key, section);
    return section;
  }

  /** Draw the view for the current activity (`activity`, or null) as `state` has it. */
  draw(state, activity) {
    this.activity = activity && activity.at_tables && activity.kind === "brainstorm" ? activity : null;
    const held = heldAtTables(this.activity);
    this.wall.hidden = !held;
    if (held) this.drawTables(state);
    else this.cards.keepOnly(new Map());
    this.drawDuplicates(state);
  }

  drawTables(state) {
    const activity = this.activity;
    setText(this.heading, say("tables_brainstorm", { title: activity.title }));
    setText(this.note, say("tables_brainstorm_note"));
    setAttr(this.mergeButton, "aria-label", say("merge_tables_named", { title: activity.title }));
    const shown = ideasByTable(state, activity.id);
    const wanted = shown.map(({ table, ideas }) => {
      const section = this.sectionFor(table ? table.id : "none");
      setText(section.name, table ? table.name : say("ideas_of_no_table"));
      if (section.paper) setAttr(section.paper, "aria-label", say("paper_for_table_named", { name: table.name }));
      setText(section.count, say("ideas_count", { count: ideas.length }));
      placeChildren(section.list, ideas.map((idea) => withoutIds(this.cards.draw(idea))));
      section.empty.hidden = ideas.length > 0;
      return section.node;
    });
    arrangeChildren(this.columns, wanted);
    trimChildren(this.columns, wanted.length);
    const keys = new Set(shown.map(({ table }) => (table ? table.id : "none")));
    for (const key of Array.from(this.sections.keys())) if (!keys.has(key)) this.sections.delete(key);
    const ideas = new Map();
    for (const { ideas: list } of shown) for (const idea of list) ideas.set(idea.id, idea);
    this.cards.keepOnly(ideas);
  }

  /** Put a likely duplicate aside on this screen; the keyboard goes on to the next pair. */
  dismiss(pair) {
    const keys = this.standing(this.state).map((known) => known.key);
    const at = keys.indexOf(pair.key);
    const next = keys[at + 1] || keys[at - 1] || null;
    this.dismissed.add(pair.key);
    this.drawDuplicates(this.state);
    announce(say("duplicate_dismissed"));
    const item = next && this.pairItems.get(next);
    if (item) item.open.focus();
    else this.focusAfterDuplicates();
  }

  /** Put the keyboard on the likely duplicates, if there are any; true when it went there. */
  focusDuplicates() {
    if (this.duplicates.hidden) return false;
    this.duplicates.querySelector("h2").focus();
    return true;
  }

  standing(state) {
    return state ? standingDuplicates(state, this.dismissed) : [];
  }

  drawDuplicates(state) {
    this.state = state;
    const shown = this.standing(state);
    this.duplicates.hidden = shown.length === 0;
    const nodes = shown.map((pair) => {
      let item = this.pairItems.get(pair.key);
      if (!item) {
        const uid = `duplicate-${pair.key}`;
        item = {
          node: element("li", { className: "duplicate-pair" }),
          texts: element("ul", { className: "duplicate-ideas" }),
          score: element("p", { className: "hint" }),
          open: element("button", { text: say("compare_and_merge"), attrs: { type: "button", "data-focus": `${uid}-open` } }),
          dismiss: element("button", { className: "button-quiet", text: say("duplicate_dismiss"), attrs: { type: "button", "data-focus": `${uid}-dismiss` } }),
        };
        item.node.append(item.texts, item.score, element("div", { className: "button-row" }, [item.open, item.dismiss]));
        item.open.addEventListener("click", () => this.compare(item.pair.ideas));
        item.dismiss.addEventListener("click", () => this.dismiss(item.pair));
        this.pairItems.set(pair.key, item);
      }
      item.pair = pair;
      placeChildren(item.texts, pair.ideas.map((idea) => element("li", {}, [
        element("span", { className: "duplicate-text", text: idea.text }),
        " ",
        element("span", { className: "duplicate-table", text: tableName(state, idea.table_id) || say("ideas_of_no_table") }),
      ])));
      setText(item.score, say("similarity", { percent: PERCENT.format(pair.score) }));
      const names = { a: ideaName(pair.ideas[0].text, 40), b: ideaName(pair.ideas[1].text, 40) };
      setAttr(item.open, "aria-label", say("compare_and_merge_named", names));
      setAttr(item.dismiss, "aria-label", say("duplicate_dismiss_named", names));
      return item.node;
    });
    placeChildren(this.pairs, nodes);
    const keys = new Set(shown.map((pair) => pair.key));
    for (const key of Array.from(this.pairItems.keys())) if (!keys.has(key)) this.pairItems.delete(key);
  }
}
