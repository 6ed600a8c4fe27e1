// Placeholder.
export function applicabilityGroup() {
  return null;
}
