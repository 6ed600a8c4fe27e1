// Keyboard and screen-reader access to bpmn-js-token-simulation's controls (0.39), without
// forking the library. Its on/off switch is a plain <div>: this module makes it a switch
// (role, state, name, Tab stop, Enter/Space). Its other controls are buttons named by their
// titles; this module adds the state they only show in colour: which speed is chosen, whether the
// simulation plays, whether the log is open. Names go through diagram-js's `translate`. And the
// text on each process instance's random colour is black or white, whichever is readable (WCAG AA).

const TOGGLE_MODE_EVENT = 'tokenSimulation.toggleMode';
const PLAY_EVENT = 'tokenSimulation.playSimulation';
const PAUSE_EVENT = 'tokenSimulation.pauseSimulation';
const RESET_EVENT = 'tokenSimulation.resetSimulation';
const SPEED_CHANGED_EVENT = 'tokenSimulation.animationSpeedChanged';
const SCOPE_CREATE_EVENT = 'tokenSimulation.simulator.createScope';

/** Just after the library colours a new scope (its ColoredScopes listens at 1500). */
const AFTER_THE_COLOURING = 1400;

/** After the library has drawn its controls on `diagram.init` (default priority 1000). */
const AFTER_THE_LIBRARY = 500;

/** The keys that flip a switch (`Spacebar`: older browsers' name of the space bar). */
const ACTIVATING_KEYS = new Set(['Enter', ' ', 'Spacebar']);

/**
 * @param {import('diagram-js/lib/core/EventBus').default} eventBus
 * @param {import('diagram-js/lib/core/Canvas').default} canvas
 * @param {import('didi').Injector} injector  holds the library's services: `toggleMode`, and
 *   `pauseSimulation` and `log` with their palette buttons (`paletteEntry`)
 * @param {(template: string) => string} translate
 */
function TokenSimulationAccess(eventBus, canvas, injector, translate) {
  eventBus.on(SCOPE_CREATE_EVENT, AFTER_THE_COLOURING, ({ scope }) => {
    const text = scope.colors && readableTextOn(scope.colors.primary);
    if (text) scope.colors.auxiliary = text;
  });
  eventBus.on('diagram.init', AFTER_THE_LIBRARY, () => {
    const container = canvas.getContainer();
    const toggle = container.querySelector('.bts-toggle-mode');
    if (toggle) makeSwitch(toggle, eventBus, injector.get('toggleMode'), translate);
    const speed = container.querySelector('.bts-set-animation-speed');
    if (speed) makeSpeedGroup(speed, eventBus, translate);
    const playPause = injector.get('pauseSimulation', false)?.paletteEntry;
    if (playPause) reflectPlaying(playPause, eventBus);
    const log = container.querySelector('.bts-log');
    const logToggle = injector.get('log', false)?.paletteEntry;
    if (log && logToggle) reflectLogShown(log, logToggle);
  });
}

TokenSimulationAccess.$inject = ['eventBus', 'canvas', 'injector', 'translate'];

/**
 * The library's on/off <div> as a switch: a Tab stop named "Token Simulation", toggled by Enter
 * or Space as by a click, whose state follows the mode however it changes (mouse, the `t` key,
 * a new import).
 *
 * @param {HTMLElement} toggle
 * @param {import('diagram-js/lib/core/EventBus').default} eventBus
 * @param {{ toggleMode: () => void }} toggleMode  the library's service
 * @param {(template: string) => string} translate
 */
function makeSwitch(toggle, eventBus, toggleMode, translate) {
  toggle.setAttribute('role', 'switch');
  toggle.setAttribute('tabindex', '0');
  toggle.setAttribute('aria-checked', 'false');
  toggle.setAttribute('aria-label', translate('Token Simulation'));
  toggle.addEventListener('keydown', (event) => {
    if (!ACTIVATING_KEYS.has(event.key)) return;
    event.preventDefault(); // Space would scroll the page
    if (!event.repeat) toggleMode.toggleMode();
  });
  eventBus.on(TOGGLE_MODE_EVENT, ({ active }) => {
    toggle.setAttribute('aria-checked', String(active));
  });
}

/** The speed buttons as a named group, the chosen one pressed (the library only colours it). */
function makeSpeedGroup(speed, eventBus, translate) {
  speed.setAttribute('role', 'group');
  speed.setAttribute('aria-label', translate('Animation speed'));
  const markChosen = () => {
    for (const button of speed.querySelectorAll('[data-speed]')) {
      button.setAttribute('aria-pressed', String(button.classList.contains('active')));
    }
  };
  markChosen();
  eventBus.on(SPEED_CHANGED_EVENT, markChosen);
}

/** The play/pause button is pressed while the simulation plays. */
function reflectPlaying(playPause, eventBus) {
  const pressed = (playing) => () => playPause.setAttribute('aria-pressed', String(playing));
  pressed(false)();
  eventBus.on(PLAY_EVENT, pressed(true));
  eventBus.on([PAUSE_EVENT, RESET_EVENT, TOGGLE_MODE_EVENT], pressed(false));
}

/** The log's palette button says whether the log is open, as the log shows and hides. */
function reflectLogShown(log, logToggle) {
  const reflect = () =>
    logToggle.setAttribute('aria-expanded', String(!log.classList.contains('hidden')));
  reflect();
  new MutationObserver(reflect).observe(log, { attributes: true, attributeFilter: ['class'] });
}

/**
 * Black or white, whichever contrasts more with a background colour: at least 4.58:1 whatever
 * the colour (the library picks by perceived brightness, which leaves white on mid tones).
 *
 * @param {string} background  `#rrggbb`
 * @return {string | null}  null for a colour in another notation
 */
export function readableTextOn(background) {
  const hex = /^#([0-9a-f]{6})$/i.exec(background);
  if (!hex) return null;
  const channels = [0, 2, 4].map((at) => parseInt(hex[1].slice(at, at + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const againstWhite = 1.05 / (luminance + 0.05);
  const againstBlack = (luminance + 0.05) / 0.05;
  return againstBlack >= againstWhite ? '#000000' : '#ffffff';
}

export default {
  __init__: ['csTokenSimulationAccess'],
  csTokenSimulationAccess: ['type', TokenSimulationAccess],
};
