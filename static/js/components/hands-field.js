// Hand votes on the board: in a room where some vote by raising hands, the facilitator types
// in a tally per idea ("12 hands"). They stay apart from the phones' votes: the results show
// phones, hands and their total, each said, never one counted as the other.

import { arrangeChildren, element, setAttr, setText, trimChildren } from "../core/dom.js";
import { announce, say } from "../core/page.js";
import { ideaName } from "../features/ideas.js";
import { handsFor } from "../features/tables.js";

const MOST_HANDS = 10000;

/** "12 phones + 8 hands = 20", as every screen says a result with hands (withHandVotes). */
export function handsBreakdown(line) {
  return say("votes_with_hands", { phones: line.phones, hands: line.hands, total: line.total });
}

/** The board's hand tallies drawn into `host`; `set(vote, idea, hands)` sends one. */
export class HandsPanel {
  constructor(host, { set }) {
    this.set = set;
    this.rows = new Map(); // idea id -> the elements of its row
    this.heading = element("h2", { text: say("hand_votes"), attrs: { id: "hands-heading" } });
    this.intro = element("p", { className: "hint", attrs: { id: "hands-hint" } });
    this.list = element("ul", { className: "hands-list", attrs: { id: "hands-list", "aria-labelledby": "hands-heading" } });
    // Most rooms vote on phones only: the fields open when asked for, or when hands were counted.
    this.opened = false;
    this.toggle = element("button", {
      text: say("count_hands"), attrs: { type: "button", "aria-expanded": "false", "aria-controls": "hands-list", "data-focus": "hands-toggle" },
    });
    this.toggle.addEventListener("click", () => {
      this.opened = !this.opened;
      this.drawOpen();
      if (this.opened) {
        const first = this.list.querySelector("input");
        if (first) first.focus();
      }
    });
    this.node = element("section", { className: "hands-panel", attrs: { "aria-labelledby": "hands-heading" } }, [
      this.heading, this.intro, element("div", { className: "button-row" }, [this.toggle]), this.list,
    ]);
    this.node.hidden = true;
    host.append(this.node);
  }

  rowFor(idea) {
    if (this.rows.has(idea.id)) return this.rows.get(idea.id);
    const uid = `hands-${idea.id}`;
    const row = {
      node: element("li", { className: "hands-row" }),
      text: element("p", { className: "hands-idea", attrs: { id: `${uid}-idea` } }),
      input: element("input", {
        className: "input-number",
        attrs: { id: uid, type: "number", min: 0, max: MOST_HANDS, step: 1, inputmode: "numeric", "data-focus": uid },
      }),
      save: element("button", { text: say("save"), attrs: { type: "submit", "data-focus": `${uid}-save` } }),
      error: element("p", { className: "field-error", attrs: { id: `${uid}-error` } }),
    };
    row.error.hidden = true;
    row.label = element("label", { text: say("hands_label"), attrs: { for: uid } });
    row.form = element("form", { className: "hands-form", attrs: { novalidate: true } }, [
      row.label, element("div", { className: "inline-field" }, [row.input, row.save]), row.error,
    ]);
    row.node.append(row.text, row.form);
    row.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit(row);
    });
    this.rows.set(idea.id, row);
    return row;
  }

  submit(row) {
    const typed = row.input.value.trim();
    const hands = typed === "" ? 0 : Number(typed);
    if (!Number.isInteger(hands) || hands < 0 || hands > MOST_HANDS) {
      this.problem(row, say("hands_invalid", { most: MOST_HANDS }));
      row.input.focus();
      return;
    }
    this.problem(row, null);
    this.set(this.vote, row.idea, hands);
    announce(say("hands_set", { count: hands, idea: ideaName(row.idea.text, 40) }));
  }

  problem(row, text) {
    setText(row.error, text || "");
    row.error.hidden = !text;
    setAttr(row.input, "aria-invalid", text ? "true" : null);
    setAttr(row.input, "aria-describedby", text ? `${row.text.id} ${row.error.id}` : row.text.id);
    if (text) announce(text);
  }

  /** Said next to the idea's field when the server refused its tally; true when shown here. */
  refused(ideaId, message) {
    const row = this.rows.get(ideaId);
    if (!row) return false;
    this.problem(row, message);
    return true;
  }

  drawOpen() {
    const open = this.opened || this.counted;
    this.list.hidden = !open;
    this.toggle.hidden = Boolean(this.counted);
    setAttr(this.toggle, "aria-expanded", open ? "true" : "false");
  }

  /** Draw the tallies of `vote` (an activity, or null to hide) for these ideas. */
  draw(state, vote, ideas) {
    if (this.vote && vote && this.vote.id !== vote.id) this.opened = false;
    this.vote = vote;
    this.node.hidden = !vote || ideas.length === 0;
    if (!vote) return;
    // Once hands are counted in this vote the fields stay open: there is something to change.
    this.counted = ideas.some((idea) => handsFor(state, vote.id, idea.id) > 0);
    if (this.counted && document.activeElement === this.toggle) this.list.querySelector("input")?.focus();
    this.drawOpen();
    setText(this.intro, say("hand_votes_hint", { title: vote.title }));
    const nodes = ideas.map((idea) => {
      const row = this.rowFor(idea);
      row.idea = idea;
      setText(row.text, idea.text);
      const name = ideaName(idea.text);
      setAttr(row.input, "aria-label", say("hands_named", { idea: name }));
      setAttr(row.input, "aria-describedby", row.error.hidden ? row.text.id : `${row.text.id} ${row.error.id}`);
      setAttr(row.save, "aria-label", say("save_hands_named", { idea: name }));
      const hands = String(handsFor(state, vote.id, idea.id));
      // What the facilitator is typing stays; otherwise the field follows the server.
      if (document.activeElement !== row.input && row.drawn !== `${vote.id}:${hands}`) row.input.value = hands;
      row.drawn = `${vote.id}:${hands}`;
      return row.node;
    });
    arrangeChildren(this.list, nodes);
    trimChildren(this.list, nodes.length);
    const known = new Set(ideas.map((idea) => idea.id));
    for (const id of Array.from(this.rows.keys())) if (!known.has(id)) this.rows.delete(id);
  }
}
