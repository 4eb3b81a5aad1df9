// DOM helpers. Text from the API or from files goes in as text nodes only: `h` has no
// way to set HTML, and lint forbids innerHTML / insertAdjacentHTML (eslint.config.js).

import { t } from '../i18n/index.js';
import { errorText } from './errors.js';

/**
 * h('p', {class: 'x', 'data-testid': 'y', onclick: fn}, ['text', child]) → element.
 * Attributes null / undefined / false are left out, true sets an empty attribute;
 * `text` sets textContent, `value` the control's value (after its children).
 */
export function h(tag, attrs, children) {
  const e = document.createElement(tag);
  let value;
  if (attrs) {
    Object.keys(attrs).forEach((k) => {
      const v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k === 'value') value = v;
      else if (k.slice(0, 2) === 'on' && typeof v === 'function') e.addEventListener(k.slice(2), v);
      else if (v === true) e.setAttribute(k, '');
      else e.setAttribute(k, String(v));
    });
  }
  append(e, children);
  if (value !== undefined) e.value = value;
  return e;
}

/** Append children (nested arrays flattened; strings and numbers as text nodes). */
export function append(e, children) {
  if (children === null || children === undefined || children === false) return;
  if (!Array.isArray(children)) children = [children];
  children.forEach((c) => {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) append(e, c);
    else if (typeof c === 'string' || typeof c === 'number') e.appendChild(document.createTextNode(String(c)));
    else e.appendChild(c);
  });
}

/** A text-only element for Leaflet tooltips and popups (never an HTML string). */
export function textNode(s, tag) {
  const e = document.createElement(tag || 'span');
  e.textContent = s === null || s === undefined ? '' : String(s);
  return e;
}

export function $(sel, root) { return (root || document).querySelector(sel); }

export function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }

export function syntheticBadge() {
  return h('span', { 'class': 'badge badge-synthetic', 'data-testid': 'synthetic-label', title: t('common.syntheticLong') }, t('common.synthetic'));
}

export function restrictedBadge() {
  return h('span', { 'class': 'badge badge-restricted' }, t('incident.restricted'));
}

/** A labelled form field; `data-field` names it (and its aliases) for server errors. */
export function field(name, labelKey, control, opts) {
  opts = opts || {};
  const id = control.id;
  return h('div', { 'class': 'field' + (opts.cls ? ' ' + opts.cls : ''), 'data-field': opts.aliases ? name + ' ' + opts.aliases : name }, [
    h('label', { 'for': id }, [t(labelKey), opts.required ? h('span', { 'class': 'req', 'aria-hidden': 'true' }, ' *') : null,
      opts.optional ? h('span', { 'class': 'muted' }, ' (' + t('common.optional') + ')') : null]),
    opts.hint ? h('p', { 'class': 'hint', id: id + '-hint' }, opts.hint) : null,
    control,
    h('p', { 'class': 'field-error', id: id + '-error', role: 'alert', 'data-testid': 'error-' + name, hidden: true })
  ]);
}

/**
 * A form's request failed: a 422 shows under the field it names (and, with `fixKey`,
 * a line above asking to fix it); anything else shows in `err`.
 */
export function formFailed(form, err, e, fixKey, fieldName) {
  if (e.status === 422 && showFieldError(form, fieldName || e.field, errorText(e))) {
    if (!fixKey) return;
    err.textContent = t(fixKey);
  } else {
    err.textContent = errorText(e);
  }
  err.hidden = false;
}

export function clearErrors(form) {
  form.querySelectorAll('.field-error').forEach((e) => { e.hidden = true; e.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
  form.querySelectorAll('.field.invalid').forEach((e) => e.classList.remove('invalid'));
}

/**
 * Show an error next to the field the server named (422 {error, field}); false when no
 * such field is on the form.
 */
export function showFieldError(form, fieldName, msg) {
  if (!fieldName) return false;
  const name = String(fieldName);
  let wrap = form.querySelector('[data-field~="' + name.replace(/"/g, '') + '"]');
  if (!wrap && name.indexOf('.') > 0) wrap = form.querySelector('[data-field~="' + name.split('.').pop().replace(/"/g, '') + '"]');
  if (!wrap) return false;
  wrap.classList.add('invalid');
  const err = wrap.querySelector('.field-error');
  err.textContent = msg;
  err.hidden = false;
  const ctl = wrap.querySelector('input, select, textarea');
  if (ctl) {
    ctl.setAttribute('aria-invalid', 'true');
    ctl.setAttribute('aria-describedby', err.id);
    ctl.focus();
  }
  wrap.scrollIntoView({ block: 'center' });
  return true;
}

/** The error paragraph a page shows when loading failed (404 / 403 / other). */
export function loadError(e) {
  return h('p', { 'class': 'form-error' }, e.status === 404 ? t('common.notFound') : e.status === 403 ? t('common.forbidden') : errorText(e));
}
