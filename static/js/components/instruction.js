// What the room is doing now, in plain words, on the phone and the projector: built from the
// current activity's kind, prompt and settings, in the page's language.

import { element, setText } from "../core/dom.js";
import { say } from "../core/page.js";

/**
 * The instruction for an activity: `text` (what to do now) and `detail` (the activity's own
 * prompt where the text does not already carry it). `dots` is how many dots the reader has
 * (a phone: those left; the projector: the budget), `cap` the most on one idea.
 */
export function instructionFor(activity, { dots = 0, cap = null } = {}) {
  if (!activity) return { text: "", detail: "" };
  const prompt = activity.prompt || "";
  switch (activity.kind) {
    case "welcome":
      return { text: say("instruction_welcome"), detail: prompt };
    case "brainstorm":
      return { text: say("instruction_brainstorm", { prompt }), detail: "" };
    case "group":
      return { text: say("instruction_group"), detail: prompt };
    case "vote":
      return { text: voteText(dots, cap), detail: prompt };
    case "results":
      return { text: say("instruction_results"), detail: prompt };
    default:
      // A discussion or a break: its prompt says it all; without one, its title does.
      return { text: prompt || activity.title || say("instruction_discussion"), detail: "" };
  }
}

function voteText(dots, cap) {
  if (dots <= 0) return say("instruction_vote_none");
  if (dots === 1) return say("instruction_vote_one");
  // The cap is worth saying only while it binds: fewer on one idea than the dots in hand.
  if (cap && cap < dots) return say("instruction_vote_capped", { count: dots, cap });
  return say("instruction_vote", { count: dots });
}

/** The instruction box: the activity's title, what to do, and its prompt. */
export class Instruction {
  /** `host` is the element the box is drawn into (kept; its children are made once). */
  constructor(host) {
    this.host = host;
    this.title = element("p", { className: "instruction-title" });
    this.text = element("p", { className: "instruction-text" });
    this.detail = element("p", { className: "instruction-detail" });
    host.replaceChildren(this.title, this.text, this.detail);
  }

  /** Draw the activity's instruction; returns its text, for announcing a change. */
  draw(activity, numbers) {
    const words = instructionFor(activity, numbers);
    this.host.hidden = !activity;
    this.host.dataset.kind = activity ? activity.kind : "";
    // A welcome's or discussion's title is part of what it says; a kind's name would repeat it.
    setText(this.title, activity ? activity.title : "");
    setText(this.text, words.text);
    setText(this.detail, words.detail);
    this.title.hidden = !activity || !activity.title || words.text === activity.title;
    this.detail.hidden = !words.detail;
    return words.text;
  }
}
