import Database from 'better-sqlite3'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { READS, RECORD_VERSION, SCHEMA, SCHEMA_VERSION, type Param, type ReadName, type Row } from './sql.ts'
import { ensureDataDir, Store, StoreError, type Engine } from './store.ts'
import type { WorkerOptions } from './worker.ts'
import { WriterThread } from './writer.ts'

/** SQLite's codes for a file that is not a database, or one whose pages do not add up. */
const DAMAGED_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT'])

/**
 * The one line a facilitator needs when the database file itself is damaged: which file, what
 * to do, and what is safe elsewhere. Undefined for any other error.
 */
function damaged(err: unknown, file: string, dataDir: string): StoreError | undefined {
  const code = String((err as { code?: unknown }).code ?? '')
  if (![...DAMAGED_CODES].some((c) => code.startsWith(c))) return undefined
  const abs = path.resolve(file)
  return new StoreError(
    `The database ${abs} is damaged and cannot be read (${(err as Error).message}). ` +
      `To start with an empty database, stop Kurumaza and move the file aside (rename it, and any ${path.basename(abs)}-wal and -shm beside it, e.g. to ${path.basename(abs)}.damaged) ` +
      `or put back a backup copy of the data folder, then start again; ` +
      `the records of closed sessions are still in ${path.resolve(dataDir, 'records')} (import their JSON from the console).`,
    'corrupt',
  )
}

/**
 * The writer thread's module: the TypeScript source when the server runs from source (tests,
 * `npm run dev`, through tsx), the bundled file next to the server bundle under `npm start`.
 */
function writerScript(): URL {
  if (import.meta.url.endsWith('.ts')) return new URL('./worker-dev.mjs', import.meta.url)
  return new URL('./store-worker.js', import.meta.url)
}

/**
 * The embedded engine: one file in the data folder. Reads run on this thread (WAL lets them run
 * beside the writer); writes go to the writer thread (store/worker.ts).
 */
export class SqliteEngine implements Engine {
  readonly dialect = 'sqlite'
  readonly where: string
  private readonly db: Database.Database
  private readonly statements = new Map<ReadName, Database.Statement>()
  private readonly writer: WriterThread

  constructor(dataDir: string, durability: 'full' | 'normal' = 'full') {
    ensureDataDir(dataDir)
    this.where = path.join(dataDir, 'kurumaza.sqlite')
    let opened: Database.Database | undefined
    try {
      opened = new Database(this.where)
      this.db = opened
      this.prepareFile()
    } catch (err) {
      if (opened?.open) opened.close()
      throw damaged(err, this.where, dataDir) ?? err
    }
    this.writer = new WriterThread(new Worker(writerScript(), { workerData: { file: this.where, durability } satisfies WorkerOptions }))
  }

  /** Check the file, make the tables, then keep this connection for reading only. */
  private prepareFile(): void {
    // Before anything writes to it: a file with damaged pages is reported at start-up, in one
    // line with the remedy, rather than found by a session's first load mid-workshop. Reads
    // every page (about 10 ms a megabyte); a kiosk's database is rarely more than a few dozen.
    const check = this.db.pragma('quick_check(1)', { simple: true })
    if (check !== 'ok') throw Object.assign(new Error(`malformed: ${String(check)}`), { code: 'SQLITE_CORRUPT' })
    // Must come before the first table: lets compaction hand freed pages back to the disk.
    this.db.pragma('auto_vacuum = INCREMENTAL')
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('busy_timeout = 5000')
    // Checkpoints belong to the writer thread.
    this.db.pragma('wal_autocheckpoint = 0')
    this.db.exec(SCHEMA)
    // Databases from before the summary column get it added.
    const columns = this.db.prepare<[], { name: string }>('PRAGMA table_info(sessions)').all()
    if (!columns.some((c) => c.name === 'summary')) this.db.exec('ALTER TABLE sessions ADD COLUMN summary TEXT')
    // Every change so far only adds tables (CREATE … IF NOT EXISTS above): recording the version is all.
    this.db.prepare(RECORD_VERSION.sqlite).run('schema_version', String(SCHEMA_VERSION))
    // From here on this connection only reads.
    this.db.pragma('query_only = ON')
  }

  all<T>(name: ReadName, params: Param[]): T[] {
    let s = this.statements.get(name)
    if (!s) this.statements.set(name, (s = this.db.prepare(READS[name].sqlite)))
    return s.all(...params) as T[]
  }

  ready(): Promise<void> {
    return this.writer.ready()
  }

  write(rows: Row[]): Promise<void> {
    return this.writer.write(rows)
  }

  get pendingWrites(): number {
    return this.writer.pending
  }

  async close(): Promise<void> {
    await this.writer.close()
    if (this.db.open) this.db.close()
  }
}

/** The laptop's store: SQLite in the data folder. */
export function sqliteStore(dataDir: string, durability: 'full' | 'normal' = 'full', trace?: (name: string) => void): Store {
  return new Store(new SqliteEngine(dataDir, durability), trace)
}
