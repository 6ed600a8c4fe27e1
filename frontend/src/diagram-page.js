// The deployed diagram page (studio/web/templates/diagram.html): fetch the model's XML, show it
// in the editor of its notation (read-only, or an editable copy), list and mark the problems it
// was deployed with. Page code: it speaks to the editor interface only.

import { createEditor } from './editor-interface.js';

const host = document.getElementById('diagram');
const status = document.getElementById('diagram-status');
const strings = JSON.parse(document.getElementById('page-strings')?.textContent || '{}');

/** A page message with its {placeholders} filled in. */
function say(key, values = {}) {
  const text = strings[key] || key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
}

function show(text, { error = false } = {}) {
  status.textContent = text;
  status.classList.toggle('error', error);
  status.setAttribute('role', error ? 'alert' : 'status');
}

async function fetchXml(url) {
  const response = await fetch(url, { headers: { Accept: 'application/xml' } });
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      message = (await response.json()).error.message;
    } catch {
      // not a JSON error: keep the status line
    }
    throw new Error(message);
  }
  return response.text();
}

function markProblems(editor) {
  const buttons = document.querySelectorAll('.problems button[data-element]');
  for (const button of buttons) {
    const { element, severity, message } = button.dataset;
    if (!element) continue;
    const found = editor.mark(element, `cs-problem-${severity}`, message);
    button.disabled = !found;
    button.addEventListener('click', () => editor.select(element));
  }
}

function wireEditing(editor, name) {
  const buttons = Object.fromEntries(
    [...document.querySelectorAll('[data-action]')].map((b) => [b.dataset.action, b]),
  );
  let changed = false;
  editor.onChange(() => {
    changed = true;
    buttons.undo.disabled = false;
    buttons.redo.disabled = false;
    show(say('changed'));
  });
  buttons.undo.addEventListener('click', () => editor.undo());
  buttons.redo.addEventListener('click', () => editor.redo());
  buttons.download.addEventListener('click', async () => {
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([await editor.save()], { type: 'application/xml' }));
    link.download = name;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 0);
    changed = false;
    show(say('downloaded', { file: name }));
  });
  buttons.download.disabled = false;
  window.addEventListener('beforeunload', (event) => {
    if (changed) event.preventDefault();
  });
}

async function main() {
  const { notation, mode, src, name, element } = host.dataset;
  const readOnly = mode !== 'edit';
  show(say('loading'));
  try {
    const [editor, xml] = await Promise.all([
      createEditor(notation, host, {
        readOnly,
        propertiesParent: document.getElementById('properties') || undefined,
      }),
      fetchXml(src),
    ]);
    const { warnings } = await editor.open(xml);
    markProblems(editor);
    if (!readOnly) wireEditing(editor, name);
    if (element) editor.select(element);
    // Diagram elements drawn, without their labels (diagram-js gives a label its element's id
    // with "_label" appended).
    const drawn = '.djs-element[data-element-id]:not([data-element-id$="_label"])';
    const count = host.querySelectorAll(drawn).length;
    const parts = [say('shown', { count })];
    if (warnings.length === 1) parts.push(say('warning'));
    if (warnings.length > 1) parts.push(say('warnings', { count: warnings.length }));
    show(parts.join(' · '));
    if (warnings.length) status.title = warnings.join('\n');
    host.dataset.state = 'ready';
  } catch (error) {
    show(say('failed', { reason: error.message || String(error) }), { error: true });
    host.dataset.state = 'failed';
  } finally {
    host.setAttribute('aria-busy', 'false');
  }
}

main();
