// Clusters: the facilitator's groups of ideas, in order, each with its ideas in order.
// The server sends the whole list on every change (clusters.changed).

import { activityById } from "./agenda.js";
import { heldBack } from "./private.js";
import { heldAtTables } from "./tables.js";

/**
 * Take a new cluster list. The server leaves hidden ideas off it, and the ideas of a private
 * brainstorm not yet revealed, so on the board such an idea keeps the cluster it had, as
 * long as that cluster is still there.
 */
function withClusters(state, list) {
  const clusters = list.map((cluster) => ({ ...cluster }));
  const placed = new Map();
  for (const cluster of clusters) {
    for (const id of cluster.idea_ids) placed.set(id, cluster.id);
  }
  const present = new Set(clusters.map((cluster) => cluster.id));
  let ideas = state.ideas;
  for (const [id, idea] of state.ideas) {
    let clusterId = placed.has(id) ? placed.get(id) : null;
    const leftOff = idea.hidden || heldBack(state, idea.activity_id);
    if (!placed.has(id) && leftOff && present.has(idea.cluster_id)) clusterId = idea.cluster_id;
    if (clusterId !== idea.cluster_id) {
      if (ideas === state.ideas) ideas = new Map(state.ideas);
      ideas.set(id, { ...idea, cluster_id: clusterId });
    }
  }
  return { ...state, clusters, ideas };
}

/**
 * The whole list a clusters.changed means. One that names a table replaces only that table's
 * groups; one that names none replaces every cluster but the groups of tables still held,
 * which only their table's own facts (or the merge's full list) change. Every screen hears
 * both kinds: a phone its own table's, the facilitators' screens every table's.
 */
function withTableGroups(state, payload) {
  const list = Array.isArray(payload.clusters) ? payload.clusters : [];
  if (typeof payload.table_id === "number") {
    return state.clusters.filter((cluster) => cluster.table_id !== payload.table_id).concat(list);
  }
  const told = new Set(list.map((cluster) => cluster.id));
  const held = (cluster) => {
    const activity = state.agenda ? activityById(state, cluster.activity_id) : null;
    // A phone hears the merge (ideas.revealed) before the agenda says so.
    const mergedHere = Boolean(state.seating && state.seating.merged
      && state.seating.merged.has(cluster.activity_id));
    return heldAtTables(activity) && !mergedHere;
  };
  return list.concat(state.clusters.filter((cluster) => typeof cluster.table_id === "number"
    && !told.has(cluster.id) && held(cluster)));
}

function withoutIdea(state, ideaId) {
  if (!state.clusters.some((cluster) => cluster.idea_ids.includes(ideaId))) return state;
  return {
    ...state,
    clusters: state.clusters.map((cluster) => ({
      ...cluster, idea_ids: cluster.idea_ids.filter((id) => id !== ideaId),
    })),
  };
}

/** The clusters' part of a screen's state: the list, in order. */
export const clusters = {
  initial: { clusters: [] },
  snapshot: (state, snapshot) => ({ ...state, clusters: snapshot.clusters.map((c) => ({ ...c })) }),
  facts: {
    "clusters.changed": (state, payload) => withClusters(state, withTableGroups(state, payload)),
    "idea.deleted": (state, payload) => withoutIdea(state, payload.idea_id),
  },
};

/** An idea moved on this screen at once, before the server's clusters.changed confirms it. */
export function movedIdea(state, { idea_id: ideaId, cluster_id: clusterId, position }) {
  const idea = state.ideas.get(ideaId);
  if (!idea) return state;
  const list = state.clusters.map((cluster) => {
    const ids = cluster.idea_ids.filter((id) => id !== ideaId);
    if (cluster.id === clusterId) ids.splice(Math.min(position, ids.length), 0, ideaId);
    return { ...cluster, idea_ids: ids };
  });
  const ideas = new Map(state.ideas);
  ideas.set(ideaId, { ...idea, cluster_id: clusterId });
  return { ...state, clusters: list, ideas };
}

/** A cluster renamed on this screen at once; clusters.changed confirms it, a refusal undoes it. */
export function renamedCluster(state, { cluster_id: clusterId, name }) {
  return {
    ...state,
    clusters: state.clusters.map((cluster) => (cluster.id === clusterId ? { ...cluster, name } : cluster)),
  };
}

/** The cluster with this id, or undefined. */
export function clusterById(state, clusterId) {
  return state.clusters.find((cluster) => cluster.id === clusterId);
}

/**
 * Ideas in their groups: each cluster in order with its ideas in order, then the ungrouped
 * ones, newest first so that a new idea is in sight without scrolling.
 */
export function groups(state) {
  const listed = new Set();
  const grouped = state.clusters.map((cluster) => {
    const ideas = [];
    for (const id of cluster.idea_ids) {
      const idea = state.ideas.get(id);
      if (idea && !listed.has(id)) {
        ideas.push(idea);
        listed.add(id);
      }
    }
    // Ideas that say they belong here but are not on the list (hidden, or shown again).
    for (const idea of state.ideas.values()) {
      if (idea.cluster_id === cluster.id && !listed.has(idea.id)) {
        ideas.push(idea);
        listed.add(idea.id);
      }
    }
    return { cluster, ideas };
  });
  const ungrouped = Array.from(state.ideas.values())
    .filter((idea) => !listed.has(idea.id))
    .sort((a, b) => b.id - a.id);
  return { clusters: grouped, ungrouped };
}
