// The workshop as a screen knows it: ideas, clusters, phase and results, kept current from
// the snapshot and the facts that follow it; and the grouped idea wall the phone and the
// projector draw from it. Each page draws its own idea cards.

import { arrangeChildren, element, placeChildren, say, setAttr, setText, trimChildren } from "./page.js";

/** Ideas, clusters, phase and results of one workshop, as one screen may see them. */
export class Wall {
  /** `showHidden`: the facilitator's board keeps hidden ideas (marked); other screens drop them. */
  constructor({ showHidden = false } = {}) {
    this.showHidden = showHidden;
    this.workshop = null;
    this.ideas = new Map();
    this.clusters = [];
    this.results = null;
  }

  /** Replace everything with a snapshot's contents. */
  load(snapshot) {
    this.workshop = snapshot.workshop;
    this.ideas = new Map();
    for (const idea of snapshot.ideas) {
      if (this.showHidden || !idea.hidden) this.ideas.set(idea.id, idea);
    }
    this.clusters = snapshot.clusters.map((cluster) => ({ ...cluster }));
    this.results = snapshot.results || null;
  }

  /** Apply one fact; returns true when something a screen shows has changed. */
  apply(name, payload) {
    switch (name) {
      case "idea.posted":
      case "idea.edited":
      case "idea.shown":
        return this.putIdea(payload.idea);
      case "idea.deleted":
        this.ideas.delete(payload.idea_id);
        for (const cluster of this.clusters) {
          cluster.idea_ids = cluster.idea_ids.filter((id) => id !== payload.idea_id);
        }
        return true;
      case "idea.hidden": {
        const idea = this.ideas.get(payload.idea_id);
        if (!idea) return false;
        if (this.showHidden) this.ideas.set(idea.id, { ...idea, hidden: true });
        else this.ideas.delete(idea.id);
        return true;
      }
      case "clusters.changed":
        this.setClusters(payload.clusters);
        return true;
      case "phase.changed":
        if (!this.workshop) return false;
        this.workshop = { ...this.workshop, phase: payload.phase };
        // Counts are visible only in the results phase; stepping back hides them again.
        if (payload.phase !== "results") this.results = null;
        return true;
      case "results.revealed":
        this.results = payload.results;
        return true;
      default:
        return false;
    }
  }

  /** Add or replace an idea (from a fact or a command's answer). */
  putIdea(idea) {
    if (!idea || (idea.hidden && !this.showHidden)) return false;
    this.ideas.set(idea.id, idea);
    return true;
  }

  /**
   * Take a new cluster list. The server leaves hidden ideas off it, so on the board a hidden
   * idea keeps the cluster it had, as long as that cluster is still there.
   */
  setClusters(clusters) {
    this.clusters = clusters.map((cluster) => ({ ...cluster }));
    const placed = new Map();
    for (const cluster of this.clusters) {
      for (const id of cluster.idea_ids) placed.set(id, cluster.id);
    }
    const present = new Set(this.clusters.map((cluster) => cluster.id));
    for (const [id, idea] of this.ideas) {
      let clusterId = placed.has(id) ? placed.get(id) : null;
      if (!placed.has(id) && idea.hidden && present.has(idea.cluster_id)) clusterId = idea.cluster_id;
      if (clusterId !== idea.cluster_id) this.ideas.set(id, { ...idea, cluster_id: clusterId });
    }
  }

  /** Move an idea on this screen at once, before the server's clusters.changed confirms it. */
  moveIdea(ideaId, clusterId, position) {
    const idea = this.ideas.get(ideaId);
    if (!idea) return;
    for (const cluster of this.clusters) {
      cluster.idea_ids = cluster.idea_ids.filter((id) => id !== ideaId);
      if (cluster.id === clusterId) {
        cluster.idea_ids.splice(Math.min(position, cluster.idea_ids.length), 0, ideaId);
      }
    }
    this.ideas.set(ideaId, { ...idea, cluster_id: clusterId });
  }

  /** The phase the workshop is in, or null before the first snapshot. */
  get phase() {
    return this.workshop ? this.workshop.phase : null;
  }

  /**
   * Ideas in their groups: each cluster in order with its ideas in order, then the ungrouped
   * ones, newest first so that a new idea is in sight without scrolling.
   */
  groups() {
    const listed = new Set();
    const groups = this.clusters.map((cluster) => {
      const ideas = [];
      for (const id of cluster.idea_ids) {
        const idea = this.ideas.get(id);
        if (idea && !listed.has(id)) {
          ideas.push(idea);
          listed.add(id);
        }
      }
      // Ideas that say they belong here but are not on the list (hidden, or shown again).
      for (const idea of this.ideas.values()) {
        if (idea.cluster_id === cluster.id && !listed.has(idea.id)) {
          ideas.push(idea);
          listed.add(idea.id);
        }
      }
      return { cluster, ideas };
    });
    const ungrouped = Array.from(this.ideas.values())
      .filter((idea) => !listed.has(idea.id))
      .sort((a, b) => b.id - a.id);
    return { clusters: groups, ungrouped };
  }

  /** The revealed results with each idea's text, best first; null before the reveal. */
  rankedResults() {
    if (!this.results) return null;
    return this.results
      .filter((line) => this.ideas.has(line.idea_id) && !this.ideas.get(line.idea_id).hidden)
      .map((line) => ({ ...line, idea: this.ideas.get(line.idea_id) }));
  }
}

/**
 * Draw ideas grouped by cluster into `container`: a section with a heading per cluster, then
 * the ungrouped ideas. `sections` is the page's cache of section elements by key, so a
 * redraw moves and updates elements instead of replacing them (focus stays put).
 * `ideaNode(idea)` gives the page's element for one idea.
 */
export function drawGroups(container, groups, sections, ideaNode, words) {
  const drawn = [];
  const used = new Set();
  const section = (key) => {
    used.add(key);
    if (!sections.has(key)) {
      const headingId = `group-${key}`;
      const heading = element(words.headingTag || "h3", { className: "group-name", attrs: { id: headingId } });
      const list = element("ul", { className: "idea-list" });
      const empty = element("p", { className: "group-empty", text: words.emptyGroup });
      const node = element("section", { className: "idea-group", attrs: { "aria-labelledby": headingId } },
        [heading, empty, list]);
      sections.set(key, { node, heading, list, empty });
    }
    return sections.get(key);
  };
  const draw = (view, ideas) => {
    view.empty.hidden = ideas.length > 0;
    view.list.hidden = ideas.length === 0;
    drawn.push([view, ideas.map(ideaNode)]);
  };
  for (const { cluster, ideas } of groups.clusters) {
    const view = section(`cluster-${cluster.id}`);
    setText(view.heading, cluster.name);
    draw(view, ideas);
  }
  if (groups.ungrouped.length) {
    const view = section("ungrouped");
    const clustered = groups.clusters.length > 0;
    setText(view.heading, words.ungrouped);
    // With no clusters yet the page's own "Ideas" heading says it all.
    view.heading.hidden = !clustered;
    setAttr(view.node, "aria-labelledby", clustered ? view.heading.id : null);
    view.node.classList.add("is-ungrouped");
    draw(view, groups.ungrouped);
  }
  // Sections first, so every list is in the page; then ideas, then trimming: an idea moving
  // between clusters is moved, never taken out and put back, and keeps its focus.
  arrangeChildren(container, drawn.map(([view]) => view.node));
  for (const [view, nodes] of drawn) arrangeChildren(view.list, nodes);
  for (const [view, nodes] of drawn) trimChildren(view.list, nodes.length);
  trimChildren(container, drawn.length);
  for (const key of Array.from(sections.keys())) {
    if (!used.has(key)) sections.delete(key);
  }
}

/** Draw the ranked results into `list`, and show `section` only once they are revealed. */
export function drawResults(wall, section, list) {
  const ranked = wall.rankedResults();
  section.hidden = !ranked;
  if (!ranked) return;
  placeChildren(list, ranked.map((line) => element("li", { className: "result" }, [
    element("span", { className: "result-rank", text: say("rank", { rank: line.rank }) }),
    element("span", { className: "result-votes", text: say("votes_count", { count: line.votes }) }),
    element("span", { className: "result-text", text: line.idea.text }),
  ])));
}
