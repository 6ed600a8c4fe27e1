// Vendor attributes the engine reads (Flowable's or Camunda's namespace, any prefix), e.g.
// `flowable:dueDate`: found under whatever prefix the model declares, written under Flowable's
// (declared on the definitions when the model lacks it).

export const FLOWABLE = 'http://flowable.org/bpmn';
export const VENDORS = [FLOWABLE, 'http://camunda.org/schema/1.0/bpmn', 'http://activiti.org/bpmn'];

/** The root definitions of a business object. */
export function definitionsOf(bo) {
  let node = bo;
  while (node.$parent) node = node.$parent;
  return node;
}

/** Prefixes the definitions declare for the vendor namespaces, Flowable's first. */
function vendorPrefixes(definitions) {
  const found = [];
  for (const [name, uri] of Object.entries(definitions.$attrs || {})) {
    if (name.startsWith('xmlns:') && VENDORS.includes(uri)) found.push([VENDORS.indexOf(uri), name.slice(6)]);
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, prefix]) => prefix);
}

/** The qualified name (`prefix:local`) holding the attribute `local` on `bo`, if any. */
export function vendorKey(bo, local) {
  const attrs = bo.$attrs || {};
  return vendorPrefixes(definitionsOf(bo))
    .map((prefix) => `${prefix}:${local}`)
    .find((key) => key in attrs);
}

/** The value of the vendor attribute `local` on `bo` ('' when absent). */
export function vendorValue(bo, local) {
  const key = vendorKey(bo, local);
  return key ? bo.$attrs[key] || '' : '';
}

/** The qualified name to write `local` under: where it is, else Flowable's prefix (declared). */
export function writableKey(bo, local) {
  const existing = vendorKey(bo, local);
  if (existing) return existing;
  const definitions = definitionsOf(bo);
  const prefixes = Object.entries(definitions.$attrs || {})
    .filter(([name, uri]) => name.startsWith('xmlns:') && uri === FLOWABLE)
    .map(([name]) => name.slice(6));
  if (prefixes.length) return `${prefixes[0]}:${local}`;
  let prefix = 'flowable';
  for (let n = 2; `xmlns:${prefix}` in (definitions.$attrs || {}); n += 1) prefix = `flowable${n}`;
  definitions.$attrs[`xmlns:${prefix}`] = FLOWABLE;
  return `${prefix}:${local}`;
}
