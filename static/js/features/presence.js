// Presence: who is here, counted by organisation type, for the facilitator's board.

/** The presence part of a screen's state: null until the server has counted. */
export const presence = {
  initial: { presence: null },
  snapshot: (state, snapshot) => ({ ...state, presence: snapshot.presence || state.presence }),
  facts: {
    "presence.changed": (state, payload) => ({ ...state, presence: payload }),
  },
};
