import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import type { Activity, Group, MetaFields, Note, Prompt, RoundResults, Survey } from '../../../shared/board.ts'
import { currentActivity, readAgenda, readGroups, readMeta, readNotes, readPrompts, readResults, readSurveys, readSurveyWordEdits, readVotes, resultsKey, surveyTurnoutMap } from '../../../shared/board-doc.ts'
import type { WordEdits } from '../../../shared/survey.ts'
import { PATHS, type ServerPresence } from '../../../shared/protocol.ts'
import type { Question, QuestionMode } from '../../../shared/questions.ts'
import { readQuestionHighlight, readQuestionMode, readQuestions, readQuestionsOnBoard } from '../../../shared/questions-doc.ts'
import { getJson, wsOrigin } from './page.ts'

/**
 * A session's board document over y-websocket, for the projector (read-only, with the board
 * key) and the console (read-write, with the facilitator token). y-websocket reconnects by
 * itself; this class turns its events into states a page can show.
 */
export type RoomStatus = 'connecting' | 'connected' | 'reconnecting' | 'refused' | 'not_found'

export type RoomAccess = { key: string } | { token: string }

/** Failed attempts, never once open, before we ask over HTTP whether the server is there at all. */
const FAILURES_BEFORE_PROBE = 3

function isPresence(state: unknown): state is ServerPresence {
  const k = (state as Partial<ServerPresence> | null)?.kurumaza
  return typeof k === 'object' && k !== null && typeof k.phones === 'number'
}

export class BoardRoom {
  readonly sessionId: string
  readonly doc = new Y.Doc()
  status = $state<RoomStatus>('connecting')
  /** true once the first full copy of the document has arrived */
  synced = $state(false)
  notes = $state.raw<Note[]>([])
  groups = $state.raw<Group[]>([])
  prompts = $state.raw<Prompt[]>([])
  /** dots per note of the current or last vote (a board gets them only once they may be shown) */
  votes = $state.raw<ReadonlyMap<string, number>>(new Map())
  /** the defaults until the first sync */
  meta = $state.raw<MetaFields>(readMeta(this.doc))
  /** the agenda in order (a board has the current activity only) */
  agenda = $state.raw<Activity[]>([])
  activity = $state.raw<Activity | undefined>(undefined)
  /** surveys with their rounds (a board has the current activity's survey only) */
  surveys = $state.raw<Survey[]>([])
  /** `<survey id>:<round>` → counts (a board has them only while they may be shown) */
  results = $state.raw<ReadonlyMap<string, RoundResults>>(new Map())
  /** survey id → its questions' hidden and merged words (the console's document only: a board never has them) */
  wordEdits = $state.raw<ReadonlyMap<string, WordEdits[]>>(new Map())
  /** a hidden round's turnout (a board's own key): how many answered, not what */
  turnout = $state.raw<ReadonlyMap<string, number>>(new Map())
  /** questions to the speaker, newest first (a board has only the visible ones) */
  questions = $state.raw<Question[]>([])
  questionMode = $state<QuestionMode>('off')
  /** the question being answered, shown large on the board */
  questionHighlight = $state<string | null>(null)
  /** the board shows the questions instead of the wall */
  questionsOnBoard = $state(false)
  /** phones connected, as the server last said; null until it has said anything */
  phones = $state<number | null>(null)

  #provider: WebsocketProvider | undefined
  #access: RoomAccess
  #everSynced = false
  #failures = 0
  #probing = false

  constructor(sessionId: string, access: RoomAccess) {
    this.sessionId = sessionId
    this.#access = access
  }

  start(): void {
    const params: Record<string, string> = 'key' in this.#access ? { key: this.#access.key } : { token: this.#access.token }
    // No BroadcastChannel: a board tab must only ever see what its own key lets it see.
    const provider = new WebsocketProvider(wsOrigin() + PATHS.yjs, this.sessionId, this.doc, { params, disableBc: true })
    this.#provider = provider
    // The board has nothing to say about itself; only the server's presence matters.
    provider.awareness.setLocalState(null)

    this.doc.on('update', this.#read)
    // "Connected" means synced: a server may open the socket and then close it to refuse us.
    provider.on('sync', (synced: boolean) => {
      if (!synced) return
      this.#read()
      this.synced = true
      this.#everSynced = true
      this.#failures = 0
      this.status = 'connected'
    })
    provider.on('connection-close', () => {
      if (this.status === 'refused' || this.status === 'not_found') return
      const wasGood = provider.synced
      this.status = this.#everSynced ? 'reconnecting' : 'connecting'
      if (wasGood) return
      this.#failures++
      if (!this.#everSynced && this.#failures >= FAILURES_BEFORE_PROBE) void this.#probe()
    })
    // A server that closes with a 44xx code means "do not come back"; y-websocket stops retrying.
    provider.on('closed', () => void this.#probe(true))
    provider.awareness.on('change', this.#readPresence)
  }

  destroy(): void {
    this.#provider?.destroy()
    this.doc.destroy()
  }

  #read = (): void => {
    this.notes = readNotes(this.doc)
    this.meta = readMeta(this.doc)
    this.groups = readGroups(this.doc)
    this.prompts = readPrompts(this.doc)
    this.votes = readVotes(this.doc)
    this.agenda = readAgenda(this.doc)
    this.activity = currentActivity(this.doc, this.agenda)
    this.surveys = readSurveys(this.doc)
    const results = new Map<string, RoundResults>()
    for (const s of this.surveys) {
      for (const r of s.rounds) {
        const counted = readResults(this.doc, s.id, r.round)
        if (counted) results.set(resultsKey(s.id, r.round), counted)
      }
    }
    this.results = results
    this.wordEdits = new Map(this.surveys.map((s) => [s.id, readSurveyWordEdits(this.doc, s.id, s.questions.length)]))
    this.turnout = new Map([...surveyTurnoutMap(this.doc).entries()].filter((e): e is [string, number] => typeof e[1] === 'number'))
    this.questions = readQuestions(this.doc)
    this.questionMode = readQuestionMode(this.doc)
    this.questionHighlight = readQuestionHighlight(this.doc)
    this.questionsOnBoard = readQuestionsOnBoard(this.doc)
  }

  #readPresence = (): void => {
    for (const state of this.#provider?.awareness.getStates().values() ?? []) {
      if (isPresence(state)) {
        this.phones = state.kurumaza.phones
        return
      }
    }
    // While disconnected y-websocket drops every remote state: keep showing the last count.
  }

  /**
   * The upgrade was refused before the socket ever opened, which a browser cannot tell apart from
   * a server that is down. If the kiosk answers over HTTP, it is up and refused us: a wrong key,
   * a wrong token, or an unknown session.
   */
  async #probe(final = false): Promise<void> {
    if (this.#probing) return
    this.#probing = true
    try {
      const res = await getJson(`${PATHS.sessions}/${encodeURIComponent(this.sessionId)}/join`)
      if (res.status === 404) this.#stop('not_found')
      else if (res.status < 500) this.#stop('refused')
    } catch {
      // Unreachable: keep trying (y-websocket backs off), unless the server already said no for good.
      if (final) this.#stop('refused')
    } finally {
      this.#probing = false
    }
  }

  #stop(status: 'refused' | 'not_found'): void {
    this.status = status
    this.#provider?.disconnect()
  }
}
