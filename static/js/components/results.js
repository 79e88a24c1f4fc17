// The ranked results, as the phone, the board and the projector show them.

import { element, placeChildren } from "../core/dom.js";
import { say } from "../core/page.js";

/**
 * Draw `ranked` (features/results.js rankedResults) into `list`; `section` shows only once
 * revealed. `more(line)`, if given, adds nodes to a line (the board's decision and its control).
 */
export function drawResults(ranked, section, list, more = null) {
  section.hidden = !ranked;
  if (!ranked) return;
  placeChildren(list, ranked.map((line) => element("li", { className: "result" }, [
    element("span", { className: "result-rank", text: say("rank", { rank: line.rank }) }),
    element("span", { className: "result-votes", text: say("votes_count", { count: line.votes }) }),
    element("span", { className: "result-text", text: line.idea.text }),
    ...(more ? more(line) : []),
  ])));
}
