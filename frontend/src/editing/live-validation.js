// Live validation: after each change (debounced) the unsaved model goes to the server's
// validator; only the newest answer is shown (an older one arriving late is dropped).

/**
 * @param {Object} options
 * @param {() => Promise<Object>} options.check  validate the current state (the API's report)
 * @param {(report: Object) => void} options.show
 * @param {(error: Error) => void} options.fail
 * @param {() => void} [options.started]
 * @param {number} [options.delay]  milliseconds of quiet before checking
 * @return {{schedule: () => void, now: () => Promise<void>}}
 */
export function liveValidation({ check, show, fail, started = () => {}, delay = 300 }) {
  let timer = null;
  let latest = 0;

  async function now() {
    clearTimeout(timer);
    timer = null;
    const ticket = ++latest;
    started();
    try {
      const report = await check();
      if (ticket === latest) show(report);
    } catch (error) {
      if (ticket === latest) fail(error);
    }
  }

  return {
    schedule() {
      clearTimeout(timer);
      timer = setTimeout(now, delay);
    },
    now,
  };
}
