// The esbuild bundle the CLI runs from (scripts/build.mjs): npm packages are bundled, so a
// package that cannot be (or a lost plugin) shows here rather than in a user's terminal.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ROOT, run, tempDir } from './cli/support.ts';

interface BuildScript {
  EXTERNAL: string[];
  sourceStamp(root?: string): number;
  freshBuild(root?: string): string | undefined;
  buildDist(root?: string): Promise<string>;
}

const build = (await import(pathToFileURL(path.join(ROOT, 'scripts/build.mjs')).href)) as BuildScript;
const entry = build.freshBuild() ?? (await build.buildDist());
const outdir = path.dirname(entry);
const outputs = fs.readdirSync(outdir).filter((name) => name.endsWith('.js'));

test('build: the bundle imports only Node built-ins, its own chunks and the external packages', () => {
  const packageOf = (specifier: string) =>
    specifier
      .split('/')
      .slice(0, specifier.startsWith('@') ? 2 : 1)
      .join('/');
  const outside = new Set<string>();
  for (const name of outputs) {
    const text = fs.readFileSync(path.join(outdir, name), 'utf8');
    for (const [, specifier] of text.matchAll(
      /(?:^(?:import|export)\b[^'"]*?\bfrom\s*|^import\s*|\bimport\()\s*["']([^"']+)["']/gm,
    )) {
      if (specifier.startsWith('.') || isBuiltin(specifier)) continue;
      if (!build.EXTERNAL.includes(packageOf(specifier))) outside.add(`${specifier} (in ${name})`);
    }
  }
  assert.deepEqual([...outside], []);
});

test('build: a CommonJS package imported with import() keeps its named exports (react for the dashboard)', async () => {
  const wrappers = outputs.filter((name) =>
    fs.readFileSync(path.join(outdir, name), 'utf8').includes('// dynamic-commonjs:'),
  );
  assert.ok(wrappers.length > 0, 'no chunk for import("react")');
  for (const name of wrappers) {
    const namespace = (await import(pathToFileURL(path.join(outdir, name)).href)) as Record<string, unknown>;
    if ('createElement' in namespace)
      assert.equal(namespace.createElement, (namespace.default as Record<string, unknown>).createElement);
    assert.ok(Object.keys(namespace).length > 1, `${name} exports only ${Object.keys(namespace)}`);
  }
});

test('build: bundled packages still find their own files (the locales of yargs)', async () => {
  const help = await run(['--help'], { env: { LC_ALL: 'de_DE.UTF-8', LANG: 'de_DE.UTF-8' } });
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /Hilfe anzeigen/);
});

test('build: the stamp covers the sources, package.json, the lockfiles, patches/ and the build script', () => {
  const root = tempDir('imap-migrate-stamp-');
  const files = [
    'package.json',
    'source/cli/main.ts',
    'package-lock.json',
    'node_modules/.package-lock.json',
    'patches/imapflow+1.0.0.patch',
    'scripts/build.mjs',
  ];
  const base = new Date('2024-01-01T00:00:00Z');
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), '');
    fs.utimesSync(path.join(root, file), base, base);
  }
  assert.equal(build.sourceStamp(root), base.getTime());
  files.forEach((file, index) => {
    const later = new Date(base.getTime() + (index + 1) * 60_000);
    fs.utimesSync(path.join(root, file), later, later);
    assert.equal(build.sourceStamp(root), later.getTime(), file);
  });
  // Without the optional ones (no lockfile, no patches/) the stamp still works.
  fs.rmSync(path.join(root, 'patches'), { recursive: true });
  fs.rmSync(path.join(root, 'package-lock.json'));
  assert.ok(build.sourceStamp(root) > 0);
  fs.rmSync(root, { recursive: true, force: true });
});
