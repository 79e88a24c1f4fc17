// The board's dialog for typing in ideas from paper notes: the text, and (optional) the table
// and the kind of organisation it came from. It stays open after each note, with the table
// and the kind kept and the text box emptied, so a stack of notes is typed in quickly; each
// note the server took is said in the dialog's own status line (the page behind a modal
// dialog is out of a screen reader's reach).

import { element, placeChildren, setText } from "../core/dom.js";
import { organisationTypeName, say, settings } from "../core/page.js";
import { ideaName } from "../features/ideas.js";
import { Dialog } from "./dialog.js";
import { IdeaTextField } from "./idea-text-field.js";

/** The dialog; `enter({text, table_id, organisation_type})` sends one note. */
export class PaperDialog {
  constructor({ enter }) {
    this.dialog = Dialog.build("paper-dialog", say("paper_dialog_heading"));
    this.text = new IdeaTextField("paper-text", say("paper_text_label"));
    this.table = element("select", { attrs: { id: "paper-table", "aria-describedby": "paper-optional" } });
    this.type = element("select", { attrs: { id: "paper-type", "aria-describedby": "paper-optional" } });
    placeChildren(this.type, [{ value: "", label: say("paper_type_none") }]
      .concat(settings.organisation_types.map((type) => ({ value: type, label: organisationTypeName(type) })))
      .map((o) => element("option", { text: o.label, attrs: { value: o.value } })));
    this.status = element("p", { className: "paper-status", attrs: { role: "status", id: "paper-status" } });
    const close = element("button", { text: say("close"), attrs: { type: "button" } });
    this.tableField = element("div", { className: "field" }, [
      element("label", { text: say("paper_table_label"), attrs: { for: "paper-table" } }), this.table,
    ]);
    this.form = element("form", { className: "form", attrs: { novalidate: true } }, [
      this.text.node,
      this.tableField,
      element("div", { className: "field" }, [
        element("label", { text: say("paper_type_label"), attrs: { for: "paper-type" } }), this.type,
      ]),
      element("p", { className: "hint", text: say("paper_optional"), attrs: { id: "paper-optional" } }),
      element("div", { className: "button-row" }, [
        element("button", { className: "button-primary", text: say("paper_enter"), attrs: { type: "submit" } }),
        close,
      ]),
      this.status,
    ]);
    this.dialog.body.append(element("p", { text: say("paper_dialog_intro") }), this.form);
    close.addEventListener("click", () => this.dialog.close());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!this.text.check()) return;
      const note = {
        text: this.text.value,
        table_id: this.table.value === "" ? null : Number(this.table.value),
        organisation_type: this.type.value || null,
      };
      enter(note);
      setText(this.status, say("paper_sending", { idea: ideaName(note.text, 40) }));
      // The next note of the same stack: same table, same kind, an empty box.
      this.text.fill("");
      this.text.box.focus();
    });
  }

  /** Open it, with this table chosen if given; `tables` are the workshop's tables. */
  open(tables, tableId = null) {
    const chosen = tableId === null ? this.table.value : String(tableId);
    placeChildren(this.table, [{ value: "", label: say("paper_table_none") }]
      .concat(tables.map((table) => ({ value: String(table.id), label: table.name })))
      .map((o) => element("option", { text: o.label, attrs: { value: o.value } })));
    this.table.value = tables.some((table) => String(table.id) === chosen) ? chosen : "";
    this.tableField.hidden = tables.length === 0;
    this.text.fill("");
    setText(this.status, "");
    this.dialog.open(this.text.box);
  }

  /** The server took a note: said politely in the dialog. */
  entered(text) {
    if (this.dialog.node.open) setText(this.status, say("paper_entered", { idea: ideaName(text, 40) }));
  }

  /** The server refused a note: said next to the text box, with the note back in it if empty. */
  refused(text, message) {
    if (!this.dialog.node.open) return false;
    if (!this.text.value) this.text.fill(text);
    this.text.showProblem(message);
    setText(this.status, message);
    this.text.box.focus();
    return true;
  }
}
