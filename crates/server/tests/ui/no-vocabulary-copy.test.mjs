// The vocabulary is defined once, on the server: the web UI must hold no copy of its
// codes or labels (no category or role lists, no role arrays, no label tables for
// categories, roles, statuses or grading). Fails when someone types them back in.
// The codes to look for are read from the Rust definition (vigil_model::vocab), so
// that this test follows it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../../../..');
const UI = path.join(ROOT, 'crates/server/ui');

function walk(dir, ext) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return walk(p, ext);
    return p.endsWith(ext) ? [p] : [];
  });
}

const MODEL_VOCAB = path.join(ROOT, 'crates/model/src/vocab.rs');

/** The codes of one `pub const NAME: &[Term] = &[term("code", "en", "fr"), …];` list. */
function termCodes(src, name) {
  const m = src.match(new RegExp(`pub const ${name}: &\\[Term\\] = &\\[([\\s\\S]*?)\\];`));
  return m ? [...m[1].matchAll(/term\(\s*"([^"]+)"/g)].map((x) => x[1]) : [];
}

/** Category and role codes, as the model defines them (crates/model/src/vocab.rs). */
function serverCodes() {
  const src = fs.existsSync(MODEL_VOCAB) ? fs.readFileSync(MODEL_VOCAB, 'utf8') : '';
  return { categories: new Set(termCodes(src, 'CATEGORIES')), roles: new Set(termCodes(src, 'ROLES')) };
}

const uiFiles = walk(UI, '.js');

test('the test finds the UI and the server\'s codes (it cannot pass by finding nothing)', () => {
  const { categories, roles } = serverCodes();
  assert.ok(uiFiles.length >= 10, `UI modules found: ${uiFiles.length}`);
  assert.ok(categories.has('ied') && categories.has('attack_on_civilians') && categories.size >= 8, `categories read from Rust: ${[...categories]}`);
  assert.ok(roles.has('analyst') && roles.has('hr_officer') && roles.size >= 5, `roles read from Rust: ${[...roles]}`);
});

test('no UI module names a category code', () => {
  const { categories } = serverCodes();
  const found = [];
  for (const f of uiFiles) {
    const src = fs.readFileSync(f, 'utf8');
    const where = path.relative(ROOT, f);
    // Some codes are also plain words (an alert's `threat` text): a code is flagged when
    // it is unmistakable (attack_on_civilians), compared with a category, or listed
    // beside another one.
    for (const m of src.matchAll(/(['"`])([a-z]+_[a-z_]+)\1/g)) if (categories.has(m[2])) found.push(`${where}: ${m[0]}`);
    for (const m of src.matchAll(/(category|event_type)\s*[!=]==?\s*(['"`])([a-z_]+)\2/g)) found.push(`${where}: ${m[0]}`);
    for (const m of src.matchAll(/\[([^[\]]*)\]/g)) {
      const codes = [...m[1].matchAll(/(['"`])([a-z_]+)\1/g)].map((x) => x[2]).filter((c) => categories.has(c));
      if (codes.length >= 2) found.push(`${where}: [${codes.join(', ')}]`);
    }
  }
  assert.deepEqual(found, [], 'category codes belong to GET /api/vocabulary');
});

test('no UI module lists roles', () => {
  const { roles } = serverCodes();
  const found = [];
  for (const f of uiFiles) {
    const src = fs.readFileSync(f, 'utf8');
    const where = path.relative(ROOT, f);
    // an array literal holding two role codes or more, e.g. ['analyst', 'admin']
    for (const m of src.matchAll(/\[([^[\]]*)\]/g)) {
      const codes = [...m[1].matchAll(/(['"`])([a-z_]+)\1/g)].map((x) => x[2]).filter((c) => roles.has(c));
      if (codes.length >= 2) found.push(`${where}: [${codes.join(', ')}]`);
    }
    // a role compared by name, e.g. S.role === 'reporter', or a list's role lookup
    for (const m of src.matchAll(/role\s*[!=]==?\s*(['"`])([a-z_]+)\1/g)) found.push(`${where}: ${m[0]}`);
    for (const m of src.matchAll(/indexOf\(\s*(['"`])([a-z_]+)\1\s*\)/g)) if (roles.has(m[2])) found.push(`${where}: ${m[0]}`);
  }
  assert.deepEqual(found, [], 'roles and what they may use belong to the vocabulary\'s access lists');
});

test('no label tables for vocabulary lists in the UI strings', () => {
  const found = [];
  for (const f of uiFiles) {
    const src = fs.readFileSync(f, 'utf8');
    for (const m of src.matchAll(/(['"`])(cat|role|rel|cred|status|astatus|datePrec|wherePrec|channel|sensitivity)\.[A-Za-z0-9_]+\1/g)) {
      found.push(`${path.relative(ROOT, f)}: ${m[0]}`);
    }
    for (const m of src.matchAll(/(['"`])(cat|role|rel|cred|status|astatus)\.\1\s*\+/g)) found.push(`${path.relative(ROOT, f)}: ${m[0]}`);
  }
  assert.deepEqual(found, [], 'labels of vocabulary codes come from GET /api/vocabulary');
});

test('the UI asks the server for the vocabulary', () => {
  const src = fs.readFileSync(path.join(UI, 'core/vocabulary.js'), 'utf8');
  assert.match(src, /'\/api\/vocabulary'/);
  const main = fs.readFileSync(path.join(UI, 'main.js'), 'utf8');
  assert.match(main, /loadVocabulary\(/);
});

test('no UI module lists response actions or CAP values (they come from the vocabulary)', () => {
  const src = fs.readFileSync(MODEL_VOCAB, 'utf8');
  const actions = new Set(termCodes(src, 'RESPONSE_ACTIONS'));
  const cap = new Set([...src.matchAll(/(?:urgency|severity|certainty|categories): &\[([^\]]*)\]/g)]
    .flatMap((m) => [...m[1].matchAll(/"([A-Za-z]+)"/g)].map((x) => x[1])));
  assert.ok(actions.has('patrol') && actions.size >= 5, `response actions read from Rust: ${[...actions]}`);
  assert.ok(cap.has('Immediate') && cap.has('CBRNE') && cap.size >= 15, `CAP values read from Rust: ${[...cap]}`);
  const found = [];
  for (const f of uiFiles) {
    const text = fs.readFileSync(f, 'utf8');
    const where = path.relative(ROOT, f);
    for (const m of text.matchAll(/\[([^[\]]*)\]/g)) {
      const items = [...m[1].matchAll(/(['"`])([A-Za-z_]+)\1/g)].map((x) => x[2]);
      const a = items.filter((c) => actions.has(c));
      const c = items.filter((x) => cap.has(x));
      if (a.length >= 2) found.push(`${where}: [${a.join(', ')}]`);
      if (c.length >= 3) found.push(`${where}: [${c.join(', ')}]`);
    }
  }
  assert.deepEqual(found, [], 'lists typed into the UI');
});
