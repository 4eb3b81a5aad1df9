// Server errors in the user's language (crates/server/ui/core/errors.js): the code
// picks the sentence, the field's label names the field, the server's text is the detail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../ui/core/api.js';
import { errorText, fieldLabel } from '../../ui/core/errors.js';
import { setLang } from '../../ui/i18n/index.js';

const future = () => new ApiError(422, { error: 'occurred_at: is in the future', field: 'occurred_at', code: 'in_future', params: null });
const tooLong = () => new ApiError(422, { error: 'restricted.description: is longer than 5000 characters', field: 'restricted.description', code: 'too_long', params: { max: 5000 } });

test('a coded field error reads in French with the field label and the limit', () => {
  setLang('fr');
  assert.equal(errorText(tooLong()), 'Description : 5000 caractères au plus.');
  assert.match(errorText(future()), /postérieur à l’heure du serveur/);
  assert.doesNotMatch(errorText(future()), /is in the future/);
});

test('the same errors in English', () => {
  setLang('en');
  assert.equal(errorText(tooLong()), 'Description: at most 5000 characters.');
  assert.equal(fieldLabel('restricted.description'), 'Description');
  assert.equal(fieldLabel('no_such_field'), 'no_such_field');
});

test('a domain error keeps the server text as the detail, without repeating the field', () => {
  setLang('fr');
  const e = new ApiError(409, { error: 'report 7 was already merged', field: null, code: 'conflict', params: null });
  assert.equal(errorText(e), 'Modifié entre-temps ou plus possible (détail : report 7 was already merged)');
  const inv = new ApiError(422, { error: 'category: unknown code `xyz`', field: 'category', code: 'invalid' });
  assert.equal(errorText(inv), 'Catégorie : valeur refusée par le serveur (détail : unknown code `xyz`)');
});

test('an error without a code (a network failure) shows its message', () => {
  setLang('en');
  assert.equal(errorText(new TypeError('Failed to fetch')), 'Something went wrong: Failed to fetch');
  const old = new ApiError(500, 'gateway timeout');
  assert.equal(errorText(old), 'Something went wrong: gateway timeout');
});
