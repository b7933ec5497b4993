// Builds what `npm start` runs, when it is missing or older than its sources: the screens (Vite)
// and the server (one ES module bundled by esbuild; packages stay in node_modules). Running the
// bundle instead of compiling TypeScript at start saves ~35 MB of memory and a second of start-up.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const at = (...p) => path.join(root, ...p)

function newest(...entries) {
  let t = 0
  for (const p of entries) {
    if (!fs.existsSync(p)) continue
    const st = fs.statSync(p)
    if (!st.isDirectory()) t = Math.max(t, st.mtimeMs)
    else for (const e of fs.readdirSync(p)) t = Math.max(t, newest(path.join(p, e)))
  }
  return t
}
const stale = (output, ...sources) => !fs.existsSync(output) || fs.statSync(output).mtimeMs < newest(...sources)

export async function buildClient({ force = false, quiet = false } = {}) {
  if (!force && !stale(at('dist', 'client', 'phone.html'), at('client'), at('shared'), at('vite.config.ts'), at('package-lock.json'))) return
  if (!quiet) console.log('Building the screens (once, or after a change)…')
  const r = spawnSync(process.execPath, [at('node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

export const SERVER_BUNDLE = at('dist', 'server', 'main.js')

/**
 * Flags of every Node process that runs the kiosk (`npm start` gives them in package.json; the
 * bench, the crash drill, the soak, the cluster and the tests spawn `node ...KIOSK_NODE_FLAGS
 * SERVER_BUNDLE`). The kiosk's live heap is small (about 30–50 MB with 1,000 phones and a day's
 * sessions); its RSS was V8's room for garbage:
 * - the young generation grows to 2 × 16 MB by default, held through a burst, and each
 *   scavenge copies what survives in up to 16 MB at once: 4 MB semi-spaces keep it at 8 MB;
 * - the old generation was let grow to 2–4× what was live before a full collection (a heap of
 *   90–150 MB for 30–50 MB live, after a few rounds of 1,000 phones): at 1.5× it stays near 60–70 MB.
 * Measured with 3–4 rounds of 1,000 phones connecting and posting (RSS after each round):
 * defaults 161 → 167 → 194 → 204 MB; semi-spaces alone 138 → 144 → 178 → 216 MB; both 134 →
 * 145 → 150 → 157 MB, with about twice as many full collections (7 against 4 over 3 rounds).
 */
export const KIOSK_NODE_FLAGS = ['--max-semi-space-size=4', '--heap-growing-percent=50']

/** `node` arguments that run the built kiosk as `npm start` does. */
export const KIOSK_ARGS = [...KIOSK_NODE_FLAGS, SERVER_BUNDLE]

/** The database's writer thread, a module of its own next to the server bundle. */
export const WRITER_BUNDLE = at('dist', 'server', 'store-worker.js')

/** The thread that mirrors the served documents (server/yjs/mirror.ts), likewise. */
export const MIRROR_BUNDLE = at('dist', 'server', 'yjs-mirror-worker.js')

/** The thread that reads an imported record (server/record/import-thread.ts), likewise. */
export const IMPORT_BUNDLE = at('dist', 'server', 'record-import-worker.js')

/** PostgreSQL's thread (`DATABASE_URL`), likewise. */
export const PG_WORKER_BUNDLE = at('dist', 'server', 'store-pg-worker.js')

/**
 * `@y/websocket-server/utils` imports y-leveldb (LevelDB and its native addon) at load time for
 * a persistence Kurumaza never uses (it has its own store): about 3 MB of RSS for nothing. The
 * server bundle takes that module in and gives it a y-leveldb that is never loaded; yjs and the
 * rest stay in node_modules, shared with the server's own imports.
 */
const withoutLeveldb = {
  name: 'without-y-leveldb',
  setup(b) {
    b.onResolve({ filter: /^@y\/websocket-server\/utils$/ }, () => ({ path: fileURLToPath(import.meta.resolve('@y/websocket-server/utils')) }))
    b.onResolve({ filter: /^y-leveldb$/ }, () => ({ path: 'y-leveldb', namespace: 'kurumaza-stub' }))
    b.onLoad({ filter: /.*/, namespace: 'kurumaza-stub' }, () => ({
      loader: 'js',
      contents: 'export class LeveldbPersistence { constructor() { throw new Error("YPERSISTENCE is not supported: Kurumaza keeps boards in its own database") } }',
    }))
  },
}

export async function buildServer({ force = false } = {}) {
  const sources = [at('server'), at('shared'), at('package-lock.json')]
  if (!force && !stale(SERVER_BUNDLE, ...sources) && !stale(WRITER_BUNDLE, ...sources) && !stale(PG_WORKER_BUNDLE, ...sources) && !stale(MIRROR_BUNDLE, ...sources) && !stale(IMPORT_BUNDLE, ...sources)) return
  const { build } = await import('esbuild')
  const options = { bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', sourcemap: true, logLevel: 'warning' }
  await build({ ...options, entryPoints: [at('server', 'main.ts')], outfile: SERVER_BUNDLE, plugins: [withoutLeveldb] })
  await build({ ...options, entryPoints: [at('server', 'store', 'worker.ts')], outfile: WRITER_BUNDLE })
  await build({ ...options, entryPoints: [at('server', 'store', 'pg-worker.ts')], outfile: PG_WORKER_BUNDLE })
  await build({ ...options, entryPoints: [at('server', 'yjs', 'mirror-worker.ts')], outfile: MIRROR_BUNDLE })
  await build({ ...options, entryPoints: [at('server', 'record', 'import-worker.ts')], outfile: IMPORT_BUNDLE })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildClient({ force: true })
  await buildServer({ force: true })
}
