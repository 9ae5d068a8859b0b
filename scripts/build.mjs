// Compiles the TypeScript sources into dist/ with esbuild: one bundle of our code and of the npm
// packages it uses, with the lazily loaded commands split into chunks. The CLI then starts
// without a TypeScript loader (about half the start-up CPU), and without Node resolving and
// compiling several hundred package files one by one (imapflow, conf and yargs took ~250 ms to
// import from node_modules): bundled, `--help` and `sync list` take ~40% less CPU, loading
// the engine (imapflow) half the CPU it took, and the dashboard's modules a third.
//
// Kept external (loaded from node_modules when needed): nodemailer (loaded lazily, only to send
// a notification), esbuild and tsx (the build and its fallback) and react-devtools-core (ink's
// DEV=true mode only; not installed). imapflow and libmime are patched at install (patches/,
// by patch-package in postinstall), and `prepare` builds after that, so the bundle carries the
// patches; sourceStamp() covers the lockfiles and patches/ so that a changed dependency
// rebuilds.
//
// Each build goes to its own folder, dist/<stamp>/, and dist/current.json names the newest,
// so that a process starting while another builds never sees a half-written bundle.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Packages the bundle leaves to node_modules. */
export const EXTERNAL = ['nodemailer', 'esbuild', 'tsx', 'react-devtools-core'];

/** Files besides source/ whose change means a new bundle (missing ones are skipped). */
const STAMPED_FILES = ['package.json', 'package-lock.json', 'node_modules/.package-lock.json', 'scripts/build.mjs'];
const STAMPED_DIRS = ['source', 'patches'];

/**
 * The newest modification time of what goes into the bundle, in ms: the sources, the build
 * script, package.json, the lockfiles (npm's hidden node_modules/.package-lock.json changes
 * with every install that changes node_modules) and patches/.
 */
export function sourceStamp(root = ROOT) {
  let newest = 0;
  const stat = (full) => {
    try {
      newest = Math.max(newest, fs.statSync(full).mtimeMs);
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    }
  };
  const walk = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      if (error.code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else stat(full);
    }
  };
  for (const file of STAMPED_FILES) stat(path.join(root, file));
  for (const dir of STAMPED_DIRS) walk(path.join(root, dir));
  return Math.floor(newest);
}

/** The entry file of the current build when it is as new as the sources, else undefined. */
export function freshBuild(root = ROOT) {
  try {
    const current = JSON.parse(fs.readFileSync(path.join(root, 'dist', 'current.json'), 'utf8'));
    const entry = path.join(root, 'dist', current.dir, 'main.js');
    return current.stamp >= sourceStamp(root) && fs.existsSync(entry) ? entry : undefined;
  } catch {
    return undefined;
  }
}

// Every chunk starts with this: `require` for the CommonJS packages in the bundle (esbuild's
// require shim calls it for Node's built-in modules), and the URL of dist/<stamp>/ for the
// file locations below.
const BANNER = [
  "import { createRequire as __imCreateRequire } from 'node:module';",
  'const require = __imCreateRequire(import.meta.url);',
  'const __imDistUrl = new URL(".", import.meta.url);',
].join(' ');

const USES_LOCATION = /\bimport\.meta\.(url|dirname|filename)\b|\b__(dirname|filename)\b/;

// A regular expression with \p{RGI_Emoji} (string-width's) takes ~20 ms to compile, paid by
// every start while hardly any text needs it: a top-level `const x = /...\p{RGI_Emoji}.../v;`
// only used as x.test(...) is compiled at its first test instead.
const EAGER_EMOJI_REGEX =
  /^(const|let|var)\s+([\w$]+)\s*=\s*(\/(?:[^/\\\n[]|\\.)*\\p\{RGI_Emoji(?:[^/\\\n[]|\\.)*\/[a-z]*);[ \t]*$/m;

function lazyEmojiRegex(contents) {
  const match = EAGER_EMOJI_REGEX.exec(contents);
  if (!match) return contents;
  const [declaration, keyword, name, literal] = match;
  const uses =
    contents.match(new RegExp(`(?<![\\w$.])${name.replace(/\$/g, '\\$')}(?![\\w$])(\\.test\\()?`, 'g')) ?? [];
  // The declaration, and nothing but .test( calls.
  if (uses.filter((use) => !use.endsWith('.test(')).length !== 1) return contents;
  return contents.replace(
    declaration,
    () =>
      `${keyword} ${name} = (() => { let compiled; return { test: (text) => (compiled ??= ${literal}).test(text) }; })();`,
  );
}

// Package modules imported at the top of a file but only used on paths imap-migrate never takes,
// whose code ran at every start: conf's ajv (with ajv-formats) for its `schema` option and
// semver for its `migrations` (~350 KB, ~30 ms); imapflow's pino (with thread-stream, which
// loads worker_threads) for the logger it makes when given none. In these files each is
// required where it is used instead, so it is loaded only if ever used. All or nothing per file:
// a file whose imports read differently (another version) is bundled as it is.
const LAZY_IMPORTS = [
  {
    file: /[\\/]node_modules[\\/]conf[\\/]dist[\\/]source[\\/]index\.js$/,
    imports: [
      [
        /^import \{ Ajv2020 as Ajv \} from 'ajv\/dist\/2020\.js';$/m,
        /\bnew Ajv\(/g,
        "new (require('ajv/dist/2020.js').Ajv2020)(",
      ],
      [
        /^import ajvFormatsModule from 'ajv-formats';$/m,
        /\bajvFormatsModule\.default\b/g,
        "require('ajv-formats').default",
      ],
      [/^import semver from 'semver';$/m, /\bsemver\./g, "require('semver')."],
    ],
  },
  {
    file: /[\\/]node_modules[\\/]imapflow[\\/]dist[\\/]esm[\\/]logger\.js$/,
    imports: [[/^import pino from 'pino';$/m, /\bpino\(/g, "require('pino')("]],
  },
];

function lazyImports(file, contents) {
  const rule = LAZY_IMPORTS.find((candidate) => candidate.file.test(file));
  if (!rule || !rule.imports.every(([importLine]) => importLine.test(contents))) return contents;
  for (const [importLine, use, lazy] of rule.imports) contents = contents.replace(importLine, '').replace(use, lazy);
  return contents;
}

/**
 * Bundled package code that asks where its file is (import.meta.url, __dirname, __filename)
 * would otherwise get dist/<stamp>/<chunk>.js and look there for files that stay in its
 * package (yargs its locales/, pino its worker.js, ink its package.json): each such use is
 * rewritten to the file's original place in node_modules, relative to dist/<stamp>/.
 */
function packageLocations(outdir) {
  return {
    name: 'package-locations',
    setup(build) {
      build.onLoad({ filter: /[\\/]node_modules[\\/].*\.[cm]?js$/ }, async (args) => {
        const original = await fs.promises.readFile(args.path, 'utf8');
        let contents = original.includes('RGI_Emoji') ? lazyEmojiRegex(original) : original;
        contents = lazyImports(args.path, contents);
        if (!USES_LOCATION.test(contents)) return contents === original ? undefined : { contents, loader: 'js' };
        const relative = path.relative(outdir, args.path).split(path.sep).join('/');
        const fileUrl = `new URL(${JSON.stringify(relative)}, __imDistUrl)`;
        const filePath = `require("node:url").fileURLToPath(${fileUrl})`;
        contents = contents
          .replace(/\bimport\.meta\.url\b/g, `${fileUrl}.href`)
          .replace(/\bimport\.meta\.filename\b/g, filePath)
          .replace(/\bimport\.meta\.dirname\b/g, `require("node:path").dirname(${filePath})`);
        // CommonJS's __filename and __dirname, unless the file declares its own.
        const free = (name) =>
          new RegExp(`\\b${name}\\b`).test(contents) &&
          !new RegExp(`\\b(var|let|const|function)\\s+${name}\\b`).test(contents);
        const declarations = [];
        if (free('__filename') || free('__dirname')) {
          declarations.push(`var __filename = ${filePath};`);
          if (free('__dirname')) declarations.push('var __dirname = require("node:path").dirname(__filename);');
        }
        if (declarations.length) {
          // After a hashbang and the directive prologue ("use strict" must stay first).
          const prologue = /^(#![^\n]*\n)?(\s*(\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)\s*)*(\s*(['"])use strict\5;?)?/.exec(
            contents,
          )[0];
          contents = prologue + '\n' + declarations.join(' ') + '\n' + contents.slice(prologue.length);
        }
        return { contents, loader: 'js' };
      });
    },
  };
}

/** Whether Node loads this file as CommonJS (.cjs, or .js without "type": "module" above it). */
function isCommonJs(file) {
  if (file.endsWith('.cjs')) return true;
  if (!file.endsWith('.js')) return false;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    try {
      return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).type !== 'module';
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    }
    if (path.dirname(dir) === dir) return true;
  }
}

/**
 * `await import('react')` of a CommonJS package: Node gives the namespace its named exports
 * (createElement, ...), but esbuild, when splitting, makes the package's chunk export only
 * `default`. Such an import gets a small module of its own instead that exports
 * module.exports as default and each name Node finds (looked up by importing the package here).
 */
function dynamicCommonJs() {
  return {
    name: 'dynamic-commonjs',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.kind !== 'dynamic-import' || args.pluginData?.dynamicCommonJs) return undefined;
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: { dynamicCommonJs: true },
        });
        if (resolved.errors.length || resolved.external || !isCommonJs(resolved.path)) return undefined;
        return { path: resolved.path, namespace: 'dynamic-commonjs' };
      });
      build.onLoad({ filter: /.*/, namespace: 'dynamic-commonjs' }, async (args) => {
        const names = Object.keys(await import(pathToFileURL(args.path).href)).filter(
          (name) => name !== 'default' && /^[A-Za-z_$][\w$]*$/.test(name),
        );
        const lines = [`const exported = require(${JSON.stringify(args.path)});`, 'export default exported;'];
        names.forEach((name, index) =>
          lines.push(`const name${index} = exported.${name};`, `export { name${index} as ${name} };`),
        );
        return { contents: lines.join('\n'), resolveDir: path.dirname(args.path), loader: 'js' };
      });
    },
  };
}

export async function buildDist(root = ROOT) {
  // Loaded only to build: a fresh dist/ starts without it (~12 MB).
  const { build } = await import('esbuild');
  const stamp = sourceStamp(root);
  const dir = `${stamp}-${process.pid}`;
  const outdir = path.join(root, 'dist', dir);
  await build({
    entryPoints: [path.join(root, 'source/cli/main.ts')],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    banner: { js: BANNER },
    plugins: [dynamicCommonJs(), packageLocations(outdir)],
    outdir,
    tsconfig: path.join(root, 'tsconfig.json'),
    logLevel: 'error',
  });
  const pointer = path.join(root, 'dist', `current.json.${process.pid}`);
  fs.writeFileSync(pointer, JSON.stringify({ dir, stamp }));
  fs.renameSync(pointer, path.join(root, 'dist', 'current.json'));
  // Older builds are removed once a minute has passed (a process may still be loading one).
  for (const entry of fs.readdirSync(path.join(root, 'dist'), { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === dir) continue;
    const full = path.join(root, 'dist', entry.name);
    if (Date.now() - fs.statSync(full).mtimeMs > 60_000) fs.rmSync(full, { recursive: true, force: true });
  }
  return path.join(outdir, 'main.js');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const entry = await buildDist();
  process.stdout.write(`built ${path.relative(ROOT, entry)}\n`);
}
