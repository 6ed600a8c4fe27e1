// The deployments pages (studio/web/templates/deployments.html, admin/migrate.html): deploy a
// saved project version (a refusal lists the models' problems), and migrate the running cases of
// a version to another with a dry run of every case first. Each case moves with its family in a
// request of its own: when one is refused, the others still move and its row says why.

import { call } from '../admin/api.js';
import { announce, announceKept, ready, reason, reloadWith, say } from '../admin/notify.js';

/** Show an error in a form: a sentence, and the problems as a list when there are any. */
function showError(form, text, problems = []) {
  const box = form.querySelector('.form-error');
  box.replaceChildren(document.createTextNode(text));
  if (problems.length) {
    const list = document.createElement('ul');
    for (const problem of problems) {
      const item = document.createElement('li');
      const where = [problem.file, problem.element].filter(Boolean).join(' · ');
      item.textContent = where ? `${where}: ${problem.message}` : problem.message;
      list.append(item);
    }
    box.append(list);
  }
  box.hidden = !text;
}

function wireDeploying(form) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const select = form.elements.version;
    if (!select.value) {
      showError(form, say('choose'));
      select.focus();
      return;
    }
    const [project, number] = select.value.split('/');
    const button = form.querySelector('[type=submit]');
    button.disabled = true;
    showError(form, '');
    announce(say('deploying'));
    try {
      const done = await call('POST', `/api/v1/projects/${project}/versions/${number}/deploy`);
      const { key, version } = done.deployment;
      reloadWith(say(done.created ? 'deployed' : 'unchanged', { key, version }));
    } catch (error) {
      announce('');
      const problems = (error.details?.problems || []).filter((p) => p.severity !== 'warning');
      if (problems.length) showError(form, say('refused'), problems);
      else showError(form, reason(error));
      button.disabled = false;
      select.focus();
    }
  });
}

/** The dry run's row for one case. */
function planRow(id, report, error) {
  const row = document.createElement('tr');
  row.dataset.case = id;
  const name = document.createElement('th');
  name.scope = 'row';
  const link = document.createElement('a');
  link.href = `/cases/${encodeURIComponent(id)}`;
  const code = document.createElement('code');
  code.textContent = id;
  link.append(code);
  name.append(link);
  const verdict = document.createElement('td');
  const details = document.createElement('td');
  const ok = Boolean(report?.ok);
  verdict.textContent = ok ? say('maps') : say('cannot');
  verdict.className = ok ? 'status-mapped' : 'status-unmapped';
  const list = document.createElement('ul');
  list.className = 'messages';
  const lines = error ? [reason(error)] : [...(report.problems || [])];
  for (const item of report?.items || []) {
    if (item.status === 'unmapped') lines.push(say('unmapped', shown(item)));
  }
  for (const child of report?.started || []) {
    for (const problem of child.problems || []) lines.push(`${child.case}: ${problem}`);
    for (const item of child.items || []) {
      if (item.status === 'unmapped') lines.push(`${child.case}: ${say('unmapped', shown(item))}`);
    }
  }
  for (const line of lines) {
    const entry = document.createElement('li');
    entry.textContent = line;
    list.append(entry);
  }
  details.append(lines.length ? list : document.createTextNode('—'));
  row.append(name, verdict, startedCell(report?.started || []), details);
  return row;
}

/** A dry run's item as the page says it: its state in the page's language (`state` is the code). */
function shown(item) {
  return { ...item, state: item.state_word ?? item.state };
}

/** After a migration, a case's row says whether it moved, and why not when it did not. */
function markOutcome(row, verdictText, why) {
  if (!row) return;
  const [, verdict, , details] = row.cells;
  verdict.textContent = verdictText;
  verdict.className = why ? 'status-unmapped' : 'status-mapped';
  if (why) {
    const list = document.createElement('ul');
    list.className = 'messages';
    const entry = document.createElement('li');
    entry.textContent = why;
    list.append(entry);
    details.replaceChildren(list);
  }
}

/** The processes and sub-cases that move with a case: their ids and definitions. */
function startedCell(started) {
  const cell = document.createElement('td');
  if (!started.length) {
    cell.textContent = say('none_started');
    cell.className = 'muted';
    return cell;
  }
  const list = document.createElement('ul');
  list.className = 'started';
  for (const child of started) {
    const entry = document.createElement('li');
    const code = document.createElement('code');
    code.textContent = child.case;
    entry.append(code, ` ${say('started_what', { definition: child.source })}`);
    list.append(entry);
  }
  cell.append(list);
  return cell;
}

/** The dry run's verdict in words: one case is spoken of in the singular. */
function verdictOf(ok, total) {
  const bad = total - ok;
  if (total === 1) return say(bad ? 'one_fails' : 'one_maps');
  return bad ? say('some_fail', { ok, total, bad }) : say('all_map', { total });
}

function wireMigrating(form) {
  let cases = form.dataset.cases.split(' ').filter(Boolean);
  const migrate = form.querySelector('[data-step=migrate]');
  const dryRun = form.querySelector('[data-step=dry-run]');
  const migrateLabel = migrate.textContent;
  const rows = document.getElementById('plan-rows');
  const verdict = document.getElementById('verdict');
  let movable = [];
  const target = () => Number(form.elements.target.value);
  const version = () => form.elements.target.selectedOptions[0].dataset.version;
  form.elements.target.addEventListener('change', () => {
    movable = [];
    migrate.disabled = true;
    document.getElementById('plan').hidden = true;
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    dryRun.disabled = true;
    migrate.disabled = true;
    rows.replaceChildren();
    movable = [];
    for (const [index, id] of cases.entries()) {
      announce(say('checking', { done: index + 1, total: cases.length }));
      try {
        const url = `/api/v1/cases/${encodeURIComponent(id)}/migrate`;
        const report = await call('POST', url, { deployment: target(), dry_run: true });
        if (report.ok) movable.push(id);
        rows.append(planRow(id, report, null));
      } catch (error) {
        rows.append(planRow(id, null, error));
      }
    }
    const bad = cases.length - movable.length;
    verdict.textContent = verdictOf(movable.length, cases.length);
    verdict.className = `verdict ${bad ? 'no' : 'ok'}`;
    document.getElementById('plan-step').textContent = say('dry_run');
    document.getElementById('plan').hidden = false;
    announce('');
    migrate.textContent = say('migrate_button', { count: movable.length });
    migrate.disabled = movable.length === 0;
    dryRun.disabled = false;
  });
  migrate.addEventListener('click', async () => {
    migrate.disabled = true;
    dryRun.disabled = true;
    document.getElementById('plan-step').textContent = say('outcome'); // rows say what happened
    let stayed = 0;
    const moved = new Set();
    for (const [index, id] of movable.entries()) {
      announce(say('migrating', { done: index + 1, total: movable.length }));
      const row = rows.querySelector(`tr[data-case="${CSS.escape(id)}"]`);
      try {
        const url = `/api/v1/cases/${encodeURIComponent(id)}/migrate`;
        await call('POST', url, { deployment: target(), dry_run: false });
        markOutcome(row, say('moved', { version: version() }), null);
        moved.add(id);
      } catch (error) {
        stayed += 1;
        markOutcome(row, say('not_moved'), reason(error));
      }
    }
    if (!stayed) {
      reloadWith(say('migrated', { count: moved.size, version: version() }));
      return;
    }
    // Each case moves with its family or not at all: say which did, and plan the rest again
    // (without the cases that moved). The dry run's verdict gives way to what happened.
    cases = cases.filter((id) => !moved.has(id));
    migrate.textContent = migrateLabel;
    const counts = { moved: moved.size, stayed, total: movable.length, version: version() };
    announce(say('some_stayed', counts), { error: true });
    verdict.textContent = say('outcome_verdict', counts);
    verdict.className = 'verdict no';
    movable = [];
    dryRun.disabled = false;
  });
}

announceKept();
const deploying = document.getElementById('deploy');
if (deploying) wireDeploying(deploying);
const migrating = document.getElementById('migrate');
if (migrating) wireMigrating(migrating);
ready();
