// bpmn-js in French: a `translate` service for the palette, the context pad, the properties
// panel (the groups and entries of bpmn-js-properties-panel people see most, and our Execution
// group), bpmnlint's button and popups, and token simulation's controls. Loaded by the BPMN
// editor only on a French page.

import { translator } from './translator.js';

const PALETTE = {
  'Activate hand tool': 'Activer l’outil main',
  'Activate lasso tool': 'Activer l’outil lasso',
  'Activate create/remove space tool': 'Activer l’outil d’ajout ou de retrait d’espace',
  'Activate global connect tool': 'Activer l’outil de connexion',
  'Create start event': 'Créer un événement de début',
  'Create intermediate/boundary event': 'Créer un événement intermédiaire ou de bordure',
  'Create end event': 'Créer un événement de fin',
  'Create gateway': 'Créer une passerelle',
  'Create task': 'Créer une tâche',
  'Create data object reference': 'Créer une référence d’objet de données',
  'Create data store reference': 'Créer une référence de stockage de données',
  'Create expanded sub-process': 'Créer un sous-processus déplié',
  'Create pool/participant': 'Créer un bassin (participant)',
  'Create group': 'Créer un groupe',
};

const CONTEXT_PAD = {
  'Append end event': 'Ajouter un événement de fin',
  'Append gateway': 'Ajouter une passerelle',
  'Append task': 'Ajouter une tâche',
  'Append intermediate/boundary event': 'Ajouter un événement intermédiaire',
  'Append message intermediate catch event': 'Ajouter un événement intermédiaire de message',
  'Append timer intermediate catch event': 'Ajouter un événement intermédiaire de minuterie',
  'Append conditional intermediate catch event': 'Ajouter un événement intermédiaire conditionnel',
  'Append signal intermediate catch event': 'Ajouter un événement intermédiaire de signal',
  'Append receive task': 'Ajouter une tâche de réception',
  'Append compensation activity': 'Ajouter une activité de compensation',
  'Add text annotation': 'Ajouter une annotation',
  'Add lane above': 'Ajouter un couloir au-dessus',
  'Add lane below': 'Ajouter un couloir en dessous',
  'Divide into two lanes': 'Diviser en deux couloirs',
  'Divide into three lanes': 'Diviser en trois couloirs',
  'Change element': 'Changer d’élément',
  'Connect to other element': 'Relier à un autre élément',
  'Connect using association': 'Relier par une association',
  'Connect using data input association': 'Relier par une association de données',
  Delete: 'Supprimer',
};

const PANEL = {
  'Select an element to edit its properties.':
    'Sélectionnez un élément pour modifier ses propriétés.',
  'Multiple elements are selected. Select a single element to edit its properties.':
    'Plusieurs éléments sont sélectionnés. Sélectionnez-en un seul pour modifier ses propriétés.',
  Properties: 'Propriétés',
  General: 'Général',
  Name: 'Nom',
  ID: 'Identifiant',
  Documentation: 'Documentation',
  'Element documentation': 'Documentation de l’élément',
  'Process documentation': 'Documentation du processus',
  Executable: 'Exécutable',
  'Process name': 'Nom du processus',
  'Process ID': 'Identifiant du processus',
  'Participant Name': 'Nom du participant',
  Condition: 'Condition',
  'Condition expression': 'Expression de condition',
  'Multi-instance': 'Multi-instance',
  'Loop cardinality': 'Nombre d’itérations',
  'Completion condition': 'Condition de fin',
  Collection: 'Collection',
  'Element variable': 'Variable d’élément',
  Timer: 'Minuterie',
  Type: 'Type',
  Value: 'Valeur',
  Message: 'Message',
  Signal: 'Signal',
  Error: 'Erreur',
  Escalation: 'Escalade',
  Link: 'Lien',
  Compensation: 'Compensation',
  'Global message reference': 'Référence de message globale',
  'Global signal reference': 'Référence de signal globale',
  'Global error reference': 'Référence d’erreur globale',
  'Create new ...': 'Créer…',
  '<none>': '<aucun>',
  Script: 'Script',
  Format: 'Format',
  'ID must be unique.': 'L’identifiant doit être unique.',
  'ID must not be empty.': 'L’identifiant ne doit pas être vide.',
  'ID must not contain spaces.': 'L’identifiant ne doit pas contenir d’espaces.',
  // the header's element kinds
  Process: 'Processus',
  Collaboration: 'Collaboration',
  Participant: 'Participant',
  Lane: 'Couloir',
  Task: 'Tâche',
  'User Task': 'Tâche utilisateur',
  'Manual Task': 'Tâche manuelle',
  'Service Task': 'Tâche de service',
  'Script Task': 'Tâche de script',
  'Business Rule Task': 'Tâche de règle métier',
  'Send Task': 'Tâche d’envoi',
  'Receive Task': 'Tâche de réception',
  'Call Activity': 'Activité d’appel',
  'Sub Process': 'Sous-processus',
  'Start Event': 'Événement de début',
  'End Event': 'Événement de fin',
  'Intermediate Catch Event': 'Événement intermédiaire de réception',
  'Intermediate Throw Event': 'Événement intermédiaire d’émission',
  'Boundary Event': 'Événement de bordure',
  'Timer Start Event': 'Événement de début de minuterie',
  'Message Start Event': 'Événement de début de message',
  'Timer Intermediate Catch Event': 'Événement intermédiaire de minuterie',
  'Message Intermediate Catch Event': 'Événement intermédiaire de message',
  'Timer Boundary Event': 'Événement de bordure de minuterie',
  'Message Boundary Event': 'Événement de bordure de message',
  'Exclusive Gateway': 'Passerelle exclusive',
  'Parallel Gateway': 'Passerelle parallèle',
  'Inclusive Gateway': 'Passerelle inclusive',
  'Event Based Gateway': 'Passerelle à base d’événements',
  'Sequence Flow': 'Flux de séquence',
  'Message Flow': 'Flux de message',
  'Text Annotation': 'Annotation',
};

/** bpmnlint's button and issue popups; its rules' messages stay in English. */
const LINTING = {
  'Toggle linting overlays': 'Afficher ou masquer les marques de vérification',
  'Issues for child elements': 'Problèmes des éléments enfants',
  'No Issues': 'Aucun problème',
  '{errors} Errors, {warnings} Warnings': ({ errors, warnings }) =>
    `${count(errors, 'erreur')}, ${count(warnings, 'avertissement')}`,
};

/** "0 erreur", "1 erreur", "2 erreurs": French puts 0 and 1 in the singular. */
function count(number, noun) {
  return `${number} ${Number(number) > 1 ? `${noun}s` : noun}`;
}

/** Token simulation's labels (re-labelled by ./token-simulation-labels.js; the speed group's
 * name is given by ../editing/token-simulation-access.js). */
const TOKEN_SIMULATION = {
  'Token Simulation': 'Simulation de jetons',
  'Toggle token simulation': 'Activer ou désactiver la simulation de jetons',
  'Play/Pause Simulation': 'Lancer ou suspendre la simulation',
  'Play Simulation': 'Simulation lancée',
  'Pause Simulation': 'Simulation suspendue',
  'Reset Simulation': 'Réinitialiser la simulation',
  'Toggle Simulation Log': 'Afficher ou masquer le journal de simulation',
  'Simulation Log': 'Journal de simulation',
  Close: 'Fermer',
  'No Entries': 'Aucune entrée',
  'Set animation speed = Slow': 'Vitesse d’animation : lente',
  'Set animation speed = Normal': 'Vitesse d’animation : normale',
  'Set animation speed = Fast': 'Vitesse d’animation : rapide',
  'Animation speed': 'Vitesse d’animation',
  'Found unsupported elements': 'Des éléments ne sont pas pris en charge',
  'Not supported': 'Non pris en charge',
  Finished: 'Terminé',
  'Set Sequence Flow': 'Choisir ce flux de séquence',
  'Add pause point': 'Ajouter un point de pause',
  'Remove pause point': 'Retirer le point de pause',
  'Trigger Event': 'Déclencher l’événement',
  SubProcess: 'Sous-processus',
  'Intermediate Event': 'Événement intermédiaire',
  '{scope} started': 'Début : {scope}',
  '{scope} finished': 'Fin : {scope}',
  '{scope} canceled': 'Annulation : {scope}',
  'Focus process instance {id}': 'Isoler l’instance de processus {id}',
};

const EXECUTION = {
  Execution: 'Exécution',
  'The default flow: taken when no other condition holds.':
    'Le flux par défaut : pris quand aucune autre condition n’est vraie.',
  'An expression on the variables, e.g. amount > 1000 and status == "open".':
    'Une expression sur les variables, par ex. amount > 1000 and status == "open".',
  'One assignment per line: name = expression.': 'Une affectation par ligne : nom = expression.',
  'Service handler': 'Gestionnaire de service',
  'Installed on the server: {services}.': 'Installés sur le serveur : {services}.',
  'The name of a service handler installed on the server (studio.services); none is installed yet.':
    'Le nom d’un gestionnaire de service installé sur le serveur (studio.services) ; aucun n’est encore installé.',
  Decision: 'Décision',
  'The id or name of a DMN decision of the project.':
    'L’identifiant ou le nom d’une décision DMN du projet.',
  'Called process': 'Processus appelé',
  'The id of a process of the project.': 'L’identifiant d’un processus du projet.',
  'Due date': 'Échéance',
  'A duration from activation (P2D), a date (2026-03-01T17:00:00Z) or an expression (invoice.due_date).':
    'Une durée depuis l’activation (P2D), une date (2026-03-01T17:00:00Z) ou une expression (invoice.due_date).',
  'Correlation key': 'Clé de corrélation',
  'Optional: an expression on the variables that a message must match.':
    'Facultatif : une expression sur les variables à laquelle un message doit correspondre.',
  'Message name': 'Nom du message',
  'The message this task sends (receivers wait for the same name).':
    'Le message que cette tâche envoie (les destinataires attendent le même nom).',
};

export const FRENCH = {
  ...PALETTE,
  ...CONTEXT_PAD,
  ...PANEL,
  ...EXECUTION,
  ...LINTING,
  ...TOKEN_SIMULATION,
};

export default { translate: ['value', translator(FRENCH)] };
