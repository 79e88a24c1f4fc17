// The board's moderation bar: pause all input from the room, and merge the ideas selected
// on their cards. Built by the script, so the board's page needs no markup of its own for it.

import { element, setAttr, setText } from "../core/dom.js";
import { say } from "../core/page.js";

/** The bar, with the page's callbacks: `pause(paused)` and `merge()`. */
export class ModerationBar {
  constructor({ pause, merge }) {
    this.paused = element("input", { attrs: { type: "checkbox", id: "input-paused" } });
    this.state = element("p", { className: "input-state", attrs: { id: "input-state" } });
    this.merge = element("button", { attrs: { type: "button", id: "merge-selected" } });
    this.node = element("section", { className: "moderation-bar", attrs: { "aria-label": say("pause_input") } }, [
      element("div", { className: "choice" }, [
        this.paused,
        element("label", { text: say("pause_input"), attrs: { for: "input-paused" } }),
      ]),
      this.state,
      this.merge,
    ]);
    this.paused.addEventListener("change", () => pause(this.paused.checked));
    this.merge.addEventListener("click", () => merge());
  }

  /** Show whether input is paused (only once the server has said) and how many are selected. */
  draw(paused, selected) {
    if (typeof paused === "boolean" && document.activeElement !== this.paused) this.paused.checked = paused;
    setText(this.state, paused ? say("input_paused_now") : "");
    setText(this.merge, say("merge_selected", { count: selected }));
    // aria-disabled, not disabled: the button keeps its focus and says why when pressed.
    setAttr(this.merge, "aria-disabled", selected < 2 ? "true" : null);
  }
}
