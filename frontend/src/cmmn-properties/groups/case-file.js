// Placeholder.
export function caseFileGroup() {
  return null;
}
