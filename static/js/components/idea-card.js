// The one idea card: the projector shows text and author, the phone adds the participant's
// own edit and delete and the vote buttons, the board adds editing, hiding, deleting,
// selecting for a merge (and undoing one) and a labelled "Move to cluster" control (the
// keyboard's way to do what drag and drop does).
//
// A card is built once per idea and updated in place on every redraw, so a control keeps its
// focus while the ideas around it change.

import { element, setAttr, setText } from "../core/dom.js";
import { organisationTypeName, say } from "../core/page.js";
import { ideaName } from "../features/ideas.js";
import { enteredOnBehalf } from "../features/seating.js";

const quiet = (text, focus) => element("button", {
  className: "button-quiet", text, attrs: { type: "button", "data-focus": focus },
});

const danger = (focus) => element("button", {
  className: "button-quiet button-danger", text: say("delete"), attrs: { type: "button", "data-focus": focus },
});

/**
 * One idea's card. `controls` picks what it offers, each with the page's callbacks:
 * `moderate` {hide(idea), remove(idea), edit(idea) if offered} and `move` {move(idea, clusterId)} on the board,
 * `own` {edit(idea), remove(idea), save(idea, text), cancel(idea)} and `vote` {give(idea),
 * take(idea)} on the phone; none on the projector. `tableName(tableId)`, if given, names the
 * table an idea was posted at (null when unknown): the card then says it.
 */
export class IdeaCard {
  /** A card for `idea`, not yet drawn. */
  constructor(idea, { className = "idea", tableName = null, ...controls } = {}) {
    this.idea = idea;
    this.controls = controls;
    this.tableName = tableName;
    this.uid = `idea-${idea.id}`;
    this.node = element("li", { className, attrs: { "data-idea-id": idea.id } });
    this.text = element("p", { className: "idea-text", attrs: { id: `${this.uid}-text` } });
    this.meta = element("p", { className: "idea-meta" });
    // "Edited by the facilitator", "Merged from 3 ideas": said on every screen.
    this.marks = element("p", { className: "idea-marks" });
    // Typed in from a paper note: said in words on every screen, never by colour alone.
    this.onPaper = element("p", { className: "badge idea-on-paper" });
    this.node.append(this.text, this.meta, this.marks, this.onPaper);
    if (controls.own) this.buildOwn(controls.own);
    if (controls.moderate) this.buildModeration(controls.moderate);
    if (controls.move) this.buildMove(controls.move);
    if (controls.merge) this.buildMerge(controls.merge);
    if (controls.moderate) this.node.append(this.moderationRow);
    if (controls.own) this.node.append(this.ownRow);
    if (controls.vote) this.buildVote(controls.vote);
  }

  buildOwn(own) {
    this.note = element("p", { className: "idea-note" });
    this.edit = quiet(say("edit"), `${this.uid}-edit`);
    this.remove = danger(`${this.uid}-delete`);
    this.ownRow = element("div", { className: "idea-actions button-row" }, [this.edit, this.remove]);
    this.node.append(this.note);
    this.edit.addEventListener("click", () => own.edit(this.idea));
    this.remove.addEventListener("click", () => own.remove(this.idea));
  }

  buildModeration(moderate) {
    this.hiddenBadge = element("p", { className: "badge badge-hidden", text: say("hidden_from_participants") });
    this.hide = element("button", { className: "button-quiet", attrs: { type: "button", "data-focus": `${this.uid}-hide` } });
    this.remove = danger(`${this.uid}-delete`);
    // The facilitator may edit any idea (the page opens its editor); the card then says so.
    this.editAny = moderate.edit ? quiet(say("edit"), `${this.uid}-edit`) : null;
    this.moderationRow = element("div", { className: "button-row" }, [this.editAny, this.hide, this.remove]);
    this.node.append(this.hiddenBadge);
    if (this.editAny) this.editAny.addEventListener("click", () => moderate.edit(this.idea));
    this.hide.addEventListener("click", () => moderate.hide(this.idea));
    this.remove.addEventListener("click", () => moderate.remove(this.idea));
  }

  buildMove(move) {
    const id = `${this.uid}-move`;
    this.moveTo = element("select", { attrs: { id, "data-focus": id } });
    this.move = element("button", { text: say("move"), attrs: { type: "button", "data-focus": `${id}-button` } });
    this.node.append(element("div", { className: "card-move" }, [
      element("label", { className: "move-label", text: say("move_to_cluster"), attrs: { for: id } }),
      this.moveTo,
      this.move,
    ]));
    this.move.addEventListener("click", () => {
      move.move(this.idea, this.moveTo.value === "" ? null : Number(this.moveTo.value));
    });
  }

  buildMerge(merge) {
    const id = `${this.uid}-merge`;
    this.mergePick = element("input", { attrs: { type: "checkbox", id, "data-focus": id } });
    this.unmerge = element("button", { className: "button-quiet", text: say("undo_merge"), attrs: { type: "button", "data-focus": `${this.uid}-unmerge` } });
    this.node.append(element("div", { className: "card-merge button-row" }, [
      element("span", { className: "choice" }, [
        this.mergePick,
        element("label", { text: say("select_for_merge"), attrs: { for: id } }),
      ]),
      this.unmerge,
    ]));
    this.mergePick.addEventListener("change", () => merge.select(this.idea, this.mergePick.checked));
    this.unmerge.addEventListener("click", () => merge.undo(this.idea));
  }

  buildVote(vote) {
    const counted = `${this.uid}-my-votes`;
    this.myVotes = element("p", { className: "my-votes", attrs: { id: counted } });
    this.give = element("button", { className: "vote-give", text: say("give_vote"), attrs: { type: "button", "aria-describedby": counted, "data-focus": `${this.uid}-give` } });
    this.take = element("button", { className: "vote-take button-quiet", text: say("take_vote_back"), attrs: { type: "button", "aria-describedby": counted, "data-focus": `${this.uid}-take` } });
    this.voteBox = element("div", { className: "idea-votes" }, [
      this.myVotes, element("div", { className: "button-row" }, [this.give, this.take]),
    ]);
    this.node.append(this.voteBox);
    this.give.addEventListener("click", () => vote.give(this.idea));
    this.take.addEventListener("click", () => vote.take(this.idea));
  }

  /**
   * Show `idea` as `look` says: `text` (a waiting edit's, else the idea's), `mine`,
   * `note`, `removing`; for `own`, `changeable` and `editing`; for `move`, the `clusters`;
   * for `vote`, `votes` ({count, full} while voting, else null).
   */
  draw(idea, look = {}) {
    this.idea = idea;
    const text = look.text || idea.text;
    const name = ideaName(text);
    setText(this.text, text);
    setText(this.meta, authorLine(idea, look.mine));
    const marks = [];
    const table = typeof idea.table_id === "number" && this.tableName ? this.tableName(idea.table_id) : null;
    if (table) marks.push(say("idea_at_table", { table }));
    if (idea.edited_by_facilitator) marks.push(say("edited_by_facilitator"));
    if (idea.merged_idea_ids && idea.merged_idea_ids.length) {
      marks.push(say("merged_ideas", { count: idea.merged_idea_ids.length + 1 }));
    }
    setText(this.marks, marks.join(" · "));
    this.marks.hidden = marks.length === 0;
    const onPaper = enteredOnBehalf(idea);
    setText(this.onPaper, onPaper);
    this.onPaper.hidden = !onPaper;
    this.node.classList.toggle("is-mine", Boolean(look.mine));
    this.node.classList.toggle("is-removing", Boolean(look.removing));
    // The visible words name each control; the idea's text tells one card's from another's.
    if (this.remove) setAttr(this.remove, "aria-label", say("delete_idea_named", { idea: name }));
    if (this.controls.own) this.drawOwn(look, name);
    if (this.controls.moderate) this.drawModeration(idea, name);
    if (this.controls.move) this.drawMove(idea, look.clusters || [], name);
    if (this.controls.vote) this.drawVote(look.votes || null, name);
    if (this.controls.merge) this.drawMerge(idea, Boolean(look.selected), name);
    return this.node;
  }

  drawOwn(look, name) {
    setText(this.note, look.note || "");
    this.note.hidden = !look.note;
    const editing = Boolean(look.changeable && look.editing);
    if (editing && !this.editForm) this.addEditForm();
    if (!editing && this.editForm) {
      this.editForm.remove();
      this.editForm = null;
    }
    this.ownRow.hidden = !look.changeable || editing;
    setAttr(this.edit, "aria-label", say("edit_idea_named", { idea: name }));
  }

  // The edit form exists only while editing: one labelled text field on the page, not one per idea.
  addEditForm() {
    const own = this.controls.own;
    const id = `${this.uid}-edit-text`;
    this.editText = element("textarea", { attrs: { id, rows: 3, "data-focus": id } });
    const cancel = element("button", { className: "button-quiet", text: say("cancel"), attrs: { type: "button" } });
    this.editForm = element("form", { className: "idea-edit", attrs: { novalidate: true } }, [
      element("label", { text: say("edit_your_idea"), attrs: { for: id } }),
      this.editText,
      element("div", { className: "button-row" }, [
        element("button", { text: say("save"), attrs: { type: "submit" } }),
        cancel,
      ]),
    ]);
    this.editForm.addEventListener("submit", (event) => {
      event.preventDefault();
      own.save(this.idea, this.editText.value.trim());
    });
    cancel.addEventListener("click", () => own.cancel(this.idea));
    this.editText.addEventListener("keydown", (event) => {
      if (event.key === "Escape") own.cancel(this.idea);
    });
    this.editText.value = this.idea.text;
    this.ownRow.before(this.editForm);
  }

  drawModeration(idea, name) {
    this.node.classList.toggle("is-hidden-idea", Boolean(idea.hidden));
    this.hiddenBadge.hidden = !idea.hidden;
    setText(this.hide, idea.hidden ? say("show") : say("hide"));
    setAttr(this.hide, "aria-label", say(idea.hidden ? "show_idea_named" : "hide_idea_named", { idea: name }));
    if (this.editAny) setAttr(this.editAny, "aria-label", say("edit_idea_named", { idea: name }));
  }

  drawMove(idea, clusters, name) {
    setAttr(this.moveTo, "aria-label", say("move_to_cluster_named", { idea: name }));
    setAttr(this.move, "aria-label", say("move_idea_named", { idea: name }));
    const options = [{ value: "", label: say("ungrouped") }]
      .concat(clusters.map((c) => ({ value: String(c.id), label: c.name })));
    const current = idea.cluster_id === null ? "" : String(idea.cluster_id);
    const same = this.moveTo.options.length === options.length
      && options.every((o, i) => this.moveTo.options[i].value === o.value && this.moveTo.options[i].text === o.label);
    if (!same) {
      const chosen = this.moveTo.value;
      this.moveTo.replaceChildren(...options.map((o) => element("option", { text: o.label, attrs: { value: o.value } })));
      this.moveTo.value = options.some((o) => o.value === chosen) ? chosen : current;
    }
    // A choice being made with the keyboard stays; otherwise the control follows the idea.
    if (document.activeElement !== this.moveTo && this.drawnCluster !== current) this.moveTo.value = current;
    this.drawnCluster = current;
  }

  drawMerge(idea, selected, name) {
    this.mergePick.checked = selected;
    setAttr(this.mergePick, "aria-label", say("select_for_merge_named", { idea: name }));
    this.unmerge.hidden = !(idea.merge_ids && idea.merge_ids.length);
    setAttr(this.unmerge, "aria-label", say("undo_merge_named", { idea: name }));
  }

  drawVote(votes, name) {
    this.voteBox.hidden = !votes;
    if (!votes) {
      this.node.classList.remove("has-my-vote");
      return;
    }
    setText(this.myVotes, say("your_votes_here", { count: votes.count }));
    this.node.classList.toggle("has-my-vote", votes.count > 0);
    setAttr(this.give, "aria-label", say("give_vote_named", { idea: name }));
    setAttr(this.take, "aria-label", say("take_vote_back_named", { idea: name }));
    // aria-disabled, not disabled: the button keeps its focus and says why when pressed.
    setAttr(this.give, "aria-disabled", votes.full ? "true" : null);
    setAttr(this.take, "aria-disabled", votes.count === 0 ? "true" : null);
  }

  /** Put the keyboard in the edit form, if it is open. */
  focusEditor() {
    if (this.editForm) this.editText.focus();
  }

  /** Put the keyboard back on the Edit button. */
  focusEditButton() {
    this.edit.focus();
  }
}

// Every author of a merged idea is named; an anonymous workshop has no nicknames to name.
function authorLine(idea, mine) {
  const authors = idea.authors && idea.authors.length ? idea.authors : [idea.author].filter(Boolean);
  const parts = authors.map((author) => [
    author.nickname, author.organisation_type ? organisationTypeName(author.organisation_type) : "",
  ].filter(Boolean).join(" · "));
  if (mine) parts.push(say("your_idea"));
  return parts.filter(Boolean).join("; ");
}

/** The cards of one page, by idea id: each built once, then updated in place. */
export class IdeaCards {
  /** `options` are the IdeaCard options every card on this page gets. */
  constructor(options = {}) {
    this.options = options;
    this.cards = new Map();
  }

  /** The drawn card element for `idea`, built on first sight. */
  draw(idea, look) {
    if (!this.cards.has(idea.id)) this.cards.set(idea.id, new IdeaCard(idea, this.options));
    return this.cards.get(idea.id).draw(idea, look);
  }

  /** The card of this idea, or undefined. */
  get(ideaId) {
    return this.cards.get(ideaId);
  }

  /** Forget the cards of ideas no longer shown; `forgotten(id)` hears of each. */
  keepOnly(ideas, forgotten = () => {}) {
    for (const id of Array.from(this.cards.keys())) {
      if (!ideas.has(id)) {
        this.cards.delete(id);
        forgotten(id);
      }
    }
  }
}
