// Transform an XForm with ODK's own Enketo transformer (npm enketo-transformer), as
// Enketo does before it renders a form. Exit 0 and print a JSON summary when it
// transforms; exit 1 with the transformer's error otherwise.
// Usage: node scripts/odk/enketo-transform.mjs FORM.xml [OUT.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// the package's ESM entry is not in its published files; its CommonJS one is
const { transform } = createRequire(import.meta.url)('enketo-transformer');

const [file, out] = process.argv.slice(2);
if (!file) {
  console.error('usage: enketo-transform.mjs FORM.xml [OUT.json]');
  process.exit(2);
}
try {
  const xform = readFileSync(file, 'utf8');
  const result = await transform({ xform });
  if (out) writeFileSync(out, JSON.stringify({ form: result.form, model: result.model, languageMap: result.languageMap }));
  const langs = [...result.form.matchAll(/<a[^>]*data-lang="([^"]+)"/g)].map((m) => m[1]);
  console.log(JSON.stringify({
    ok: true,
    formBytes: result.form.length,
    modelBytes: result.model.length,
    languages: langs,
    inputs: (result.form.match(/name="\/data\//g) || []).length,
    transformerVersion: result.transformerVersion
  }));
} catch (e) {
  console.error('enketo-transformer failed: ' + (e && e.stack ? e.stack : e));
  process.exit(1);
}
