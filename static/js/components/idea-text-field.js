// A labelled text box for an idea's text, with its character counter and its error, as the
// board's dialogs ask for one: the counter counts as the server does, and a problem is said
// next to the box, in words, when the form is sent.

import { element, setAttr, setText } from "../core/dom.js";
import { say, settings } from "../core/page.js";
import { ideaLength, ideaTextProblem } from "../features/ideas.js";

/** A text box for an idea's text: `node` to place, `value` to read, `check()` before sending. */
export class IdeaTextField {
  constructor(id, label) {
    this.counter = element("p", { className: "counter", attrs: { id: `${id}-counter` } });
    this.error = element("p", { className: "field-error", attrs: { id: `${id}-error` } });
    this.error.hidden = true;
    this.box = element("textarea", { attrs: { id, rows: 4, "aria-describedby": `${id}-counter` } });
    this.node = element("div", { className: "field" }, [
      element("label", { text: label, attrs: { for: id } }), this.box, this.counter, this.error,
    ]);
    this.box.addEventListener("input", () => this.count());
  }

  /** The trimmed text. */
  get value() {
    return this.box.value.trim();
  }

  /** Put `text` in the box, with no error shown. */
  fill(text) {
    this.box.value = text;
    this.showProblem(null);
    this.count();
  }

  count() {
    const max = settings.idea_max_length;
    const length = ideaLength(this.value);
    setText(this.counter, say("characters_used", { count: length, max }));
    this.counter.classList.toggle("is-over", length > max);
  }

  /** True when the text may be sent; otherwise says why, next to the box, and focuses it. */
  check() {
    const problem = ideaTextProblem(this.value);
    this.showProblem(problem ? say(problem.key, problem.values || {}) : null);
    if (problem) this.box.focus();
    return !problem;
  }

  showProblem(text) {
    setText(this.error, text || "");
    this.error.hidden = !text;
    setAttr(this.box, "aria-invalid", text ? "true" : null);
    setAttr(this.box, "aria-describedby", text ? `${this.box.id}-counter ${this.error.id}` : `${this.box.id}-counter`);
  }
}
