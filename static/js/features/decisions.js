// Decisions: what is done next with an idea or a cluster. The board sees every one; a phone
// only while the facilitator shows them (results_public), and only on ideas it may see.

function key(ideaId, clusterId) {
  return ideaId !== null && ideaId !== undefined ? `idea:${ideaId}` : `cluster:${clusterId}`;
}

function changed(state, payload) {
  if (!payload) return state;
  const decisions = new Map(state.decisions);
  const where = key(payload.idea_id, payload.cluster_id);
  if (payload.decision) decisions.set(where, payload.decision);
  else if (decisions.has(where)) decisions.delete(where);
  else return state;
  return { ...state, decisions };
}

function all(list) {
  return new Map((list || []).map((decision) => [key(decision.idea_id, decision.cluster_id), decision]));
}

// The board keeps its own list (it sees them all) and takes only the setting; a phone takes
// the list whole: all of them when shown, none when not.
function shown(state, payload) {
  if (!payload || typeof payload.results_public !== "boolean") return state;
  if (state.seesHidden) return { ...state, resultsPublic: payload.results_public };
  return { ...state, resultsPublic: payload.results_public, decisions: all(payload.decisions) };
}

/** The decisions' part of a screen's state: "idea:7" or "cluster:3" -> Decision. */
export const decisions = {
  initial: { decisions: new Map(), resultsPublic: true },
  snapshot: (state, snapshot) => ({
    ...state,
    decisions: all(snapshot.decisions),
    resultsPublic: snapshot.results_public !== false,
  }),
  facts: {
    "decision.changed": changed,
    "decisions.changed": shown,
  },
  answers: {
    "decision.set": (state, data) => (data && data.decision
      ? changed(state, { idea_id: data.decision.idea_id, cluster_id: data.decision.cluster_id, decision: data.decision })
      : state),
    "decision.clear": (state, data) => (data && data.cleared
      ? changed(state, { idea_id: data.idea_id ?? null, cluster_id: data.cluster_id ?? null, decision: null })
      : state),
    "workshop.set_results_public": (state, data) => (data && typeof data.results_public === "boolean"
      ? { ...state, resultsPublic: data.results_public }
      : state),
  },
};

/** The decision on this idea, if any. */
export function ideaDecision(state, ideaId) {
  return state.decisions.get(key(ideaId, null)) || null;
}

/** The decision on this cluster, if any. */
export function clusterDecision(state, clusterId) {
  return state.decisions.get(key(null, clusterId)) || null;
}

/**
 * The decisions this screen can name, each with what it is about: the idea's text or the
 * cluster's name. Ideas' decisions first, then clusters', each in the order first made.
 */
export function namedDecisions(state) {
  const named = [];
  for (const decision of state.decisions.values()) {
    if (decision.idea_id !== null) {
      const idea = state.ideas.get(decision.idea_id);
      if (idea && !idea.hidden) named.push({ decision, about: idea.text, cluster: false });
    } else {
      const cluster = (state.clusters || []).find((c) => c.id === decision.cluster_id);
      if (cluster) named.push({ decision, about: cluster.name, cluster: true });
    }
  }
  return named.sort((a, b) => (a.cluster - b.cluster) || (a.decision.id - b.decision.id));
}
