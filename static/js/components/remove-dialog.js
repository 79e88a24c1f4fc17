// The participants page's dialog for removing someone from the workshop: one dialog for
// every row, told whose row opened it. The page renders its words and the form (with its
// CSRF field); the form is sent as it is, to the address of the row's participant.

import { Dialog } from "./dialog.js";

/** Tie `buttons` (each with data-remove-url and data-name) to the dialog element `node`. */
export class RemoveDialog {
  constructor(node, buttons) {
    this.dialog = new Dialog(node);
    this.form = node.querySelector("form");
    this.name = node.querySelector("[data-fill=name]");
    this.stay = node.querySelector("input[value=stay]");
    node.querySelector("[data-close]").addEventListener("click", () => this.dialog.close());
    for (const button of buttons) {
      button.hidden = false;
      button.addEventListener("click", () => this.open(button));
    }
  }

  open(button) {
    this.form.action = button.dataset.removeUrl;
    this.name.textContent = button.dataset.name;
    // Each time the safe answer first: their ideas stay unless the facilitator says otherwise.
    this.stay.checked = true;
    this.dialog.open(this.stay);
  }
}
