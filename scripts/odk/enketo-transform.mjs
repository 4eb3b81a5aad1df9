// Transform an XForm with ODK's own Enketo transformer (npm enketo-transformer), as
// Enketo does before it renders a form. The package's Node build needs the native
// `libxslt` module, which does not build on Node 20; its web build (the same XSL
// sheets, run by the browser's XSLTProcessor) is run here in Debian's chromium through
// playwright-core, from node_modules (nothing fetched).
// Exit 0 and print a JSON summary when it transforms; exit 1 with the error otherwise.
// Usage: node scripts/odk/enketo-transform.mjs FORM.xml [OUT.html]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [file, out] = process.argv.slice(2);
if (!file) {
  console.error('usage: enketo-transform.mjs FORM.xml [OUT.html]');
  process.exit(2);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pkgDir = path.join(root, 'node_modules/enketo-transformer');
const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
// the web build is one ES module; expose its exports on window instead
const web = readFileSync(path.join(pkgDir, 'dist/enketo-transformer/web/transformer.js'), 'utf8')
  .replace(/export\s*\{[^}]*\};?\s*(\/\/# sourceMappingURL=.*)?\s*$/, 'window.enketoTransformer = { transform };\n');
const xform = readFileSync(file, 'utf8');

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.setContent('<!doctype html><html><body></body></html>');
  await page.addScriptTag({ content: web, type: 'module' });
  await page.waitForFunction(() => window.enketoTransformer, null, { timeout: 10000 });
  if (errors.length) throw new Error('loading the transformer: ' + errors.join('; '));
  const result = await page.evaluate(async (x) => {
    const r = await window.enketoTransformer.transform({ xform: x });
    return { form: r.form, model: r.model, languageMap: r.languageMap };
  }, xform);
  if (out) writeFileSync(out, result.form);
  const doc = result.form;
  const langs = [...doc.matchAll(/<option value="([a-z]{2})"/g)].map((m) => m[1]);
  console.log(JSON.stringify({
    ok: true,
    enketoTransformer: pkg.version,
    formBytes: doc.length,
    modelBytes: result.model.length,
    languages: langs,
    questions: (doc.match(/class="question[ "]/g) || []).length,
    hasFrench: doc.includes('Violence contre des civils'),
    hasRestricted: doc.includes('RESTRICTED')
  }));
} catch (e) {
  console.error('enketo-transformer failed: ' + (e && e.stack ? e.stack : e));
  process.exitCode = 1;
} finally {
  await browser.close();
}
