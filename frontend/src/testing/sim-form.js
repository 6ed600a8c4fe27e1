// The simulation form: a *.sim.json's main settings as fields (cases, seed, start, arrivals,
// people per role, work durations), everything else as JSON; and back to one document.

export const DISTRIBUTIONS = ['fixed', 'exponential', 'uniform', 'normal', 'lognormal', 'triangular', 'gamma', 'empirical'];

/** The field holding a distribution's "typical" value (`mean`, or `value` for fixed). */
function meanKey(distribution) {
  if (distribution === 'fixed') return 'value';
  if (distribution === 'triangular') return 'mode';
  return 'mean';
}

function text(value) {
  return value === undefined || value === null ? '' : String(value);
}

/** A duration as typed: ISO-8601 text, or a number of seconds. */
function duration(value) {
  const trimmed = value.trim();
  return /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
}

function cell(content) {
  const td = document.createElement('td');
  td.append(content);
  return td;
}

/** Fill a select with the distributions, named in the page's language; `chosen` selected. */
function distributionOptions(select, say, chosen) {
  for (const name of DISTRIBUTIONS) {
    const option = document.createElement('option');
    option.value = name;
    option.textContent = say(`distribution.${name}`);
    option.selected = name === chosen;
    select.append(option);
  }
  return select;
}

/**
 * Bind the form's fields.
 *
 * @param {Object<string, HTMLElement>} f  cases, seed, start, arrivalDistribution, arrivalMean,
 *   resources (table), work (table), advanced (textarea)
 * @param {(key: string, values?: Object) => string} say  the page's words (page-kit's messages)
 */
export function simForm(f, say) {
  distributionOptions(f.arrivalDistribution, say);

  return {
    /** Show a sim document in the form. */
    fill(doc) {
      const rest = structuredClone(doc);
      f.cases.value = text(doc.cases);
      f.seed.value = text(doc.seed);
      f.start.value = text(doc.start);
      const interval = doc.arrivals?.interval || {};
      f.arrivalDistribution.value = interval.distribution || 'exponential';
      f.arrivalMean.value = text(interval[meanKey(interval.distribution)]);
      delete rest.cases;
      delete rest.seed;
      delete rest.start;
      if (rest.arrivals?.interval) {
        delete rest.arrivals.interval.distribution;
        delete rest.arrivals.interval[meanKey(interval.distribution)];
      }
      const resources = f.resources.querySelector('tbody');
      resources.replaceChildren();
      for (const [role, resource] of Object.entries(doc.resources || {})) {
        const row = document.createElement('tr');
        row.dataset.role = role;
        const name = document.createElement('th');
        name.scope = 'row';
        name.textContent = role;
        const count = document.createElement('input');
        count.type = 'number';
        count.min = '0';
        count.step = '1';
        count.value = text(resource.count ?? 1);
        count.setAttribute('aria-label', say('peopleOf', { role }));
        row.append(name, cell(count));
        resources.append(row);
        delete rest.resources[role].count;
      }
      f.resources.hidden = !resources.children.length;
      const work = f.work.querySelector('tbody');
      work.replaceChildren();
      for (const [activity, spec] of Object.entries(doc.work || {})) {
        const shape = spec.duration;
        if (!shape || typeof shape !== 'object') continue;
        const row = document.createElement('tr');
        row.dataset.activity = activity;
        const name = document.createElement('th');
        name.scope = 'row';
        name.textContent = activity;
        const select = distributionOptions(document.createElement('select'), say, shape.distribution);
        select.setAttribute('aria-label', say('distributionOf', { activity }));
        const mean = document.createElement('input');
        mean.type = 'text';
        mean.value = text(shape[meanKey(shape.distribution)]);
        mean.setAttribute('aria-label', say('meanOf', { activity }));
        row.append(name, cell(select), cell(mean));
        work.append(row);
        delete rest.work[activity].duration.distribution;
        delete rest.work[activity].duration[meanKey(shape.distribution)];
      }
      f.work.hidden = !work.children.length;
      f.advanced.value = JSON.stringify(rest, null, 2);
    },

    /**
     * The document the form describes: the advanced JSON with the fields laid over it. Throws
     * an Error naming the problem (`field` set for a field, `json` for the advanced settings).
     */
    read() {
      let doc;
      try {
        doc = JSON.parse(f.advanced.value || '{}');
      } catch (error) {
        throw Object.assign(new Error(error.message), { json: true });
      }
      if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
        throw Object.assign(new Error('not an object'), { json: true, notObject: true });
      }
      const cases = f.cases.value.trim();
      if (cases) {
        if (!/^\d+$/.test(cases) || Number(cases) < 1) throw Object.assign(new Error('cases'), { field: f.cases });
        doc.cases = Number(cases);
      }
      const seed = f.seed.value.trim();
      if (seed) {
        if (!/^\d+$/.test(seed)) throw Object.assign(new Error('seed'), { field: f.seed });
        doc.seed = Number(seed);
      }
      if (f.start.value.trim()) doc.start = f.start.value.trim();
      if (f.arrivalMean.value.trim()) {
        doc.arrivals ??= {};
        doc.arrivals.interval ??= {};
        const distribution = f.arrivalDistribution.value;
        doc.arrivals.interval.distribution = distribution;
        doc.arrivals.interval[meanKey(distribution)] = duration(f.arrivalMean.value);
      }
      for (const row of f.resources.querySelectorAll('tbody tr')) {
        const input = row.querySelector('input');
        if (!/^\d+$/.test(input.value.trim())) throw Object.assign(new Error('count'), { field: input });
        doc.resources ??= {};
        doc.resources[row.dataset.role] ??= {};
        doc.resources[row.dataset.role].count = Number(input.value);
      }
      for (const row of f.work.querySelectorAll('tbody tr')) {
        const distribution = row.querySelector('select').value;
        const mean = row.querySelector('input').value;
        doc.work ??= {};
        doc.work[row.dataset.activity] ??= {};
        const shape = (doc.work[row.dataset.activity].duration ??= {});
        shape.distribution = distribution;
        if (mean.trim()) shape[meanKey(distribution)] = duration(mean);
      }
      return doc;
    },
  };
}
