// The workshop itself: its phase and settings (vote budget, joins locked), from the snapshot,
// phase.changed and workshop.changed.

import { settings } from "../core/page.js";

const KNOWN = new Set(settings.phases);

// The script names the phases it treats differently; checking them against the server's list
// makes a renamed phase fail as the page loads, not silently later.
function known(phase) {
  if (!KNOWN.has(phase)) throw new Error(`The server knows no phase "${phase}"`);
  return phase;
}

export const POSTING = known("posting");
export const VOTING = known("voting");
export const RESULTS = known("results");

/** The workshop's own part of a screen's state. */
export const phases = {
  initial: { workshop: null },
  snapshot: (state, snapshot) => ({ ...state, workshop: snapshot.workshop }),
  facts: {
    "phase.changed": (state, payload) => (state.workshop
      ? { ...state, workshop: { ...state.workshop, phase: payload.phase } }
      : state),
    "workshop.changed": (state, payload) => (state.workshop && payload.workshop
      ? { ...state, workshop: { ...state.workshop, ...payload.workshop } }
      : state),
  },
  answers: {
    "workshop.lock_joins": (state, data) => (state.workshop && data && typeof data.joins_locked === "boolean"
      ? { ...state, workshop: { ...state.workshop, joins_locked: data.joins_locked } }
      : state),
  },
};

/** The phase the workshop is in, or null before the first snapshot. */
export function phaseOf(state) {
  return state.workshop ? state.workshop.phase : null;
}
