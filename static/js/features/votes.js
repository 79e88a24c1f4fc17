// Votes: a participant's own (private while voting is open) and, for the facilitator, how
// many have been given so far.

/** The votes' part of a screen's state: `me` (participant_id, votes [{key, idea_id}],
 * votes_left) on a phone, `progress` (votes_cast, voters) on the board. */
export const votes = {
  initial: { me: null, progress: null },
  snapshot: (state, snapshot) => ({
    ...state,
    me: snapshot.me || null,
    progress: snapshot.votes_progress || state.progress,
  }),
  facts: {
    "votes.progressed": (state, payload) => ({ ...state, progress: payload }),
  },
  answers: {
    "vote.cast": (state, data) => {
      if (!state.me || !data) return state;
      const known = state.me.votes.some((vote) => vote.key === data.vote.key);
      const list = known ? state.me.votes : [...state.me.votes, data.vote];
      return { ...state, me: { ...state.me, votes: list, votes_left: data.votes_left } };
    },
    "vote.retract": (state, data) => {
      if (!state.me || !data) return state;
      const list = state.me.votes.filter((vote) => vote.key !== data.key);
      return { ...state, me: { ...state.me, votes: list, votes_left: data.votes_left } };
    },
  },
};

/** My votes as the screen shows them: the server's, plus casts waiting, minus retracts waiting. */
export function myVotes(state, waiting) {
  const list = state.me ? state.me.votes.slice() : [];
  for (const item of waiting) {
    if (item.name === "vote.cast" && !list.some((vote) => vote.key === item.payload.key)) {
      list.push({ key: item.payload.key, idea_id: item.payload.idea_id });
    }
  }
  const retracting = new Set(waiting
    .filter((item) => item.name === "vote.retract").map((item) => item.payload.key));
  return list.filter((vote) => !retracting.has(vote.key));
}

/** How many votes are left to give, counting `given` (from myVotes) against the budget. */
export function votesLeft(state, given) {
  const budget = state.workshop ? state.workshop.vote_budget : 0;
  return Math.max(budget - given.length, 0);
}
