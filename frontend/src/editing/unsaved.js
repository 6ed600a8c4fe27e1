// The unsaved-changes guard: the browser's warning when the page is closed or reloaded, and a
// confirmation in the page's words when one of its links is followed.

/**
 * @param {() => boolean} dirty  whether there are unsaved changes
 * @param {string} question  the confirmation asked before following a link
 */
export function guardUnsaved(dirty, question) {
  let leaving = false;
  window.addEventListener('beforeunload', (event) => {
    if (dirty() && !leaving) {
      event.preventDefault();
      event.returnValue = '';
    }
  });
  document.addEventListener('click', (event) => {
    const link = event.target.closest?.('a[href]');
    if (!link || link.hasAttribute('download') || link.target === '_blank') return;
    if (event.defaultPrevented || !dirty()) return;
    if (window.confirm(question)) {
      leaving = true;
    } else {
      event.preventDefault();
    }
  });
  document.addEventListener('submit', (event) => {
    if (dirty() && event.target.method?.toLowerCase() === 'post' && !event.defaultPrevented) {
      if (window.confirm(question)) leaving = true;
      else event.preventDefault();
    }
  });
}

/** Offer `text` as a file named `name` (a download). */
export function download(text, name) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([text], { type: 'application/xml' }));
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 0);
}
