// The board's merge dialog: the selected ideas' texts, and what the merged idea will say:
// the text of one of them, or a combined text written here (prefilled with all of them).

import { element, placeChildren } from "../core/dom.js";
import { say } from "../core/page.js";
import { ideaName } from "../features/ideas.js";
import { Dialog } from "./dialog.js";
import { IdeaTextField } from "./idea-text-field.js";

const COMBINED = "combined";

/** The dialog; `merge(ideas, {keep, text})` hears the choice: an idea's id or a combined text. */
export class MergeDialog {
  constructor({ merge }) {
    this.ideas = [];
    this.dialog = Dialog.build("merge-dialog", say("merge_dialog_heading"));
    this.list = element("ul", { className: "merge-list", attrs: { "aria-label": say("merge_dialog_ideas") } });
    this.choices = element("div", { className: "merge-choices" });
    this.combined = element("input", { attrs: { type: "radio", name: "merge-text", id: "merge-text-combined", value: COMBINED } });
    this.text = new IdeaTextField("merge-combined-text", say("merge_combined_text"));
    const cancel = element("button", { text: say("cancel"), attrs: { type: "button" } });
    this.form = element("form", { className: "form", attrs: { novalidate: true } }, [
      element("fieldset", { className: "field" }, [
        element("legend", { text: say("merge_text_question") }),
        this.choices,
        element("span", { className: "choice" }, [
          this.combined,
          element("label", { text: say("merge_write_combined"), attrs: { for: "merge-text-combined" } }),
        ]),
      ]),
      this.text.node,
      element("div", { className: "button-row" }, [
        element("button", { className: "button-primary", text: say("merge"), attrs: { type: "submit" } }),
        cancel,
      ]),
    ]);
    this.dialog.body.append(element("p", { text: say("merge_dialog_intro") }), this.list, this.form);
    // Writing in the box is choosing to write: the radio follows the keys.
    this.text.box.addEventListener("input", () => {
      this.combined.checked = true;
    });
    cancel.addEventListener("click", () => this.dialog.close());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const chosen = this.form.querySelector("input[name=merge-text]:checked");
      if (chosen.value === COMBINED) {
        if (!this.text.check()) return;
        merge(this.ideas, { keep: null, text: this.text.value });
      } else {
        merge(this.ideas, { keep: Number(chosen.value), text: null });
      }
      this.dialog.close();
    });
  }

  /** Open it for these ideas (oldest first); keeping the first one's text is chosen. */
  open(ideas) {
    this.ideas = ideas;
    placeChildren(this.list, ideas.map((idea) => element("li", { text: idea.text })));
    placeChildren(this.choices, ideas.map((idea) => {
      const id = `merge-text-${idea.id}`;
      return element("span", { className: "choice" }, [
        element("input", { attrs: { type: "radio", name: "merge-text", id, value: idea.id } }),
        element("label", { text: say("merge_keep_text_of", { idea: ideaName(idea.text) }), attrs: { for: id } }),
      ]);
    }));
    const first = this.choices.querySelector("input");
    first.checked = true;
    this.text.fill(ideas.map((idea) => idea.text).join(" / "));
    this.dialog.open(first);
  }
}
