// The CLI's TypeScript, compiled once into one ES module by esbuild and kept in .cache/cli/.
//
// Why: through tsx's loader every import of a start (about 670 modules, most of them the
// dependencies') passes tsx's resolve and load hooks, and a start cost ~1.9 CPU-s; from the
// bundle `--help` costs ~0.7 CPU-s and `check` ~1.3 instead of ~2.2 (measured 2026-12-04 on the
// 2-core test host, `/usr/bin/time node bin/anycast-verify.mjs --help`; docs/design.md). The unit
// tests run the CLI ~20 times per `npm test`, and a user runs it on every config edit.
//
// The bundle is rebuilt whenever one of its inputs (esbuild's metafile, kept in the bundle's first
// line) is newer than it, gone, or the bundle was built by another esbuild. Each source keeps
// its own `import.meta.url`, `import.meta.dirname` and `import.meta.filename` (replaced by the
// source file's own, so paths resolve as from the sources), dependencies stay in node_modules,
// and a dynamic import stays lazy (a chunk of its own). Where the folder cannot be written (another
// user's checkout), or esbuild fails, the CLI runs through tsx's loader as before.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = join(ROOT, 'helpers', 'cli', 'main.ts');
export const BUNDLE = join(ROOT, '.cache', 'cli', 'main.mjs');
const HEADER = '// anycast-verify cli bundle ';

/** The bundle's header: the esbuild that built it and its inputs (paths relative to the root). */
function readHeader(file) {
  let fd;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(256 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const line = buf.subarray(0, n).toString('utf8').split('\n', 1)[0];
    return line.startsWith(HEADER) ? JSON.parse(line.slice(HEADER.length)) : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Why the bundle must be rebuilt, or undefined when it is current. */
export function staleReason(esbuildVersion) {
  let built;
  try {
    built = statSync(BUNDLE).mtimeMs;
  } catch {
    return 'no bundle yet';
  }
  const header = readHeader(BUNDLE);
  if (!header) return 'the bundle has no header';
  if (header.esbuild !== esbuildVersion) return `built by esbuild ${header.esbuild}, now ${esbuildVersion}`;
  for (const input of header.inputs) {
    try {
      if (statSync(join(ROOT, input)).mtimeMs > built) return `${input} changed`;
    } catch {
      return `${input} is gone`;
    }
  }
  return undefined;
}

/** esbuild plugin: each source's import.meta.{url,dirname,filename} as its own file's. */
const ownImportMeta = {
  name: 'own-import-meta',
  setup(build) {
    build.onLoad({ filter: /\.(ts|mts|mjs|js)$/ }, (args) => {
      if (args.path.includes(`${join('node_modules', '')}`)) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta')) return undefined;
      const contents = text
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
        .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
        .replaceAll('import.meta.filename', JSON.stringify(args.path));
      return { contents, loader: args.path.endsWith('ts') ? 'ts' : 'js' };
    });
  },
};

async function build(esbuild) {
  const r = await esbuild.build({
    entryPoints: { main: ENTRY },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node.split('.')[0]}`,
    packages: 'external',
    // A dynamic import (the containerlab provider, with @kubernetes/client-node and testcontainers:
    // ~2 CPU-s to load) stays a chunk of its own, loaded only when asked for.
    splitting: true,
    outdir: dirname(BUNDLE),
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [ownImportMeta],
  });
  const inputs = Object.keys(r.metafile.inputs).map((p) => (p.startsWith('/') ? p.slice(ROOT.length + 1) : p));
  mkdirSync(dirname(BUNDLE), { recursive: true });
  // Chunks first, named by their content (one being read by another CLI process is never
  // rewritten), then the entry, written aside and renamed: two processes building at once each
  // leave a whole bundle. Chunks of older builds are left (a process started from one may still
  // load it); `.cache/` is disposable.
  for (const f of r.outputFiles) {
    if (f.path === BUNDLE) continue;
    writeAside(f.path, f.text);
  }
  const entry = r.outputFiles.find((f) => f.path === BUNDLE);
  writeAside(BUNDLE, `${HEADER}${JSON.stringify({ esbuild: esbuild.version, inputs })}\n${entry.text}`);
}

function writeAside(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** The CLI's module: from the bundle (built or rebuilt as needed), else through tsx. */
export async function loadCli() {
  if (process.env.ANYCAST_VERIFY_CLI_BUNDLE !== '0') {
    try {
      const esbuild = await import('esbuild');
      if (staleReason(esbuild.version) !== undefined) await build(esbuild);
      return await import(pathToFileURL(BUNDLE).href);
    } catch {
      // Not writable here, or esbuild failed: the sources through tsx, as before.
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import('../helpers/cli/main.ts');
}
