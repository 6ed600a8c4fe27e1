// A read-only diagram of a project's model file in the page, through the editor interface:
// opened once per model, then coloured or marked as the page asks.

import { createEditor } from '../editor-interface.js';
import { projectFile, show } from './page-kit.js';

/**
 * @param {HTMLElement} host  the canvas element (data-notation)
 * @param {HTMLElement} status  the status line
 * @param {(key: string, values?: object) => string} say
 */
export function diagramView(host, status, say) {
  let editor = null;
  let shown = null;
  let opening = null;

  async function ensureEditor() {
    editor ??= await createEditor(host.dataset.notation, host, { readOnly: true });
    return editor;
  }

  return {
    /** Show the model `path` of a project version (once; again only when it changes). */
    async open(project, version, path) {
      const key = `${project}/${version}/${path}`;
      if (shown === key) return editor;
      if (opening?.key === key) return opening.promise;
      host.setAttribute('aria-busy', 'true');
      show(status, say('loading'));
      const promise = (async () => {
        try {
          const [view, xml] = await Promise.all([
            ensureEditor(),
            projectFile(project, version, path),
          ]);
          await view.open(xml);
          shown = key;
          host.dataset.state = 'ready';
          show(status, '');
          return view;
        } catch (error) {
          host.dataset.state = 'failed';
          show(status, say('failed', { reason: error.message || String(error) }), { error: true });
          return null;
        } finally {
          host.setAttribute('aria-busy', 'false');
          opening = null;
        }
      })();
      opening = { key, promise };
      return promise;
    },

    get editor() {
      return editor;
    },
  };
}
