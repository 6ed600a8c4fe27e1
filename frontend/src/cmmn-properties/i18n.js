// The panel's words, in English and French, chosen by the page's <html lang>.

const FR = {
  Properties: 'Propriétés',
  'Select an element of the diagram to see its properties.':
    'Sélectionnez un élément du diagramme pour voir ses propriétés.',
  General: 'Général',
  Id: 'Identifiant',
  Name: 'Nom',
  Documentation: 'Documentation',
  Definition: 'Définition',
  'Item control': 'Contrôle de l’élément',
  'Default control (all items of this definition)':
    'Contrôle par défaut (tous les éléments de cette définition)',
  Required: 'Obligatoire',
  Repetition: 'Répétition',
  'Manual activation': 'Activation manuelle',
  Condition: 'Condition',
  'Required by default': 'Obligatoire par défaut',
  'Repetition by default': 'Répétition par défaut',
  'Manual activation by default': 'Activation manuelle par défaut',
  'Condition of {rule}': 'Condition de la règle {rule}',
  'No condition: the rule is true.': 'Sans condition, la règle est vraie.',
  'Inherited from the definition’s default control': 'Hérité du contrôle par défaut de la définition',
  'always true': 'toujours vraie',
  'Human task': 'Tâche humaine',
  Blocking: 'Bloquante',
  'A non-blocking task completes as soon as it starts.':
    'Une tâche non bloquante se termine dès son démarrage.',
  Performer: 'Exécutant',
  '(nobody in particular)': '(personne en particulier)',
  'New role': 'Nouveau rôle',
  'Add role': 'Ajouter le rôle',
  'Name of the new role': 'Nom du nouveau rôle',
  'Due date': 'Échéance',
  'A duration (P2D), a date (2026-03-01) or an expression.':
    'Une durée (P2D), une date (2026-03-01) ou une expression.',
  Sentry: 'Sentinelle',
  'If-part condition': 'Condition (if-part)',
  'Empty: the sentry waits for its on-parts only.':
    'Vide : la sentinelle n’attend que ses on-parts.',
  'On-parts': 'On-parts',
  'No on-part.': 'Aucun on-part.',
  Timer: 'Minuteur',
  'Timer expression': 'Expression du minuteur',
  'A duration (P2D), a date, a cycle (R3/PT1H) or an expression.':
    'Une durée (P2D), une date, un cycle (R3/PT1H) ou une expression.',
  'User event': 'Événement utilisateur',
  'Authorized roles': 'Rôles autorisés',
  Stage: 'Étape',
  'Complete automatically': 'Terminer automatiquement',
  'Completes once its required items are done.':
    'Se termine dès que ses éléments obligatoires sont faits.',
  Target: 'Cible',
  Process: 'Processus',
  '(no process)': '(aucun processus)',
  'BPMN process id (externalRef)': 'Id du processus BPMN (externalRef)',
  'New process': 'Nouveau processus',
  Case: 'Dossier',
  'Case id (caseRef)': 'Id du dossier (caseRef)',
  'Parameter mappings': 'Correspondances de paramètres',
  Transformation: 'Transformation',
  'Applicability rules': 'Règles d’applicabilité',
  Planning: 'Planification',
  'New applicability rule': 'Nouvelle règle d’applicabilité',
  'Name of the new rule': 'Nom de la nouvelle règle',
  'The case has no roles.': 'Le dossier n’a pas de rôles.',
  'Shared by every item of this definition.': 'Commun à tous les éléments de cette définition.',
  'No applicability rule: always applicable.': 'Aucune règle d’applicabilité : toujours applicable.',
  'Case file item': 'Élément du dossier',
  Multiplicity: 'Multiplicité',
  'JSON Schema (structureRef)': 'Schéma JSON (structureRef)',
  'Definition name': 'Nom de la définition',
  'Remove {thing}': 'Retirer {thing}',
  Source: 'Source',
  Event: 'Événement',
  'This value has line breaks or is too long.': 'Cette valeur contient des sauts de ligne ou est trop longue.',
  'A name is required.': 'Un nom est requis.',
  'This role already exists.': 'Ce rôle existe déjà.',
  'Write an ISO-8601 value or an expression.': 'Écrivez une valeur ISO-8601 ou une expression.',
};

const DICTIONARIES = { fr: FR };

/** The text of `key` in the page's language, with its {placeholders} filled in. */
export function t(key, values = {}) {
  const lang = (document.documentElement.lang || 'en').slice(0, 2).toLowerCase();
  const text = DICTIONARIES[lang]?.[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
}
