// Moderation as a screen sees it: merged ideas leave (their votes and authors go to the idea
// that stays), an undone merge brings them back, and the facilitator can pause all input.

function put(state, ideas, idea) {
  if (idea && (!idea.hidden || state.seesHidden)) ideas.set(idea.id, idea);
}

function merged(state, payload) {
  if (!payload || !payload.idea) return state;
  const ideas = new Map(state.ideas);
  for (const id of payload.merged_idea_ids || []) ideas.delete(id);
  put(state, ideas, payload.idea);
  return { ...state, ideas };
}

function unmerged(state, payload) {
  if (!payload || !payload.ideas) return state;
  const ideas = new Map(state.ideas);
  for (const idea of payload.ideas) put(state, ideas, idea);
  return { ...state, ideas };
}

function paused(state, value) {
  if (!state.workshop || typeof value !== "boolean" || state.workshop.input_paused === value) return state;
  return { ...state, workshop: { ...state.workshop, input_paused: value } };
}

/** The moderation part of a screen's state: it keeps to the ideas and the workshop. */
export const moderation = {
  facts: {
    "idea.merged": merged,
    "idea.unmerged": unmerged,
    "input.changed": (state, payload) => paused(state, payload && payload.paused),
  },
  answers: {
    "idea.merge": merged,
    "workshop.pause_input": (state, data) => paused(state, data && data.paused),
  },
};

/** True while the facilitator has paused the room's input. */
export function inputPaused(state) {
  return Boolean(state.workshop && state.workshop.input_paused);
}

/** Facts after which a phone's own votes may have moved or been given back. */
export const MOVES_VOTES = new Set(["idea.merged", "idea.unmerged"]);
