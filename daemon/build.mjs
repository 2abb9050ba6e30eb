#!/usr/bin/env node
/**
 * The compiled tree the `veille` command runs when it can: dist/ mirrors daemon/, rules/, storage/
 * and notifiers/ with each TypeScript file transpiled to JavaScript and every other file copied.
 * Running it needs neither TypeScript nor tsx's loader thread, which saves some 25 MB and a second
 * of start-up per process. `node daemon/build.mjs` (npm run build) writes it; the bin uses it only
 * while it matches the sources file for file (see compiledEntry), so an edit is never run stale.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const outDir = join(root, 'dist');
const SOURCE_DIRS = ['daemon', 'rules', 'storage', 'notifiers'];
/** Files outside those folders that change what the compiled tree must be. */
const SETTINGS = ['package.json', 'tsconfig.json'];
/** The bin and this script run from the sources; copies of them in dist/ would only mislead. */
const NOT_COPIED = new Set(['daemon/veille.mjs', 'daemon/build.mjs']);
const MANIFEST = '.manifest.json';

/**
 * Every input file with its size and modification time. Any edit, added or deleted file, or
 * checkout changes this, and the compiled tree no longer counts as built from these sources.
 */
function sourceManifest() {
  const files = {};
  const add = (rel) => {
    const st = statSync(join(root, rel));
    files[rel] = [st.size, st.mtimeMs];
  };
  const walk = (dir) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile() && !NOT_COPIED.has(rel)) add(rel);
    }
  };
  for (const dir of SOURCE_DIRS) walk(dir);
  for (const rel of SETTINGS) add(rel);
  return files;
}

function sameManifest(a, b) {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => b[k] && a[k][0] === b[k][0] && a[k][1] === b[k][1]);
}

/**
 * The compiled counterpart of a source module (e.g. 'daemon/cli.ts') as a URL to import, or null
 * when there is no compiled tree or it was built from other sources than those on disk now.
 */
export function compiledEntry(source) {
  let built;
  try {
    built = JSON.parse(readFileSync(join(outDir, MANIFEST), 'utf8'));
  } catch {
    return null;
  }
  if (!sameManifest(built, sourceManifest())) return null;
  return pathToFileURL(join(outDir, source.replace(/\.ts$/, '.js'))).href;
}

/**
 * Writes dist/ afresh. The manifest is taken before reading any source, so a file edited during
 * the build leaves the result stale rather than wrongly current; the tree is assembled beside
 * dist/ and swapped in whole, so a command starting meanwhile never sees half of it.
 */
export async function build() {
  const { default: ts } = await import('typescript');
  const manifest = sourceManifest();
  const { config } = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root);
  // Transpiling file by file (as tsx does) keeps the same semantics as running the sources; the
  // type check stays with `npm run typecheck`. Relative '.ts' imports become '.js'.
  const compilerOptions = { ...options, module: ts.ModuleKind.ESNext, rewriteRelativeImportExtensions: true, noEmit: false, allowJs: true, sourceMap: false, inlineSourceMap: false, declaration: false };
  const tmp = `${outDir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  for (const rel of Object.keys(manifest)) {
    if (SETTINGS.includes(rel)) continue;
    const from = join(root, rel);
    mkdirSync(dirname(join(tmp, rel)), { recursive: true });
    if (/\.(ts|mjs)$/.test(rel) && !rel.endsWith('.d.ts')) {
      // Plain .mjs modules too: a worker entry that imports a '.ts' sibling must import its '.js'.
      const { outputText } = ts.transpileModule(readFileSync(from, 'utf8'), { fileName: rel, compilerOptions, reportDiagnostics: false });
      writeFileSync(join(tmp, rel.replace(/\.ts$/, '.js')), outputText);
    } else {
      copyFileSync(from, join(tmp, rel));
    }
  }
  writeFileSync(join(tmp, MANIFEST), JSON.stringify(manifest));
  const old = `${outDir}.${process.pid}.old`;
  if (existsSync(outDir)) renameSync(outDir, old);
  try {
    renameSync(tmp, outDir);
  } catch (err) {
    // Another build swapped its tree in first: keep that one (the manifest says whether it is current).
    rmSync(tmp, { recursive: true, force: true });
    if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
  }
  rmSync(old, { recursive: true, force: true });
  return Object.keys(manifest).length;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (compiledEntry('daemon/cli.ts') && !process.argv.includes('--force')) {
    process.stdout.write('dist/ is up to date\n');
  } else {
    try {
      const n = await build();
      process.stdout.write(`dist/: ${n - SETTINGS.length} files compiled or copied\n`);
    } catch (err) {
      // Without TypeScript (an install without dev dependencies) the bin runs the sources with tsx.
      if (err.code === 'ERR_MODULE_NOT_FOUND') process.stdout.write('TypeScript is not installed: veille runs from the sources\n');
      else throw err;
    }
  }
}
