// cmmn-js in French. cmmn-js 0.20 has no `translate` service: its palette and context pad entries
// carry English titles. This module wraps their providers (before the palette is first drawn,
// on diagram.init) so that each entry's title is in French. Loaded only on a French page.

import { translator } from './translator.js';

const KINDS = {
  Task: 'une tâche',
  HumanTask: 'une tâche humaine',
  'expanded Stage': 'une étape dépliée',
  Stage: 'une étape',
  Milestone: 'un jalon',
  EventListener: 'un écouteur d’événement',
  Criterion: 'un critère',
  EntryCriterion: 'un critère d’entrée',
  ExitCriterion: 'un critère de sortie',
  CasePlanModel: 'un modèle de plan de dossier',
  'Case File Item': 'un élément du dossier',
  CaseFileItem: 'un élément du dossier',
  DiscretionaryItem: 'un élément discrétionnaire',
  TextAnnotation: 'une annotation',
};

export const FRENCH = {
  'Activate the hand tool': 'Activer l’outil main',
  'Activate the lasso tool': 'Activer l’outil lasso',
  'Activate the create/remove space tool': 'Activer l’outil d’ajout ou de retrait d’espace',
  'Activate the global connect tool': 'Activer l’outil de connexion',
  'Change type': 'Changer de type',
  Remove: 'Supprimer',
  'Connect using Discretionary/OnPart or Association':
    'Relier (élément discrétionnaire, on-part ou association)',
  'Auto Complete': 'Fin automatique',
  Blocking: 'Bloquante',
  'Manual Activation Rule': 'Règle d’activation manuelle',
  'Repetition Rule': 'Règle de répétition',
  'Required Rule': 'Règle d’obligation',
};

const translate = translator(FRENCH);

/** An entry's title in French: a known title, or "Create X" / "Append X" with X translated. */
export function frenchTitle(title) {
  if (typeof title !== 'string') return title;
  if (title in FRENCH) return translate(title);
  const found = /^(Create|Append) (.+)$/.exec(title);
  if (found && found[2] in KINDS) {
    return `${found[1] === 'Create' ? 'Créer' : 'Ajouter'} ${KINDS[found[2]]}`;
  }
  return title;
}

function inFrench(entries) {
  for (const entry of Object.values(entries || {})) {
    if (entry && entry.title) entry.title = frenchTitle(entry.title);
  }
  return entries;
}

function FrenchEntries(injector) {
  for (const [name, method] of [
    ['paletteProvider', 'getPaletteEntries'],
    ['contextPadProvider', 'getContextPadEntries'],
  ]) {
    const provider = injector.get(name, false);
    if (!provider || typeof provider[method] !== 'function') continue;
    const original = provider[method].bind(provider);
    provider[method] = (...args) => inFrench(original(...args));
  }
}

FrenchEntries.$inject = ['injector'];

export default {
  __init__: ['csFrenchEntries'],
  csFrenchEntries: ['type', FrenchEntries],
};
