// The board's dialog for editing any idea's text. Every screen then marks the idea "Edited
// by the facilitator", and the dialog says so before the facilitator saves.

import { element } from "../core/dom.js";
import { say } from "../core/page.js";
import { Dialog } from "./dialog.js";
import { IdeaTextField } from "./idea-text-field.js";

/** The dialog; `save(idea, text)` hears a changed text. */
export class EditDialog {
  constructor({ save }) {
    this.idea = null;
    this.dialog = Dialog.build("edit-dialog", say("edit_idea_heading"));
    this.text = new IdeaTextField("edit-dialog-text", say("idea_text_label"));
    const cancel = element("button", { text: say("cancel"), attrs: { type: "button" } });
    this.form = element("form", { className: "form", attrs: { novalidate: true } }, [
      this.text.node,
      element("div", { className: "button-row" }, [
        element("button", { className: "button-primary", text: say("save"), attrs: { type: "submit" } }),
        cancel,
      ]),
    ]);
    this.dialog.body.append(element("p", { text: say("edit_idea_marked") }), this.form);
    cancel.addEventListener("click", () => this.dialog.close());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!this.text.check()) return;
      if (this.text.value !== this.idea.text) save(this.idea, this.text.value);
      this.dialog.close();
    });
  }

  /** Open it on this idea's text. */
  open(idea) {
    this.idea = idea;
    this.text.fill(idea.text);
    this.dialog.open(this.text.box);
  }
}
