// Placeholder.
export function userEventGroup() {
  return null;
}
