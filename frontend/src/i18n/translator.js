// A diagram-js `translate` function for one dictionary: the template's translation (the
// template itself when the dictionary has none), with its {placeholders} filled in. A translation
// may be a function of the replacements, for what depends on them (plurals).

/**
 * @param {Object<string, string | ((replacements: Object<string, *>) => string)>} dictionary
 *   English template -> translation
 * @return {(template: string, replacements?: Object<string, *>) => string}
 */
export function translator(dictionary) {
  return (template, replacements = {}) => {
    const translation = Object.hasOwn(dictionary, template) ? dictionary[template] : template;
    const text = typeof translation === 'function' ? translation(replacements) : translation;
    return text.replace(/\{([^}]+)\}/g, (whole, key) =>
      key in replacements ? String(replacements[key]) : whole,
    );
  };
}

/** Whether the page is in French (its <html lang>). */
export function pageIsFrench() {
  return (document.documentElement.lang || '').toLowerCase().startsWith('fr');
}
