// The agenda: the workshop's activities in order and the one the room is at (from the
// snapshot, phase.changed and agenda.changed), and what that activity means for the ideas a
// screen shows: a brainstorm shows its own question's ideas, a vote only the ideas it is over.

function putActivity(agenda, activity) {
  if (!activity || typeof activity.id !== "number") return agenda;
  const at = agenda.findIndex((known) => known.id === activity.id);
  if (at < 0) return agenda;
  const list = agenda.slice();
  list[at] = activity;
  return list;
}

// A phone that enters another vote than the one its votes were counted in: until its fresh
// snapshot arrives, it has that vote's whole budget and no votes in it (the likely truth).
function enteredVote(state, activity) {
  const me = state.me;
  if (!me || me.participant_id === undefined || !activity || activity.kind !== "vote") return state;
  if (me.vote_activity_id === activity.id) return state;
  return {
    ...state,
    me: { ...me, votes: [], votes_left: activity.vote_budget, vote_activity_id: activity.id },
  };
}

/** The agenda's part of a screen's state: `agenda` (activities in order), `currentActivityId`. */
export const agenda = {
  initial: { agenda: [], currentActivityId: null },
  snapshot: (state, snapshot) => ({
    ...state,
    agenda: Array.isArray(snapshot.agenda) ? snapshot.agenda : [],
    currentActivityId: snapshot.current_activity_id ?? null,
  }),
  facts: {
    "phase.changed": (state, payload) => {
      if (typeof payload.activity_id !== "number") return state;
      const moved = {
        ...state,
        agenda: putActivity(state.agenda, payload.activity),
        currentActivityId: payload.activity_id,
      };
      return enteredVote(moved, payload.activity || activityById(moved, payload.activity_id));
    },
    "agenda.changed": (state, payload) => ({
      ...state,
      agenda: Array.isArray(payload.agenda) ? payload.agenda : state.agenda,
      currentActivityId: payload.current_activity_id ?? state.currentActivityId,
    }),
  },
  // The board shows its own change at once; agenda.changed confirms it for every screen.
  answers: {
    "activity.update": (state, data) => (data && data.activity
      ? { ...state, agenda: putActivity(state.agenda, data.activity) }
      : state),
  },
};

/** The activity with this id, or null. */
export function activityById(state, activityId) {
  return state.agenda.find((activity) => activity.id === activityId) || null;
}

/** The activity the room is at, or null before the first snapshot. */
export function currentActivity(state) {
  return activityById(state, state.currentActivityId);
}

/** The activities before and after the current one (null at either end). */
export function neighbours(state) {
  const at = state.agenda.findIndex((activity) => activity.id === state.currentActivityId);
  if (at < 0) return { back: null, next: state.agenda[0] || null };
  return { back: state.agenda[at - 1] || null, next: state.agenda[at + 1] || null };
}

/** True when entering this activity changes which vote a phone's votes count in. */
export function changesVoteInFocus(state, activity) {
  return Boolean(activity && activity.kind === "vote" && state.me
    && state.me.participant_id !== undefined && state.me.vote_activity_id !== activity.id);
}

/** The vote a results activity reveals: its source, else the last vote before it. */
function revealedVote(state, results) {
  if (results.source_activity_id) return activityById(state, results.source_activity_id);
  const before = state.agenda.slice(0, state.agenda.indexOf(results));
  return before.reverse().find((activity) => activity.kind === "vote") || null;
}

/** The budget and the most dots on one idea of the current vote (or the workshop's defaults). */
export function voteRules(state) {
  const current = currentActivity(state);
  const workshop = state.workshop || {};
  const budget = current && current.kind === "vote" && current.vote_budget
    ? current.vote_budget : workshop.vote_budget || 0;
  const cap = current && current.kind === "vote"
    ? current.votes_per_idea || budget
    : workshop.votes_per_idea || budget;
  return { budget, cap };
}

/** True when the current vote is over this idea: its question's, in its chosen clusters. */
export function inVote(state, idea) {
  const vote = currentActivity(state);
  if (!vote || vote.kind !== "vote") return false;
  if (vote.source_activity_id && idea.activity_id !== vote.source_activity_id) return false;
  if (Array.isArray(vote.cluster_ids) && !vote.cluster_ids.includes(idea.cluster_id)) return false;
  return true;
}

/**
 * The brainstorm whose question is in focus: the current one, the one a grouping or vote
 * takes its ideas from (or a results activity's vote does), else the only one there is.
 */
export function brainstormInFocus(state) {
  let activity = currentActivity(state);
  if (activity && activity.kind === "results") activity = revealedVote(state, activity);
  if (activity && activity.kind === "brainstorm") return activity;
  if (activity && activity.source_activity_id) {
    const source = activityById(state, activity.source_activity_id);
    if (source && source.kind === "brainstorm") return source;
  }
  const brainstorms = state.agenda.filter((known) => known.kind === "brainstorm");
  return brainstorms.length === 1 ? brainstorms[0] : null;
}

/**
 * The ideas a phone or the projector shows now: during a brainstorm its own question's, while
 * grouping or voting those it is over; otherwise every idea. The others stay in the store.
 */
export function ideasInFocus(state) {
  const current = currentActivity(state);
  if (!current) return state.ideas;
  let keep = null;
  if (current.kind === "brainstorm") keep = (idea) => idea.activity_id === current.id;
  else if (current.kind === "vote") keep = (idea) => inVote(state, idea);
  else if (current.kind === "group" && current.source_activity_id) {
    keep = (idea) => idea.activity_id === current.source_activity_id;
  }
  if (!keep) return state.ideas;
  const shown = new Map();
  for (const [id, idea] of state.ideas) if (keep(idea)) shown.set(id, idea);
  return shown;
}

/** The state with only the ideas in focus, for drawing the wall (clusters skip the others). */
export function focused(state) {
  const shown = ideasInFocus(state);
  return shown === state.ideas ? state : { ...state, ideas: shown };
}
