// Guard of the source rewrites scripts/build.mjs applies to dependencies when bundling
// (LAZY_IMPORTS and the lazy emoji regular expression, docs/patches.md): each applies
// all-or-nothing and silently skips a file that reads differently, so after an upgrade of conf,
// imapflow or string-width this test is where a rewrite that no longer applies shows.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ROOT } from './cli/support.ts';

const build = (await import(pathToFileURL(path.join(ROOT, 'scripts/build.mjs')).href)) as {
  freshBuild(root?: string): string | undefined;
  buildDist(root?: string): Promise<string>;
};

/** The bundled code of one package file: each stretch from esbuild's `// node_modules/<file>` marker to the next marker. */
function bundledSection(file: string): string {
  const outdir = path.dirname(build.freshBuild() ?? '');
  const marker = `// node_modules/${file}\n`;
  const sections: string[] = [];
  for (const name of fs.readdirSync(outdir).filter((entry) => entry.endsWith('.js'))) {
    const text = fs.readFileSync(path.join(outdir, name), 'utf8');
    for (let start = text.indexOf(marker); start >= 0; start = text.indexOf(marker, start + marker.length)) {
      const end = text.indexOf('\n// node_modules/', start + marker.length);
      sections.push(text.slice(start, end < 0 ? undefined : end));
    }
  }
  assert.ok(sections.length > 0, `${file} is not in the bundle`);
  return sections.join('\n');
}

const RULES = [
  {
    file: 'conf/dist/source/index.js',
    imports: [
      "import { Ajv2020 as Ajv } from 'ajv/dist/2020.js';",
      "import ajvFormatsModule from 'ajv-formats';",
      "import semver from 'semver';",
    ],
    // required where used: no top-level initialization of ajv or semver left in conf's code
    bundled: [/new \(require_\w*\(\)\)\.Ajv2020\(/, /require_\w+\(\)\.default/, /require_semver\d*\(\)\.\w+\(/],
  },
  {
    file: 'imapflow/dist/esm/logger.js',
    imports: ["import pino from 'pino';"],
    bundled: [/require_pino\(\)\(\{/],
  },
];

test('build rewrites: the import lines LAZY_IMPORTS rewrites are still in the packages as the rules expect', () => {
  for (const rule of RULES) {
    const source = fs.readFileSync(path.join(ROOT, 'node_modules', rule.file), 'utf8');
    for (const line of rule.imports) {
      assert.ok(
        source.split('\n').includes(line),
        `${rule.file} no longer has \`${line}\`: update LAZY_IMPORTS in scripts/build.mjs`,
      );
    }
  }
});

test('build rewrites: in the bundle those packages require what they use where they use it', async () => {
  if (!build.freshBuild()) await build.buildDist();
  for (const rule of RULES) {
    const section = bundledSection(rule.file);
    for (const pattern of rule.bundled) assert.match(section, pattern, `${rule.file}: rewrite not applied`);
  }
});

test('build rewrites: string-width compiles its RGI_Emoji expression at first use, not at load', async () => {
  if (!build.freshBuild()) await build.buildDist();
  const source = fs.readFileSync(path.join(ROOT, 'node_modules/string-width/index.js'), 'utf8');
  assert.match(source, /^const rgiEmojiRegex = \/\^\\p\{RGI_Emoji\}\$\/v;$/m, 'string-width reads differently');
  const section = bundledSection('string-width/index.js');
  assert.match(section, /compiled \?\?= new RegExp\("\^\\\\p\{RGI_Emoji\}\$", "v"\)/);
  assert.doesNotMatch(section, /^(var|const|let) rgiEmojiRegex = (\/\^|new RegExp)/m, 'still compiled at load');
});
