// Live updates: one Socket.IO connection per page, logged in by the session cookie.
//
// Events from the server (studio/web/live.py): `case` {case, changed, state, events} for the
// cases watched, `tasks` {changed} when the worklist may have changed, `simulation` progress.
// Watched cases are watched again after a reconnection (rooms do not survive one).

import { io } from 'socket.io-client';

/** @typedef {'connecting' | 'connected' | 'offline' | 'refused'} Status */

let shared = null;

/** The page's connection (opened on first use). */
export function live() {
  shared ??= connect();
  return shared;
}

/**
 * A connection to this origin's Socket.IO endpoint.
 *
 * @param {Object} [options]  socket.io-client options (tests pass `autoConnect: false`)
 */
export function connect(options = {}) {
  const socket = io({ transports: ['websocket', 'polling'], ...options });
  const watched = new Set();
  const statusListeners = new Set();
  /** @type {Status} */
  let status = 'connecting';

  function setStatus(next) {
    status = next;
    statusListeners.forEach((listener) => listener(next));
  }

  socket.on('connect', () => {
    setStatus('connected');
    watched.forEach((id) => socket.emit('watch', { case: id }));
  });
  socket.on('disconnect', () => setStatus('offline'));
  socket.on('connect_error', () => setStatus(socket.active ? 'offline' : 'refused'));

  return {
    socket,

    /** @return {Status} */
    get status() {
      return status;
    },

    /** Call `listener(status)` now and on each change; returns an unsubscribe function. */
    onStatus(listener) {
      statusListeners.add(listener);
      listener(status);
      return () => statusListeners.delete(listener);
    },

    /** Call `listener(data)` on each `event`; returns an unsubscribe function. */
    on(event, listener) {
      socket.on(event, listener);
      return () => socket.off(event, listener);
    },

    /** Follow a case's changes (`case` events); resolves with the server's answer. */
    watch(caseId) {
      watched.add(caseId);
      return socket.timeout(10_000).emitWithAck('watch', { case: caseId });
    },

    unwatch(caseId) {
      watched.delete(caseId);
      return socket.timeout(10_000).emitWithAck('unwatch', { case: caseId });
    },

    close() {
      socket.close();
      setStatus('offline');
    },
  };
}
