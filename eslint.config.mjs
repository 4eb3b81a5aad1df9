// ESLint for the web UI (crates/server/ui, native ES modules in the browser) and its
// tests (node). Rules that catch real bugs, plus a ban on putting HTML strings into the
// page: data goes in as text (crates/server/ui/core/dom.js), and Leaflet tooltips and
// popups get DOM nodes, never strings built from data.

import js from '@eslint/js';
import globals from 'globals';

const noHtml = [
  { selector: "AssignmentExpression[left.property.name=/^(innerHTML|outerHTML)$/]", message: 'Do not set HTML: build nodes with h() / textContent.' },
  { selector: "CallExpression[callee.property.name='insertAdjacentHTML']", message: 'Do not insert HTML: build nodes with h() / textContent.' },
  { selector: "CallExpression[callee.object.name='document'][callee.property.name=/^write(ln)?$/]", message: 'No document.write.' },
  { selector: "CallExpression[callee.property.name=/^(bindTooltip|bindPopup|setContent|setTooltipContent|setPopupContent)$/][arguments.0.type=/^(Literal|TemplateLiteral|BinaryExpression|MemberExpression)$/]",
    message: 'Leaflet takes a string as HTML: pass a DOM node (lib/map.js textContent / textTooltip).' },
  { selector: "Property[key.name='html'][value.type=/^(Literal|TemplateLiteral|BinaryExpression|MemberExpression)$/]", message: 'Leaflet divIcon html: pass a DOM node, not a string.' }
];

const bugs = {
  'no-undef': 'error',
  'no-unused-vars': ['error', { args: 'after-used', caughtErrors: 'none' }],
  eqeqeq: ['error', 'always', { null: 'ignore' }],
  'no-implicit-globals': 'error',
  'no-restricted-syntax': ['error', ...noHtml],
  'no-restricted-properties': ['error',
    { property: 'innerHTML', message: 'Do not read or write HTML: use textContent.' },
    { property: 'outerHTML', message: 'Do not read or write HTML.' }]
};

export default [
  { ignores: ['node_modules/**', 'target/**', 'bench/**', 'docs/**'] },
  js.configs.recommended,
  {
    files: ['crates/server/ui/**/*.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.browser } },
    rules: bugs
  },
  {
    // node scripts; the browser tests also run functions inside the page (page.evaluate)
    files: ['crates/server/tests/**/*.mjs', 'crates/server/tests/**/*.js', 'eslint.config.mjs', 'scripts/**/*.mjs'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node, ...globals.browser } },
    rules: { ...bugs, 'no-restricted-syntax': 'off', 'no-restricted-properties': 'off' }
  }
];
