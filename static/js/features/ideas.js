// Ideas as one screen may see them. The facilitator's board keeps hidden ideas (marked);
// every other screen drops them, as `seesHidden` in the state says.

import { settings } from "../core/page.js";

function put(state, idea) {
  if (!idea || (idea.hidden && !state.seesHidden)) return state;
  const ideas = new Map(state.ideas);
  ideas.set(idea.id, idea);
  return { ...state, ideas };
}

function remove(state, ideaId) {
  if (!state.ideas.has(ideaId)) return state;
  const ideas = new Map(state.ideas);
  ideas.delete(ideaId);
  return { ...state, ideas };
}

function hide(state, ideaId) {
  const idea = state.ideas.get(ideaId);
  if (!idea) return state;
  if (!state.seesHidden) return remove(state, ideaId);
  return put(state, { ...idea, hidden: true });
}

/** The ideas' part of a screen's state: id -> idea. */
export const ideas = {
  initial: { ideas: new Map(), seesHidden: false },
  snapshot(state, snapshot) {
    const seen = new Map();
    for (const idea of snapshot.ideas) {
      if (state.seesHidden || !idea.hidden) seen.set(idea.id, idea);
    }
    return { ...state, ideas: seen };
  },
  facts: {
    "idea.posted": (state, payload) => put(state, payload.idea),
    "idea.edited": (state, payload) => put(state, payload.idea),
    "idea.shown": (state, payload) => put(state, payload.idea),
    "idea.deleted": (state, payload) => remove(state, payload.idea_id),
    "idea.hidden": (state, payload) => hide(state, payload.idea_id),
    // A private brainstorm's ideas, shown to everyone at once.
    "ideas.revealed": (state, payload) => (payload.ideas || []).reduce(put, state),
  },
  // A posted or edited idea is shown from the answer, before its fact arrives.
  answers: {
    "idea.post": (state, data) => put(state, data && data.idea),
    "idea.edit": (state, data) => put(state, data && data.idea),
  },
};

/** The number of characters in an idea's text, as the server counts them (code points). */
export function ideaLength(text) {
  return Array.from(text).length;
}

/** What is wrong with an idea's (trimmed) text, in message keys; null when it may be sent. */
export function ideaTextProblem(text) {
  if (!text) return { key: "idea_empty" };
  if (ideaLength(text) > settings.idea_max_length) {
    return { key: "idea_too_long", values: { max_length: settings.idea_max_length } };
  }
  return null;
}

/** An idea's text cut to a length that fits in a control's accessible name. */
export function ideaName(text, limit = 80) {
  const characters = Array.from(text.replace(/\s+/g, " ").trim());
  return characters.length > limit ? `${characters.slice(0, limit - 1).join("")}…` : characters.join("");
}

/** True when the participant `participantId` wrote `idea`. */
export function writtenBy(idea, participantId) {
  return Boolean(participantId !== null && participantId !== undefined
    && idea.author && idea.author.id === participantId);
}
