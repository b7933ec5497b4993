import {
  PATHS,
  type CreateSessionRequest,
  type HttpError,
  type SessionLinks,
  type SessionSummary,
} from '../../../shared/protocol.ts'
import { readString, writeString } from '../lib/storage.ts'

/**
 * The facilitator's token and the HTTP calls that need it. The token arrives once in the
 * address bar (from the URL printed in the terminal); it is kept in localStorage and removed
 * from the address bar at once, so it is not shown on a projected screen nor kept in history.
 */
export const TOKEN_KEY = 'kurumaza.token'

export function takeToken(): string | null {
  const url = new URL(location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    writeString(TOKEN_KEY, fromUrl)
    url.searchParams.delete('token')
    history.replaceState(history.state, '', url.pathname + url.search + url.hash)
    return fromUrl
  }
  return readString(TOKEN_KEY)
}

export type ApiErrorCode = HttpError['error'] | 'network' | 'unknown'

/** `questions.csv`: the questions to the speaker as their own CSV; `surveys.csv`: every survey answer */
export type RecordFormat = 'json' | 'md' | 'csv' | 'questions.csv' | 'surveys.csv'

/** What `GET /api/sessions/:id/export` is asked for (docs/RECORD.md). */
export interface ExportOptions {
  format: RecordFormat
  includeHidden: boolean
  /** the language of the Markdown and CSV headings */
  lang: 'ja' | 'en'
}

const sessionPath = (id: string) => `${PATHS.sessions}/${encodeURIComponent(id)}`

export class ApiError extends Error {
  readonly status: number
  readonly code: ApiErrorCode

  constructor(status: number, code: ApiErrorCode) {
    super(`${status} ${code}`)
    this.status = status
    this.code = code
  }
}

export class Facilitator {
  readonly token: string
  /** set by any 401: the stored token is not (or no longer) the kiosk's */
  unauthorized = $state(false)

  constructor(token: string) {
    this.token = token
  }

  listSessions(): Promise<SessionSummary[]> {
    return this.#json<SessionSummary[]>(PATHS.sessions)
  }

  createSession(request: CreateSessionRequest): Promise<SessionLinks> {
    return this.#json<SessionLinks>(PATHS.sessions, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    })
  }

  /** The session record as the kiosk wrote it (bytes untouched: the CSV keeps its BOM). */
  async exportRecord(id: string, options: ExportOptions): Promise<Blob> {
    const query = new URLSearchParams({ format: options.format, lang: options.lang })
    if (options.includeHidden) query.set('includeHidden', 'true')
    const res = await this.#fetch(`${sessionPath(id)}/export?${query}`)
    return res.blob()
  }

  /** A new session with the board of a JSON record (the file's text, sent as it is). */
  importRecord(json: string): Promise<SessionLinks> {
    return this.#json<SessionLinks>(`${PATHS.sessions}/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: json })
  }

  /** Close: phones become read-only; answers where the kiosk wrote the record files. */
  async closeSession(id: string): Promise<string[]> {
    const res = await this.#json<{ ok: true; files: string[] }>(`${sessionPath(id)}/close`, { method: 'POST' })
    return res.files
  }

  async reopenSession(id: string): Promise<void> {
    await this.#fetch(`${sessionPath(id)}/reopen`, { method: 'POST' })
  }

  /** A template: same title, prompts and settings, no notes. */
  duplicateSession(id: string): Promise<SessionLinks> {
    return this.#json<SessionLinks>(`${sessionPath(id)}/duplicate`, { method: 'POST' })
  }

  async deleteSession(id: string): Promise<void> {
    await this.#fetch(sessionPath(id), { method: 'DELETE' })
  }

  async #json<T>(path: string, init: RequestInit = {}): Promise<T> {
    const res = await this.#fetch(path, init)
    return (await res.json()) as T
  }

  async #fetch(path: string, init: RequestInit = {}): Promise<Response> {
    let res: Response
    try {
      res = await fetch(path, {
        ...init,
        headers: { accept: 'application/json', ...init.headers, authorization: `Bearer ${this.token}` },
      })
    } catch {
      throw new ApiError(0, 'network')
    }
    if (res.ok) return res
    if (res.status === 401) this.unauthorized = true
    throw new ApiError(res.status, await errorCode(res))
  }
}

async function errorCode(res: Response): Promise<ApiErrorCode> {
  if (res.status === 401) return 'unauthorized'
  if (res.status === 404) return 'not_found'
  if (res.status === 413) return 'payload_too_large'
  try {
    const body = (await res.json()) as Partial<HttpError>
    if (typeof body.error === 'string') return body.error
  } catch {
    // not JSON: fall through
  }
  return 'unknown'
}

export const codeOf = (err: unknown): ApiErrorCode => (err instanceof ApiError ? err.code : 'unknown')

/** The home page: the sessions list and the form that creates one. */
export class SessionsHome {
  readonly facilitator: Facilitator
  sessions = $state.raw<SessionSummary[] | null>(null)
  loadError = $state<ApiErrorCode | null>(null)
  creating = $state(false)
  createError = $state<ApiErrorCode | null>(null)

  constructor(facilitator: Facilitator) {
    this.facilitator = facilitator
  }

  async load(): Promise<void> {
    try {
      this.sessions = await this.facilitator.listSessions()
      this.loadError = null
    } catch (err) {
      this.loadError = codeOf(err)
    }
  }

  /** Editing the form again takes back the last refusal. */
  clearCreateError(): void {
    this.createError = null
  }

  /** The new session's links, or undefined with `createError` set to the kiosk's reason. */
  async create(title: string, prompt: string): Promise<SessionLinks | undefined> {
    if (this.creating) return undefined
    this.creating = true
    this.createError = null
    try {
      const request: CreateSessionRequest = prompt.trim() ? { title, prompt } : { title }
      return await this.facilitator.createSession(request)
    } catch (err) {
      this.createError = codeOf(err)
      return undefined
    } finally {
      this.creating = false
    }
  }
}
