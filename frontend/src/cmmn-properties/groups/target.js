// Placeholder.
export function targetGroup() {
  return null;
}
