/** Controls that only work with their page's script arrive `disabled data-needs-script`, so a
 * press before the script ran is never lost (nor a form submitted natively). */
export function enableScriptControls() {
  for (const control of document.querySelectorAll('[data-needs-script]')) control.disabled = false;
}
