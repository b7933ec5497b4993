import * as Y from 'yjs'
import type { PublicQuestion, QuestionList } from '../../shared/protocol.ts'
import { QUESTION_META } from '../../shared/questions.ts'
import { questionsMap, readQuestion, readQuestionHighlight, readQuestionMode, readQuestions } from '../../shared/questions-doc.ts'
import { metaMap } from '../../shared/board-doc.ts'
import type { Kiosk } from '../context.ts'
import { questionBook } from '../sessions/question-book.ts'
import type { LiveSession } from '../sessions/session.ts'
import { myQuestion } from './questions.ts'
import { deviceRoom, phonesRoom, type KioskServer, type KioskSocket } from './socket.ts'

/**
 * What phones hear of the questions. The list is the same for every phone, so it goes to the
 * session's room as one broadcast (Socket.io encodes it once for all), never a message per phone
 * per upvote: changes are gathered and sent at most once per `questionListIntervalMs`, the
 * first at once. When only counts changed since the last list, phones get just the new counts
 * (`question:votes`), a few bytes per question. Only visible questions ever leave here, and
 * only their public fields; each phone hears about its own questions separately.
 */
export function questionList(doc: Y.Doc): QuestionList {
  const questions: PublicQuestion[] = []
  for (const q of readQuestions(doc)) {
    if (q.status === 'visible') questions.push({ id: q.id, text: q.text, votes: q.votes, answered: q.answered, askedAt: q.createdAt })
  }
  const highlight = readQuestionHighlight(doc)
  return { mode: readQuestionMode(doc), highlight: highlight && questions.some((q) => q.id === highlight) ? highlight : null, questions }
}

/** A phone that connects gets the list as it stands. */
export function greetWithQuestions(session: LiveSession, socket: KioskSocket): void {
  if (socket.data.role === 'phone') socket.emit('question:list', questionList(session.doc))
}

interface Pending {
  /** something other than counts changed: the whole list goes */
  whole: boolean
  /** questions whose count changed */
  counts: Set<string>
  timer: NodeJS.Timeout | undefined
  lastSent: number
}

const META_KEYS = new Set<string>([QUESTION_META.mode, QUESTION_META.highlight])

export function attachQuestionLists(io: KioskServer, kiosk: Kiosk): () => void {
  const interval = kiosk.config.limits.questionListIntervalMs
  const pending = new Map<string, Pending>()
  const watched = new WeakSet<LiveSession>()

  const flush = (session: LiveSession, p: Pending) => {
    p.timer = undefined
    p.lastSent = Date.now()
    const room = phonesRoom(session.id)
    if (p.whole) io.to(room).emit('question:list', questionList(session.doc))
    else if (p.counts.size > 0) {
      const votes: Record<string, number> = {}
      for (const id of p.counts) {
        const q = readQuestion(id, questionsMap(session.doc).get(id))
        if (q?.status === 'visible') votes[id] = q.votes
      }
      if (Object.keys(votes).length > 0) io.to(room).emit('question:votes', votes)
    }
    p.whole = false
    p.counts.clear()
  }

  const schedule = (session: LiveSession, whole: boolean, counts: Iterable<string>) => {
    let p = pending.get(session.id)
    if (!p) pending.set(session.id, (p = { whole: false, counts: new Set(), timer: undefined, lastSent: 0 }))
    p.whole ||= whole
    for (const id of counts) p.counts.add(id)
    if (p.timer) return
    const entry = p
    entry.timer = setTimeout(() => flush(session, entry), Math.max(0, entry.lastSent + interval - Date.now()))
    entry.timer.unref()
  }

  /** The phone that asked a question hears what became of it. */
  const tellOwner = (session: LiveSession, questionId: string) => {
    const owner = questionBook(kiosk.records, session).ownerOf(questionId)
    if (owner?.deviceId) io.to(deviceRoom(session.id, owner.deviceId)).emit('question:status', myQuestion(session, owner.clientId, questionId))
  }

  const watch = (session: LiveSession) => {
    if (watched.has(session)) return
    watched.add(session)
    const questions = questionsMap(session.doc)
    questions.observeDeep((events) => {
      let whole = false
      const counts = new Set<string>()
      const owners = new Set<string>()
      for (const event of events) {
        if (event.target === questions) {
          whole = true
          for (const [key, change] of event.changes.keys) if (change.action !== 'add') owners.add(key)
        } else if (event.target.parent === questions) {
          const id = event.target._item?.parentSub
          if (!id) continue
          const keys = event.changes.keys
          if (keys.has('votes')) counts.add(id)
          if ([...keys.keys()].some((k) => k !== 'votes')) whole = true
          if (keys.has('status') || keys.has('answered') || keys.has('text')) owners.add(id)
        }
      }
      schedule(session, whole, counts)
      for (const id of owners) tellOwner(session, id)
    })
    metaMap(session.doc).observe((event) => {
      if ([...event.keysChanged].some((k) => META_KEYS.has(k))) schedule(session, true, [])
    })
  }

  for (const session of kiosk.sessions.loaded()) watch(session)
  const offLoaded = kiosk.sessions.events.loaded.on(watch)
  const forget = (id: string) => {
    clearTimeout(pending.get(id)?.timer)
    pending.delete(id)
  }
  const offUnloaded = kiosk.sessions.events.unloaded.on(forget)
  const offDeleted = kiosk.sessions.events.deleted.on(forget)
  return () => {
    offLoaded()
    offUnloaded()
    offDeleted()
    for (const p of pending.values()) clearTimeout(p.timer)
    pending.clear()
  }
}
