// A form generated from a task's JSON Schema: labelled fields with hints, checked in the browser
// with errors in words next to each field (the server checks the same schema again).
//
// Supported: an object of string (formats date, date-time, email), number, integer, boolean and
// enum properties, nested objects, arrays of primitives or of enum values; required, titles,
// descriptions, defaults, minimum/maximum, minLength/maxLength, pattern, minItems/maxItems; local
// `$ref`s; `["number", "null"]` types and `anyOf` with null (an optional field).

import { h, say } from './page.js';

let counter = 0;

/** The schema with local `$ref`s resolved against `root`. */
function resolve(schema, root) {
  let current = schema || {};
  for (let depth = 0; current.$ref && depth < 10; depth += 1) {
    const path = current.$ref.replace(/^#\/?/, '').split('/').filter(Boolean);
    const found = path.reduce((node, part) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], root);
    current = { ...found, ...Object.fromEntries(Object.entries(current).filter(([k]) => k !== '$ref')) };
  }
  const variants = current.anyOf || current.oneOf;
  if (Array.isArray(variants)) {
    const concrete = variants.map((v) => resolve(v, root)).filter((v) => v.type !== 'null');
    if (concrete.length === 1) return { ...concrete[0], ...withoutKeys(current, ['anyOf', 'oneOf']) };
  }
  return current;
}

function withoutKeys(object, keys) {
  return Object.fromEntries(Object.entries(object).filter(([k]) => !keys.includes(k)));
}

/** The schema's one type ("string", "object", ...), "enum" for a list of values. */
function kindOf(schema) {
  if (Array.isArray(schema.enum)) return 'enum';
  if (schema.const !== undefined) return 'enum';
  const types = [].concat(schema.type || []).filter((t) => t !== 'null');
  if (types.length) return types[0];
  if (schema.properties) return 'object';
  if (schema.items) return 'array';
  return 'string';
}

function labelOf(schema, name) {
  if (schema.title) return schema.title;
  const words = String(name).replace(/[_-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The problem with a primitive value, in words, or ''. */
function check(schema, kind, value) {
  if (value === undefined) return '';
  if (kind === 'number' || kind === 'integer') {
    if (Number.isNaN(value)) return say('error.number');
    if (kind === 'integer' && !Number.isInteger(value)) return say('error.integer');
    if (schema.minimum !== undefined && value < schema.minimum) return say('error.minimum', { limit: schema.minimum });
    if (schema.maximum !== undefined && value > schema.maximum) return say('error.maximum', { limit: schema.maximum });
  }
  if (kind === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) return say('error.minLength', { limit: schema.minLength });
    if (schema.maxLength !== undefined && value.length > schema.maxLength) return say('error.maxLength', { limit: schema.maxLength });
    if (schema.pattern) {
      try {
        if (!new RegExp(schema.pattern, 'u').test(value)) return say('error.pattern');
      } catch {
        // a pattern the browser cannot read: the server checks it
      }
    }
  }
  return '';
}

/** A field's wrapper: label, hint, control, error; `setError(text)` shows an error. */
function wrap(id, label, schema, required, control, { group = false } = {}) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const hint = schema.description ? h('p', { class: 'hint', id: hintId }, schema.description) : null;
  const error = h('p', { class: 'field-error', id: errorId, hidden: true });
  const mark = required ? h('span', { class: 'required' }, ` (${say('form.required')})`) : null;
  const described = [hint && hintId, errorId].filter(Boolean).join(' ');
  let element;
  if (group) {
    element = h('fieldset', { class: 'field group', 'aria-describedby': described },
      h('legend', {}, label, mark), hint, control, error);
  } else {
    for (const input of control.querySelectorAll?.('input, select, textarea') || []) {
      input.setAttribute('aria-describedby', described);
    }
    if (control.matches?.('input, select, textarea')) control.setAttribute('aria-describedby', described);
    element = h('div', { class: 'field' }, h('label', { for: id }, label, mark), hint, control, error);
  }
  return {
    element,
    setError(text) {
      error.textContent = text;
      error.hidden = !text;
      element.classList.toggle('invalid', Boolean(text));
      for (const input of element.querySelectorAll('input, select, textarea')) {
        if (text) input.setAttribute('aria-invalid', 'true');
        else input.removeAttribute('aria-invalid');
      }
    },
  };
}

/**
 * A field for `schema`; `read()` gives {value, errors} (errors: [{field, message}], value
 * undefined when left empty).
 */
function field(rawSchema, name, required, root) {
  const schema = resolve(rawSchema, root);
  const kind = kindOf(schema);
  const id = `f${(counter += 1)}`;
  const label = labelOf(schema, name);
  if (kind === 'object') return objectField(schema, label, required, root, id);
  if (kind === 'array') return arrayField(schema, label, required, root, id);
  if (kind === 'boolean') return booleanField(schema, label, id);
  const control = kind === 'enum' ? select(schema, id, required) : input(schema, kind, id, required);
  const wrapped = wrap(id, label, schema, required, control);
  return {
    element: wrapped.element,
    read() {
      const value = readValue(control, kind, schema);
      let message = '';
      if (value === undefined && required) message = say('error.required');
      else message = check(schema, kind, value);
      wrapped.setError(message);
      return { value, errors: message ? [{ field: control, message }] : [] };
    },
  };
}

function input(schema, kind, id, required) {
  const attributes = { id, name: id, required: required || undefined };
  if (kind === 'number' || kind === 'integer') {
    Object.assign(attributes, { type: 'text', inputmode: kind === 'integer' ? 'numeric' : 'decimal' });
  } else if (schema.format === 'date') {
    attributes.type = 'date';
  } else if (schema.format === 'date-time') {
    attributes.type = 'datetime-local';
  } else if (schema.format === 'email') {
    attributes.type = 'email';
  } else {
    attributes.type = 'text';
  }
  // Long text (a maximum length over 200 characters) gets a text area, the rest one line.
  const long = kind === 'string' && schema.maxLength > 200 && !schema.format;
  const control = long
    ? h('textarea', { id, name: id, rows: 3, required: required || undefined })
    : h('input', attributes);
  if (schema.default !== undefined && schema.default !== null) control.value = String(schema.default);
  return control;
}

function select(schema, id, required) {
  const values = schema.enum || [schema.const];
  const control = h('select', { id, name: id, required: required || undefined },
    h('option', { value: '' }, say('form.choose')));
  values.forEach((value, index) => {
    if (value === null) return;
    control.append(h('option', { value: String(index) }, String(value)));
  });
  if (schema.default !== undefined) {
    const index = values.indexOf(schema.default);
    if (index >= 0) control.value = String(index);
  }
  control.enumValues = values;
  return control;
}

function readValue(control, kind, schema) {
  const text = control.value.trim();
  if (kind === 'enum') return text === '' ? undefined : control.enumValues[Number(text)];
  if (text === '') return undefined;
  if (kind === 'number' || kind === 'integer') return Number(text.replace(',', '.'));
  if (schema.format === 'date-time') return new Date(text).toISOString();
  return control.value;
}

function booleanField(schema, label, id) {
  const box = h('input', { type: 'checkbox', id, name: id });
  if (schema.default === true) box.checked = true;
  const hintId = `${id}-hint`;
  if (schema.description) box.setAttribute('aria-describedby', hintId);
  const element = h('div', { class: 'field check' },
    h('label', { for: id }, box, ' ', label),
    schema.description ? h('p', { class: 'hint', id: hintId }, schema.description) : null);
  return { element, read: () => ({ value: box.checked, errors: [] }) };
}

function objectField(schema, label, required, root, id) {
  const body = h('div', { class: 'fields' });
  const children = fieldsOf(schema, root, body);
  const wrapped = wrap(id, label, schema, required, body, { group: true });
  return {
    element: wrapped.element,
    read() {
      const { value, errors } = readFields(children);
      const empty = Object.keys(value).length === 0;
      return { value: empty && !required ? undefined : value, errors };
    },
  };
}

function arrayField(schema, label, required, root, id) {
  const items = resolve(schema.items || {}, root);
  if (Array.isArray(items.enum)) return choicesField(schema, items, label, required, id);
  const list = h('ol', { class: 'array-items' });
  const rows = [];
  const add = h('button', { type: 'button', class: 'small' }, say('form.add'));
  function addRow() {
    const child = field(items, `${label} ${rows.length + 1}`, true, root);
    const remove = h('button', { type: 'button', class: 'small quiet' }, say('form.remove'));
    const row = h('li', {}, child.element, remove);
    const entry = { child, row };
    remove.setAttribute('aria-label', `${say('form.remove')}: ${label} ${rows.indexOf(entry) + 1}`);
    remove.addEventListener('click', () => {
      rows.splice(rows.indexOf(entry), 1);
      row.remove();
      add.focus();
    });
    rows.push(entry);
    list.append(row);
    row.querySelector('input, select, textarea')?.focus();
  }
  add.addEventListener('click', addRow);
  const body = h('div', {}, list, add);
  const wrapped = wrap(id, label, schema, required, body, { group: true });
  return {
    element: wrapped.element,
    read() {
      const values = [];
      const errors = [];
      for (const { child } of rows) {
        const found = child.read();
        errors.push(...found.errors);
        if (found.value !== undefined) values.push(found.value);
      }
      let message = '';
      if (required && values.length === 0) message = say('error.required');
      else if (schema.minItems && values.length < schema.minItems) message = say('error.minItems', { limit: schema.minItems });
      else if (schema.maxItems !== undefined && values.length > schema.maxItems) message = say('error.maxItems', { limit: schema.maxItems });
      wrapped.setError(message);
      if (message) errors.push({ field: add, message });
      return { value: values.length || required ? values : undefined, errors };
    },
  };
}

function choicesField(schema, items, label, required, id) {
  const boxes = items.enum.filter((v) => v !== null).map((value, index) => {
    const boxId = `${id}-${index}`;
    const box = h('input', { type: 'checkbox', id: boxId });
    box.enumValue = value;
    return { box, element: h('label', { for: boxId, class: 'choice' }, box, ' ', String(value)) };
  });
  const body = h('div', { class: 'choices' }, boxes.map((b) => b.element));
  const wrapped = wrap(id, label, schema, required, body, { group: true });
  return {
    element: wrapped.element,
    read() {
      const values = boxes.filter((b) => b.box.checked).map((b) => b.box.enumValue);
      let message = '';
      if ((required || schema.minItems) && values.length < Math.max(1, schema.minItems || 0)) {
        message = schema.minItems > 1 ? say('error.minItems', { limit: schema.minItems }) : say('error.required');
      }
      wrapped.setError(message);
      return { value: values, errors: message ? [{ field: boxes[0]?.box, message }] : [] };
    },
  };
}

function fieldsOf(schema, root, parent) {
  const required = new Set(schema.required || []);
  return Object.entries(schema.properties || {}).map(([name, property]) => {
    const child = field(property, name, required.has(name), root);
    parent.append(child.element);
    return { name, child };
  });
}

function readFields(children) {
  const value = {};
  const errors = [];
  for (const { name, child } of children) {
    const found = child.read();
    errors.push(...found.errors);
    if (found.value !== undefined) value[name] = found.value;
  }
  return { value, errors };
}

/**
 * A form for `schema` (an object schema) in `container`.
 *
 * @return {{read: () => {value: Object, errors: Array<{field: HTMLElement, message: string}>}}}
 */
export function buildForm(schema, container) {
  const root = schema || {};
  const top = resolve(root, root);
  const children = fieldsOf(top, root, container);
  return { read: () => readFields(children) };
}
