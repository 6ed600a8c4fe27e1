// The editor interface on any diagram-js based modeler or viewer (bpmn-js on diagram-js 15,
// cmmn-js on diagram-js 4): only services both versions have are used.

import { checked } from './editor-interface.js';

const SVG = 'http://www.w3.org/2000/svg';
const STATE_PREFIX = 'cs-state-';
const MAX_INITIAL_ZOOM = 1;
const MARGIN = 24;

/**
 * @param {Object} diagram  a diagram-js instance (bpmn-js or cmmn-js Modeler or Viewer)
 * @param {Object} io
 * @param {(xml: string) => Promise<{warnings: Array}>} io.importXML
 * @param {() => Promise<string>} io.saveXML
 * @param {HTMLElement} container
 * @param {Object} [layout]
 * @param {{top?: number, right?: number, bottom?: number, left?: number}} [layout.padding]  room
 *   the first view leaves around the diagram, in pixels (the palette's, for instance)
 * @return {import('./editor-interface.js').Editor}
 */
export function diagramEditor(diagram, io, container, { padding = {} } = {}) {
  const canvas = diagram.get('canvas');
  const registry = diagram.get('elementRegistry');
  const eventBus = diagram.get('eventBus');
  const marks = []; // [elementId, className]
  const titles = new Map(); // elementId -> [title, ...]
  let states = []; // [elementId, className]

  function service(name) {
    try {
      return diagram.get(name);
    } catch {
      return null; // a viewer has no command stack, for instance
    }
  }

  function setTitle(elementId) {
    const gfx = registry.getGraphics(elementId);
    if (!gfx) return;
    let title = gfx.querySelector(':scope > title.cs-title');
    const lines = titles.get(elementId) || [];
    if (!lines.length) {
      title?.remove();
      return;
    }
    if (!title) {
      title = document.createElementNS(SVG, 'title');
      title.setAttribute('class', 'cs-title');
      gfx.insertBefore(title, gfx.firstChild);
    }
    title.textContent = lines.join('\n');
  }

  /** Show the whole diagram, at most at 100 %, centred in the room the padding leaves. */
  function fit() {
    const { inner, outer } = canvas.viewbox();
    const room = { top: MARGIN, right: MARGIN, bottom: MARGIN, left: MARGIN, ...padding };
    const width = outer.width - room.left - room.right;
    const height = outer.height - room.top - room.bottom;
    if (!inner.width || !inner.height || width <= 0 || height <= 0) return;
    const scale = Math.min(MAX_INITIAL_ZOOM, width / inner.width, height / inner.height);
    canvas.viewbox({
      x: inner.x - (room.left + (width - inner.width * scale) / 2) / scale,
      y: inner.y - (room.top + (height - inner.height * scale) / 2) / scale,
      width: outer.width / scale,
      height: outer.height / scale,
    });
  }

  function reveal(element) {
    if (typeof canvas.scrollToElement === 'function') {
      canvas.scrollToElement(element);
      return;
    }
    const box = canvas.viewbox();
    const centre = { x: element.x + (element.width || 0) / 2, y: element.y + (element.height || 0) / 2 };
    const inside =
      centre.x > box.x && centre.x < box.x + box.width && centre.y > box.y && centre.y < box.y + box.height;
    if (!inside) {
      canvas.viewbox({ ...box, x: centre.x - box.width / 2, y: centre.y - box.height / 2 });
    }
  }

  return checked({
    async open(xml) {
      marks.length = 0;
      titles.clear();
      states = [];
      const { warnings = [] } = await io.importXML(xml);
      fit();
      return { warnings: warnings.map((w) => String(w?.message || w)) };
    },

    save() {
      return io.saveXML();
    },

    onChange(callback) {
      const listener = () => callback();
      eventBus.on('commandStack.changed', listener);
      return () => eventBus.off('commandStack.changed', listener);
    },

    select(elementId) {
      const element = registry.get(elementId);
      if (!element) return false;
      service('selection')?.select(element);
      reveal(element);
      return true;
    },

    mark(elementId, className, title) {
      if (!registry.get(elementId)) return false;
      canvas.addMarker(elementId, className);
      marks.push([elementId, className]);
      if (title) {
        titles.set(elementId, [...(titles.get(elementId) || []), title]);
        setTitle(elementId);
      }
      return true;
    },

    clearMarks() {
      for (const [elementId, className] of marks.splice(0)) {
        if (registry.get(elementId)) canvas.removeMarker(elementId, className);
      }
      const marked = [...titles.keys()];
      titles.clear();
      marked.forEach(setTitle);
    },

    colour(byElement) {
      for (const [elementId, className] of states) {
        if (registry.get(elementId)) canvas.removeMarker(elementId, className);
      }
      states = [];
      for (const [elementId, state] of Object.entries(byElement || {})) {
        if (!registry.get(elementId) || !/^[a-z-]+$/.test(state)) continue;
        const className = STATE_PREFIX + state;
        canvas.addMarker(elementId, className);
        states.push([elementId, className]);
      }
    },

    undo() {
      const stack = service('commandStack');
      if (stack?.canUndo()) stack.undo();
    },

    redo() {
      const stack = service('commandStack');
      if (stack?.canRedo()) stack.redo();
    },

    destroy() {
      diagram.destroy();
      container.replaceChildren();
    },
  });
}
