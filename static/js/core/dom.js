// Careful DOM updates: elements change only where they differ, so focus, scroll and screen
// readers are left alone by a redraw.

/**
 * A new element. `text` always goes in as text, never as markup, so an idea that looks like
 * HTML stays words on the screen.
 */
export function element(tag, { className, text, attrs } = {}, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child) node.append(child);
  }
  return node;
}

/** Set an element's text only when it changed, so screen readers are not told twice. */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/** Set or remove an attribute only when it changed. */
export function setAttr(node, name, value) {
  if (value === false || value === null || value === undefined) {
    if (node.hasAttribute(name)) node.removeAttribute(name);
  } else {
    const text = value === true ? "" : String(value);
    if (node.getAttribute(name) !== text) node.setAttribute(name, text);
  }
}

/**
 * Put `nodes` first among `parent`'s children, in order, moving only the ones out of place.
 * Children that are no longer wanted end up after them, for trimChildren to remove once
 * every list is arranged: a node moving to another list is then moved, never removed and
 * re-inserted, and moveBefore (where the browser has it) keeps its focus and state.
 */
export function arrangeChildren(parent, nodes) {
  nodes.forEach((node, index) => {
    const here = parent.children[index] || null;
    if (here === node) return;
    if (typeof parent.moveBefore === "function" && node.isConnected && parent.isConnected) {
      try {
        parent.moveBefore(node, here);
        return;
      } catch {
        // moveBefore refuses some moves; a plain insert does them all.
      }
    }
    parent.insertBefore(node, here);
  });
}

/** Remove `parent`'s children after the first `count`. */
export function trimChildren(parent, count) {
  while (parent.children.length > count) parent.lastElementChild.remove();
}

/** Make `parent`'s children exactly `nodes`, in order. */
export function placeChildren(parent, nodes) {
  arrangeChildren(parent, nodes);
  trimChildren(parent, nodes.length);
}

/**
 * Run `render` and give focus back to the control that had it, found again by its
 * data-focus name when the element itself was replaced or moved.
 */
export function keepingFocus(render) {
  const active = document.activeElement;
  const name = active && active.dataset ? active.dataset.focus : undefined;
  render();
  if (!name) return;
  const now = document.activeElement;
  if (now === active && active.isConnected) return;
  if (now && now !== document.body && now !== active) return;
  const again = document.querySelector(`[data-focus="${CSS.escape(name)}"]`);
  if (again) again.focus();
}

/** True when the person asked their system for less motion. */
export function prefersLessMotion() {
  return window.matchMedia("(prefers-reduced-motion: reduce)").matches;
}
