// Results: the vote counts, which reach screens only when the facilitator reveals them.

import { RESULTS } from "./phases.js";

/** The results' part of a screen's state: null until revealed. */
export const results = {
  initial: { results: null },
  snapshot: (state, snapshot) => ({ ...state, results: snapshot.results || null }),
  facts: {
    "results.revealed": (state, payload) => ({ ...state, results: payload.results }),
    // Counts are visible only in the results phase; stepping back hides them again.
    "phase.changed": (state, payload) => (payload.phase !== RESULTS && state.results
      ? { ...state, results: null }
      : state),
  },
};

/** The revealed results with each idea's text, best first; null before the reveal. */
export function rankedResults(state) {
  if (!state.results) return null;
  return state.results
    .filter((line) => state.ideas.has(line.idea_id) && !state.ideas.get(line.idea_id).hidden)
    .map((line) => ({ ...line, idea: state.ideas.get(line.idea_id) }));
}
