import { LIMITS } from '../../../shared/limits.ts'
import type { SessionLinks } from '../../../shared/protocol.ts'
import { saveBlob } from '../lib/download.ts'
import { codeOf, type ApiErrorCode, type ExportOptions, type Facilitator, type RecordFormat } from './facilitator.svelte.ts'
import { sessionFileName } from '../lib/file-name.ts'

/**
 * What the console does with a session's record (docs/RECORD.md): download it, close the
 * session (the kiosk writes the record files), reopen it, duplicate it as a template, delete
 * it, or import a record as a new session. The archive list and the session page share it.
 */
export type RecordAction = 'export' | 'close' | 'reopen' | 'duplicate' | 'delete'

/** Why an import was refused: the kiosk's code, or what the page found before sending. */
export type ImportError = ApiErrorCode | 'not_json'

export type RecordOutcome =
  | { kind: 'exported'; id: string; fileName: string; seq: number }
  | { kind: 'closed' | 'reopened' | 'deleted'; id: string; title: string; seq: number }
  | { kind: 'failed'; id: string; action: RecordAction; why: ApiErrorCode; seq: number }

/** The largest record the kiosk imports (its own limit): said before uploading. */
export const MAX_IMPORT_BYTES = LIMITS.maxImportBytes

const EXTENSIONS: Record<RecordFormat, string> = { json: 'json', md: 'md', csv: 'csv', 'questions.csv': 'questions.csv', 'surveys.csv': 'surveys.csv' }

/** Enough of a session to name its files and its confirmations. */
export interface RecordSubject {
  id: string
  title: string
  createdAt: number
}

export class RecordActions {
  readonly facilitator: Facilitator
  /** `<action>:<session id>` of what is on its way, so its button waits */
  busy = $state<string[]>([])
  /** the paths of the files the kiosk wrote when it closed a session, by session id */
  files = $state<Record<string, string[]>>({})
  /** the last thing done or refused, for the live region next to the buttons */
  outcome = $state.raw<RecordOutcome | null>(null)
  importing = $state(false)
  importError = $state<ImportError | null>(null)

  #seq = 0

  constructor(facilitator: Facilitator) {
    this.facilitator = facilitator
  }

  isBusy(id: string, action: RecordAction): boolean {
    return this.busy.includes(`${action}:${id}`)
  }

  /** Fetch the record with the token and save it as `<date>_<title>.<ext>`; true when saved. */
  download(session: RecordSubject, options: ExportOptions): Promise<boolean> {
    return this.#run(session, 'export', async () => {
      const blob = await this.facilitator.exportRecord(session.id, options)
      const fileName = sessionFileName(session.createdAt, session.title, EXTENSIONS[options.format])
      saveBlob(blob, fileName)
      this.outcome = { kind: 'exported', id: session.id, fileName, seq: ++this.#seq }
    })
  }

  close(session: RecordSubject): Promise<boolean> {
    return this.#run(session, 'close', async () => {
      const files = await this.facilitator.closeSession(session.id)
      this.files = { ...this.files, [session.id]: files }
      this.outcome = { kind: 'closed', id: session.id, title: session.title, seq: ++this.#seq }
    })
  }

  reopen(session: RecordSubject): Promise<boolean> {
    return this.#run(session, 'reopen', async () => {
      await this.facilitator.reopenSession(session.id)
      this.outcome = { kind: 'reopened', id: session.id, title: session.title, seq: ++this.#seq }
    })
  }

  /** The template's links, or undefined (the reason is in `outcome`). */
  async duplicate(session: RecordSubject): Promise<SessionLinks | undefined> {
    let links: SessionLinks | undefined
    await this.#run(session, 'duplicate', async () => {
      links = await this.facilitator.duplicateSession(session.id)
    })
    return links
  }

  remove(session: RecordSubject): Promise<boolean> {
    return this.#run(session, 'delete', async () => {
      await this.facilitator.deleteSession(session.id)
      this.outcome = { kind: 'deleted', id: session.id, title: session.title, seq: ++this.#seq }
    })
  }

  /** A new session from a JSON record file; its links, or undefined with `importError` set. */
  async importFile(file: File): Promise<SessionLinks | undefined> {
    if (this.importing) return undefined
    this.importError = null
    if (file.size > MAX_IMPORT_BYTES) {
      this.importError = 'payload_too_large'
      return undefined
    }
    this.importing = true
    try {
      const text = await file.text()
      try {
        JSON.parse(text)
      } catch {
        this.importError = 'not_json'
        return undefined
      }
      return await this.facilitator.importRecord(text)
    } catch (err) {
      this.importError = codeOf(err)
      return undefined
    } finally {
      this.importing = false
    }
  }

  async #run(session: RecordSubject, action: RecordAction, work: () => Promise<void>): Promise<boolean> {
    const key = `${action}:${session.id}`
    if (this.busy.includes(key)) return false
    this.busy.push(key)
    try {
      await work()
      return true
    } catch (err) {
      this.outcome = { kind: 'failed', id: session.id, action, why: codeOf(err), seq: ++this.#seq }
      return false
    } finally {
      this.busy = this.busy.filter((k) => k !== key)
    }
  }
}
