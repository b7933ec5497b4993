import type { Records } from '../context.ts'
import type { LiveSession } from './session.ts'

/**
 * What the kiosk remembers about a session's questions outside its document: which phone asked
 * which (its own id for it, so a resend is answered, and its device, so it hears what became of
 * it) and who upvoted what (so each phone counts once). The database holds the same rows (they
 * are stored in the commit that changes the board); this is their copy in memory, read from the
 * database the first time a session's questions are touched after it was loaded.
 */
export class QuestionBook {
  private readonly sent = new Map<string, string>()
  private readonly owners = new Map<string, { clientId: string; deviceId: string | null }>()
  private readonly voters = new Map<string, Set<string>>()
  private readonly byPhone = new Map<string, Set<string>>()

  constructor(asked: Array<{ clientId: string; questionId: string; deviceId: string | null }>, upvotes: Array<{ questionId: string; phoneKey: string }>) {
    for (const a of asked) this.asked(a.clientId, a.questionId, a.deviceId)
    for (const u of upvotes) this.upvoted(u.questionId, u.phoneKey, true)
  }

  /** A phone's question is stored: a resend of its id is answered with this question. */
  asked(clientId: string, questionId: string, deviceId: string | null): void {
    this.sent.set(clientId, questionId)
    this.owners.set(questionId, { clientId, deviceId })
  }

  questionOf(clientId: string): string | undefined {
    return this.sent.get(clientId)
  }

  ownerOf(questionId: string): { clientId: string; deviceId: string | null } | undefined {
    return this.owners.get(questionId)
  }

  hasUpvoted(questionId: string, phoneKey: string): boolean {
    return this.voters.get(questionId)?.has(phoneKey) === true
  }

  /** A phone's upvote is stored (on) or taken back (off). */
  upvoted(questionId: string, phoneKey: string, on: boolean): void {
    const voters = this.voters.get(questionId) ?? new Set<string>()
    const mine = this.byPhone.get(phoneKey) ?? new Set<string>()
    if (on) {
      voters.add(phoneKey)
      mine.add(questionId)
      this.voters.set(questionId, voters)
      this.byPhone.set(phoneKey, mine)
    } else {
      voters.delete(phoneKey)
      mine.delete(questionId)
      if (voters.size === 0) this.voters.delete(questionId)
      if (mine.size === 0) this.byPhone.delete(phoneKey)
    }
  }

  /** The questions this phone has upvoted. */
  upvotedBy(phoneKey: string): string[] {
    return [...(this.byPhone.get(phoneKey) ?? [])]
  }

  /** A deleted question: its upvotes go (their rows are deleted in the same commit). */
  forget(questionId: string): void {
    for (const phone of this.voters.get(questionId) ?? []) this.upvoted(questionId, phone, false)
    this.voters.delete(questionId)
  }
}

const books = new WeakMap<LiveSession, QuestionBook>()

/** The session's book, read from the database on first use (a session unloaded and loaded again starts afresh). */
export function questionBook(records: Pick<Records, 'questionIds' | 'upvotes'>, session: LiveSession): QuestionBook {
  let book = books.get(session)
  if (!book) {
    book = new QuestionBook(records.questionIds(session.id), records.upvotes(session.id))
    books.set(session, book)
  }
  return book
}
