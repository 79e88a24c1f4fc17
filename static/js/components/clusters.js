// The grouped idea wall the phone and the projector share: a section per cluster, then the
// ungrouped ideas. (The board draws its clusters as drag-and-drop columns of its own.)

import { arrangeChildren, element, setAttr, setText, trimChildren } from "../core/dom.js";
import { say } from "../core/page.js";

/** A wall of idea groups drawn into one container, updated in place on every redraw. */
export class ClusterWall {
  /** `container` holds the sections. */
  constructor(container) {
    this.container = container;
    // Sections by key, so a redraw moves and updates elements instead of replacing them.
    this.sections = new Map();
  }

  section(key) {
    if (!this.sections.has(key)) {
      const headingId = `group-${key}`;
      const heading = element("h3", { className: "group-name", attrs: { id: headingId } });
      const list = element("ul", { className: "idea-list" });
      const empty = element("p", { className: "group-empty", text: say("cluster_empty") });
      const node = element("section", { className: "idea-group", attrs: { "aria-labelledby": headingId } },
        [heading, empty, list]);
      this.sections.set(key, { node, heading, list, empty });
    }
    return this.sections.get(key);
  }

  /** Draw `groups` (features/clusters.js groups()); `ideaNode(idea)` gives the page's card. */
  draw(groups, ideaNode) {
    const drawn = [];
    const used = new Set();
    const place = (key, ideas) => {
      used.add(key);
      const view = this.section(key);
      view.empty.hidden = ideas.length > 0;
      view.list.hidden = ideas.length === 0;
      drawn.push([view, ideas.map(ideaNode)]);
      return view;
    };
    for (const { cluster, ideas } of groups.clusters) {
      setText(place(`cluster-${cluster.id}`, ideas).heading, cluster.name);
    }
    if (groups.ungrouped.length) {
      const view = place("ungrouped", groups.ungrouped);
      const clustered = groups.clusters.length > 0;
      setText(view.heading, say("ungrouped"));
      // With no clusters yet the page's own "Ideas" heading says it all.
      view.heading.hidden = !clustered;
      setAttr(view.node, "aria-labelledby", clustered ? view.heading.id : null);
      view.node.classList.add("is-ungrouped");
    }
    // Sections first, so every list is in the page; then ideas, then trimming: an idea moving
    // between clusters is moved, never taken out and put back, and keeps its focus.
    arrangeChildren(this.container, drawn.map(([view]) => view.node));
    for (const [view, nodes] of drawn) arrangeChildren(view.list, nodes);
    for (const [view, nodes] of drawn) trimChildren(view.list, nodes.length);
    trimChildren(this.container, drawn.length);
    for (const key of Array.from(this.sections.keys())) {
      if (!used.has(key)) this.sections.delete(key);
    }
  }
}
