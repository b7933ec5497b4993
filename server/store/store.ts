import fs from 'node:fs'
import path from 'node:path'
import type { Dialect, Param, ReadName, Row } from './sql.ts'

/**
 * The store: sessions, each session's Yjs update log, the idempotency record of every note a
 * phone sent, and ballots. One class over two engines: embedded SQLite (the default, store/
 * sqlite.ts) and PostgreSQL (`DATABASE_URL`, store/postgres.ts), which run the same named
 * statements of store/sql.ts in their own dialect. Reads are synchronous for the caller; every
 * write goes to the engine's writer thread as a batch of rows and resolves once its transaction
 * has committed, so nothing is acknowledged before it is stored.
 */
export interface SessionRow {
  id: string
  title: string
  prompt: string
  boardKey: string
  createdAt: number
  /** what the session list shows while the session is not in memory */
  summary?: { notes: number; closed: boolean }
}

/** An update row that Yjs could not read, set aside when its session was loaded. */
export interface QuarantinedRow {
  seq: number
  bytes: number
  error: string
  /** when it was set aside (epoch ms) */
  at: number
}

export interface NoteIdRow {
  clientId: string
  noteId: string
  deviceId: string | null
}

export interface QuestionIdRow {
  clientId: string
  questionId: string
  deviceId: string | null
}

type RawSessionRow = Omit<SessionRow, 'summary'> & { summary: string | null }

function fromRaw({ summary, ...row }: RawSessionRow): SessionRow {
  if (!summary) return row
  try {
    const s = JSON.parse(summary) as { notes?: unknown; closed?: unknown }
    return { ...row, summary: { notes: typeof s.notes === 'number' ? s.notes : 0, closed: s.closed === true } }
  } catch {
    return row
  }
}

export class StoreError extends Error {
  constructor(
    message: string,
    readonly code: 'unwritable' | 'corrupt',
  ) {
    super(message)
  }
}

/** Make the data folder if needed and check this process may write there. */
export function ensureDataDir(dataDir: string): void {
  try {
    fs.mkdirSync(dataDir, { recursive: true })
    fs.accessSync(dataDir, fs.constants.W_OK)
  } catch (err) {
    throw new StoreError(`DATA_DIR ${path.resolve(dataDir)} is not writable (${(err as Error).message})`, 'unwritable')
  }
}

/** What an engine gives the store: named reads, batches of rows written in one transaction. */
export interface Engine {
  readonly dialect: Dialect
  /** where the data lives, for the start-up message (never a password) */
  readonly where: string
  all<T>(name: ReadName, params: Param[]): T[]
  write(rows: Row[]): Promise<void>
  readonly pendingWrites: number
  ready(): Promise<void>
  close(): Promise<void>
}

export class Store {
  /** rows being set aside, until the writer has moved them */
  private readonly settingAside = new Map<string, QuarantinedRow[]>()
  /** sessions whose lease this process holds */
  private readonly leases = new Set<string>()

  /** `trace` hears the name of every statement run (the contract suite checks it saw them all). */
  constructor(
    private readonly engine: Engine,
    private readonly trace?: (name: string) => void,
  ) {}

  get dialect(): Dialect {
    return this.engine.dialect
  }

  /** The SQLite file, or the PostgreSQL database (without its password). */
  get file(): string {
    return this.engine.where
  }

  private all<T>(name: ReadName, ...params: Param[]): T[] {
    this.trace?.(name)
    return this.engine.all<T>(name, params)
  }

  private get<T>(name: ReadName, ...params: Param[]): T | undefined {
    return this.all<T>(name, ...params)[0]
  }

  /** Resolves once the engine can write; rejects when it cannot start (start-up fails loudly). */
  ready(): Promise<void> {
    return this.engine.ready()
  }

  /** Write rows in one transaction; resolves once it has committed. */
  write(rows: Row[]): Promise<void> {
    if (this.trace) for (const [name] of rows) this.trace(name)
    return this.engine.write(rows)
  }

  /** Writes waiting for the disk. */
  get pendingWrites(): number {
    return this.engine.pendingWrites
  }

  getSetting(key: string): string | undefined {
    return this.get<{ value: string }>('getSetting', key)?.value
  }

  getSession(id: string): SessionRow | undefined {
    const raw = this.get<RawSessionRow>('getSession', id)
    return raw && fromRaw(raw)
  }

  listSessions(): SessionRow[] {
    return this.all<RawSessionRow>('listSessions').map(fromRaw)
  }

  loadUpdates(sessionId: string): Uint8Array[] {
    return this.loadUpdateRows(sessionId).map((r) => r.data)
  }

  /** A session's update log with each row's place in it (to set a bad row aside by). */
  loadUpdateRows(sessionId: string): Array<{ seq: number; data: Uint8Array }> {
    return this.all<{ seq: number; data: Uint8Array }>('loadUpdates', sessionId).map((r) => ({ seq: r.seq, data: new Uint8Array(r.data) }))
  }

  /** At most `limit` rows of a session's log after the row `afterSeq` (0: from the start), in order. */
  loadUpdateRowsPage(sessionId: string, afterSeq: number, limit: number): Array<{ seq: number; data: Uint8Array }> {
    return this.all<{ seq: number; data: Uint8Array }>('loadUpdatesPage', sessionId, afterSeq, limit).map((r) => ({ seq: r.seq, data: new Uint8Array(r.data) }))
  }

  /**
   * Move update rows Yjs cannot read out of the log into `quarantined_updates`, with why and
   * when: kept byte for byte (for a later rescue), but no longer in the way of loading. Written
   * by the writer thread; `quarantined` reports them at once.
   */
  quarantineUpdates(sessionId: string, rows: Array<{ seq: number; error: string; bytes?: number }>, at = Date.now()): Promise<void> {
    const pending = rows.map((r) => ({ seq: r.seq, bytes: r.bytes ?? 0, error: r.error, at }))
    this.settingAside.set(sessionId, [...(this.settingAside.get(sessionId) ?? []), ...pending])
    const done = () => this.settingAside.delete(sessionId)
    const written = this.write(rows.flatMap((r): Row[] => [['quarantine', r.error, at, r.seq, sessionId], ['deleteUpdate', r.seq, sessionId]]))
    written.then(done, done)
    return written
  }

  /** The update rows of a session that were set aside, oldest first (without their bytes). */
  quarantined(sessionId: string): QuarantinedRow[] {
    const stored = this.all<QuarantinedRow>('quarantined', sessionId)
    const pending = (this.settingAside.get(sessionId) ?? []).filter((p) => !stored.some((r) => r.seq === p.seq))
    return [...stored, ...pending].sort((a, b) => a.seq - b.seq)
  }

  countUpdates(sessionId: string): number {
    return this.get<{ n: number }>('countUpdates', sessionId)?.n ?? 0
  }

  /** Every note a phone sent in a session: its own id for it, the note's id and its device. */
  noteIds(sessionId: string): NoteIdRow[] {
    return this.all<NoteIdRow>('noteIds', sessionId)
  }

  /** Every question a phone asked in a session: its own id for it, the question's id and its device. */
  questionIds(sessionId: string): QuestionIdRow[] {
    return this.all<QuestionIdRow>('questionIds', sessionId)
  }

  /** Who upvoted which question in a session (phone keys stay on the kiosk). */
  upvotes(sessionId: string): Array<{ questionId: string; phoneKey: string }> {
    return this.all<{ questionId: string; phoneKey: string }>('upvotes', sessionId)
  }

  /** How many phones posted in a session (a count only: device ids never leave the store). */
  phonesPosted(sessionId: string): number {
    return this.get<{ n: number }>('phonesPosted', sessionId)?.n ?? 0
  }

  /** Phones that have at least one dot in a vote (the turnout; who they are stays in here). */
  voters(sessionId: string, voteId: string): number {
    return this.get<{ n: number }>('voters', sessionId, voteId)?.n ?? 0
  }

  /** Every respondent's answers to a round (JSON, oldest first), without who gave them. */
  surveyAnswers(sessionId: string, surveyId: string, round: number): Array<{ answers: string; answeredAt: number }> {
    return this.all<{ answers: string; answeredAt: number }>('surveyAnswers', sessionId, surveyId, round)
  }

  /** How many answer rows a survey has, over all its rounds. */
  surveyAnswered(sessionId: string, surveyId: string): number {
    return this.get<{ n: number }>('surveyAnswered', sessionId, surveyId)?.n ?? 0
  }

  /** One phone's answers to a round (JSON), to fill its form again. */
  myAnswer(sessionId: string, surveyId: string, round: number, phoneKey: string): string | undefined {
    return this.get<{ answers: string }>('myAnswer', sessionId, surveyId, round, phoneKey)?.answers
  }

  /** A phone's dots in one vote, by note. */
  myDots(sessionId: string, voteId: string, phoneKey: string): Record<string, number> {
    const out: Record<string, number> = {}
    for (const r of this.all<{ noteId: string; dots: number }>('myDots', sessionId, voteId, phoneKey)) out[r.noteId] = r.dots
    return out
  }

  /**
   * Take the lease on a session: true when this process now owns it (or already did), false
   * while another node does. Two nodes never hold it together (see READS.takeLease).
   */
  takeLease(sessionId: string): boolean {
    if (this.leases.has(sessionId)) return true
    if (!this.get<{ ok: unknown }>('takeLease', sessionId)?.ok) return false
    this.leases.add(sessionId)
    return true
  }

  /** Give a session's lease back (after its last write has committed). */
  releaseLease(sessionId: string): void {
    if (!this.leases.delete(sessionId)) return
    this.get('releaseLease', sessionId)
  }

  /** Wait for the writes already sent and close the engine; safe to call twice. */
  close(): Promise<void> {
    return this.engine.close()
  }
}
