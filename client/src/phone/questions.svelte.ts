import { ERRORS, type ErrorCode } from '../../../shared/errors.ts'
import { newClientId } from '../../../shared/ids.ts'
import { LIMITS } from '../../../shared/limits.ts'
import type { MyQuestion, PublicQuestion, QuestionList } from '../../../shared/protocol.ts'
import { byNewest, byVotes, type QuestionMode } from '../../../shared/questions.ts'
import { checkNoteText } from '../../../shared/text.ts'
import { request, type KioskSocket } from '../lib/socket.ts'
import { loadPosts, savePosts, type MyPost } from './outbox.ts'

/**
 * Questions to the speaker, seen from a phone: the room's list (one broadcast for everyone, then
 * new counts), this phone's upvotes, and the questions it asked, kept in an outbox in local
 * storage like its notes, so one written in a Wi-Fi dead spot goes out later, once.
 */
export type QuestionSort = 'votes' | 'newest'

export type QuestionNotice = { kind: 'asked' | 'queued' | 'rate_limited' | 'closed' | 'not_found' } | { kind: 'refused'; error: ErrorCode | 'timeout' }

const questionsKey = (sessionId: string): string => `kurumaza.questions.${sessionId}`
/** Errors that say "not now": the question stays queued and goes out later. */
const TRY_AGAIN: readonly ErrorCode[] = [ERRORS.rateLimited, ERRORS.unavailable]
const RETRY_MS = 10_000

export class PhoneQuestions {
  readonly sessionId: string
  mode = $state<QuestionMode>('off')
  highlight = $state<string | null>(null)
  list = $state.raw<PublicQuestion[]>([])
  /** question ids this phone has upvoted */
  upvoted = $state.raw<ReadonlySet<string>>(new Set())
  sort = $state<QuestionSort>('votes')
  asked = $state<MyPost[]>([])
  busy = $state<string[]>([])
  notice = $state<(QuestionNotice & { seq: number }) | null>(null)
  draft = $state('')

  #socket: KioskSocket | undefined
  #connected = false
  #flushing = false
  #retry: ReturnType<typeof setTimeout> | undefined
  #seq = 0

  constructor(sessionId: string) {
    this.sessionId = sessionId
    this.asked = loadPosts(sessionId, questionsKey(sessionId))
  }

  /** Questions in the order chosen; answered ones after the open ones. */
  get sorted(): PublicQuestion[] {
    const asQ = (q: PublicQuestion) => ({ id: q.id, votes: q.votes, createdAt: q.askedAt })
    const order = this.sort === 'votes' ? byVotes : byNewest
    return [...this.list].sort((a, b) => Number(a.answered) - Number(b.answered) || order(asQ(a), asQ(b)))
  }

  /** Phones may ask and upvote. */
  get open(): boolean {
    return this.mode !== 'off'
  }

  attach(socket: KioskSocket): void {
    this.#socket = socket
    socket.on('question:list', (list) => this.#onList(list))
    socket.on('question:votes', (votes) => {
      this.list = this.list.map((q) => (votes[q.id] !== undefined ? { ...q, votes: votes[q.id]! } : q))
    })
    socket.on('question:status', (q) => this.#applyMine([q]))
  }

  connected(): void {
    this.#connected = true
    void this.#flush()
    void this.refreshMine()
  }

  disconnected(): void {
    this.#connected = false
    for (const p of this.asked) if (p.state === 'sending') p.state = 'queued'
    this.#save()
  }

  destroy(): void {
    clearTimeout(this.#retry)
  }

  /** Put a question in the outbox; false when it cannot be asked (the draft stays). */
  ask(raw: string): boolean {
    const verdict = checkNoteText(raw, LIMITS.maxNoteChars)
    if (!verdict.ok) {
      this.#notify({ kind: 'refused', error: verdict.error })
      return false
    }
    this.asked.push({ id: newClientId(), text: verdict.text, at: Date.now(), state: 'queued' })
    this.#save()
    if (!this.#connected) this.#notify({ kind: 'queued' })
    else void this.#flush()
    return true
  }

  /** Upvote a question, or take the upvote back; the kiosk's count is the truth. */
  async toggle(questionId: string): Promise<void> {
    const socket = this.#socket
    if (!socket || this.busy.includes(questionId)) return
    const on = !this.upvoted.has(questionId)
    this.busy.push(questionId)
    try {
      const res = await request(socket, 'question:upvote', { questionId, on })
      if (res === undefined) return this.#notify({ kind: 'refused', error: 'timeout' })
      if (!res.ok) {
        if (res.error === ERRORS.closed || res.error === ERRORS.notFound || res.error === ERRORS.rateLimited) return this.#notify({ kind: res.error })
        return this.#notify({ kind: 'refused', error: res.error })
      }
      const next = new Set(this.upvoted)
      if (on) next.add(questionId)
      else next.delete(questionId)
      this.upvoted = next
      this.list = this.list.map((q) => (q.id === questionId ? { ...q, votes: res.votes } : q))
      this.notice = null
    } finally {
      this.busy = this.busy.filter((id) => id !== questionId)
    }
  }

  /** Ask what became of this phone's questions, and which it upvoted. */
  async refreshMine(): Promise<void> {
    const socket = this.#socket
    if (!socket || !this.#connected) return
    const ids = this.asked.filter((p) => p.state !== 'refused').map((p) => p.id)
    const res = await request(socket, 'question:mine', { ids: ids.slice(-100) })
    if (!res?.ok) return
    this.#applyMine(res.questions)
    this.upvoted = new Set(res.upvoted)
  }

  #onList(list: QuestionList): void {
    this.mode = list.mode
    this.highlight = list.highlight
    this.list = list.questions
  }

  #applyMine(questions: readonly MyQuestion[]): void {
    const byId = new Map(questions.map((q) => [q.id, q]))
    for (const post of this.asked) {
      const mine = byId.get(post.id)
      if (!mine || mine.status === 'unknown') continue
      // It arrived although its answer was lost: no need to send it again.
      if (post.state === 'queued') post.state = 'sent'
      if (post.state !== 'sent') continue
      post.status = mine.status
      post.answered = mine.answered === true
      if (mine.text !== undefined && mine.text !== post.text) {
        post.original ??= post.text
        post.text = mine.text
      }
    }
    this.#save()
  }

  /** Send the queued questions in order; stops at the first that has to wait. */
  async #flush(): Promise<void> {
    const socket = this.#socket
    if (!socket || this.#flushing) return
    this.#flushing = true
    try {
      while (this.#connected && this.#retry === undefined) {
        const post = this.asked.find((p) => p.state === 'queued')
        if (!post) break
        post.state = 'sending'
        this.#save()
        const res = await request(socket, 'question:ask', { id: post.id, text: post.text })
        if (post.state !== 'sending') break // disconnected meanwhile: queued again
        if (res === undefined || (!res.ok && TRY_AGAIN.includes(res.error))) {
          post.state = 'queued'
          if (res && !res.ok && res.error === ERRORS.rateLimited) this.#notify({ kind: 'rate_limited' })
          this.#retry = setTimeout(() => {
            this.#retry = undefined
            void this.#flush()
          }, RETRY_MS)
        } else if (res.ok) {
          post.state = 'sent'
          post.status = undefined
          this.draft = ''
          this.#notify({ kind: 'asked' })
        } else {
          post.state = 'refused'
          post.error = res.error
          this.#notify(res.error === ERRORS.closed ? { kind: 'closed' } : { kind: 'refused', error: res.error })
        }
        this.#save()
      }
    } finally {
      this.#flushing = false
    }
    void this.refreshMine()
  }

  #notify(notice: QuestionNotice): void {
    this.notice = { ...notice, seq: ++this.#seq }
  }

  #save(): void {
    savePosts(this.sessionId, $state.snapshot(this.asked), questionsKey(this.sessionId))
  }
}
