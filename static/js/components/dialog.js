// A modal dialog as the platform makes one: <dialog> opened with showModal() keeps the
// keyboard and screen readers inside it and closes on Esc. Its heading names it, and on
// closing the focus goes back to the control that opened it.

import { element } from "../core/dom.js";

/** One modal dialog: a <dialog> labelled by its heading, from the page or built here. */
export class Dialog {
  /** Wrap this <dialog> element; `onClose()` hears of every close. */
  constructor(node, { onClose = () => {} } = {}) {
    this.node = node;
    this.body = node.querySelector(".dialog-body") || node;
    this.returnTo = null;
    // Esc, Cancel and a sent form all end here: the focus goes back where it came from.
    node.addEventListener("close", () => {
      const back = this.returnTo;
      this.returnTo = null;
      onClose();
      if (back && back.isConnected) back.focus();
    });
  }

  /** A new dialog with this id and heading, put in the page's main region (a landmark). */
  static build(id, heading, options) {
    const node = element("dialog", { className: "dialog", attrs: { id, "aria-labelledby": `${id}-heading` } }, [
      element("h2", { className: "dialog-heading", text: heading, attrs: { id: `${id}-heading` } }),
      element("div", { className: "dialog-body" }),
    ]);
    (document.getElementById("main") || document.body).append(node);
    return new Dialog(node, options);
  }

  /** Open it and put the keyboard on `first` (else on the first control inside). */
  open(first = null) {
    if (this.node.open) return;
    this.returnTo = document.activeElement;
    this.node.showModal();
    const target = first || this.node.querySelector("input, textarea, select, button");
    if (target) target.focus();
  }

  /** Close it; the focus goes back. */
  close() {
    if (this.node.open) this.node.close();
  }
}
