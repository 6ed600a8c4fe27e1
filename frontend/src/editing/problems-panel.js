// The problems panel of the editor page: the validator's problems of the open file (marked on
// the diagram; a click selects the element) and those of the project's other files.

import { say } from './strings.js';

const ICONS = { error: '✖', warning: '▲' };

/**
 * Show `report` (the API's validation answer) for the file `path` in `list`, mark the problems
 * on `editor`; the number of errors and warnings.
 *
 * @param {Object} report  {errors, warnings, files: [{file, problems: [...]}]}
 * @param {string} path
 * @param {import('../editor-interface.js').Editor} editor
 * @param {HTMLElement} list
 */
export function showProblems(report, path, editor, list) {
  editor.clearMarks();
  const items = [];
  const files = [...report.files].sort((a, b) => (a.file === path ? -1 : b.file === path ? 1 : 0));
  for (const { file, problems } of files) {
    for (const problem of problems) {
      const here = file === path;
      const marked = here && problem.element
        ? editor.mark(problem.element, `cs-problem-${problem.severity}`, problem.message)
        : false;
      items.push(item(problem, here ? null : file, marked, editor));
    }
  }
  list.replaceChildren(...items);
  return { errors: report.errors, warnings: report.warnings };
}

function item(problem, elsewhere, marked, editor) {
  const li = document.createElement('li');
  const button = document.createElement('button');
  button.type = 'button';
  button.className = `problem ${problem.severity}`;
  button.dataset.element = problem.element || '';
  button.dataset.code = problem.code;
  const severity = document.createElement('span');
  severity.className = 'severity';
  const icon = document.createElement('span');
  icon.setAttribute('aria-hidden', 'true');
  icon.textContent = `${ICONS[problem.severity] || ''} `;
  severity.append(icon, say(problem.severity));
  const message = document.createElement('span');
  message.className = 'message';
  message.textContent = problem.message;
  const where = document.createElement('code');
  const element = problem.element || say('noElement');
  where.textContent = elsewhere ? `${say('elsewhere', { file: elsewhere })} · ${element}` : `${problem.code} · ${element}`;
  button.append(severity, message, where);
  if (marked) {
    button.addEventListener('click', () => editor.select(problem.element));
  } else {
    button.disabled = true;
  }
  li.append(button);
  return li;
}
