import { ERROR_CODES, type ErrorCode } from '../../../shared/errors.ts'
import type { MyNoteStatus } from '../../../shared/protocol.ts'
import { readJson, writeJson } from '../lib/storage.ts'

/**
 * What this phone wrote in one session, kept in localStorage so that a note written in a Wi-Fi
 * dead spot, or just before the browser was closed, still goes out later with the same id.
 * The outbox is the part of this list not yet acknowledged (`queued` or `sending`).
 */
export type PostState = 'queued' | 'sending' | 'sent' | 'refused'

export interface MyPost {
  /** the phone's idempotency id, from newClientId() */
  id: string
  text: string
  /** when it was written, epoch ms (local clock; only for ordering) */
  at: number
  state: PostState
  /** why the kiosk refused it */
  error?: ErrorCode
  /** what became of it on the board, from `note:mine` */
  status?: MyNoteStatus
  /** the facilitator corrected its text: `text` is the board's, this was what the phone sent */
  original?: string
  /** a question the speaker has answered */
  answered?: boolean
}

/** Old settled notes beyond this are forgotten; unsent ones never are. */
const KEEP = 60

export const postsKey = (sessionId: string): string => `kurumaza.notes.${sessionId}`

const STATES: readonly PostState[] = ['queued', 'sending', 'sent', 'refused']
const BOARD_STATUSES: readonly MyNoteStatus[] = ['visible', 'pending', 'hidden', 'deleted', 'unknown']

function parsePost(value: unknown): MyPost | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const v = value as Record<string, unknown>
  if (typeof v.id !== 'string' || typeof v.text !== 'string' || typeof v.at !== 'number') return undefined
  if (!STATES.includes(v.state as PostState)) return undefined
  const post: MyPost = { id: v.id, text: v.text, at: v.at, state: v.state as PostState }
  // A page closed while a note was in flight cannot know whether it arrived: send it again.
  if (post.state === 'sending') post.state = 'queued'
  if (ERROR_CODES.includes(v.error as ErrorCode)) post.error = v.error as ErrorCode
  if (BOARD_STATUSES.includes(v.status as MyNoteStatus)) post.status = v.status as MyNoteStatus
  if (typeof v.original === 'string') post.original = v.original
  if (v.answered === true) post.answered = true
  return post
}

/** `key`: another list of the same shape (the questions this phone asked) */
export function loadPosts(sessionId: string, key = postsKey(sessionId)): MyPost[] {
  const raw = readJson(key)
  if (!Array.isArray(raw)) return []
  return raw.map(parsePost).filter((p): p is MyPost => p !== undefined)
}

export function savePosts(sessionId: string, posts: readonly MyPost[], key = postsKey(sessionId)): void {
  writeJson(key, trimPosts(posts))
}

/** Keep every unsent note and the newest settled ones, in their original order. */
export function trimPosts(posts: readonly MyPost[], keep = KEEP): MyPost[] {
  const settled = posts.filter((p) => p.state === 'sent' || p.state === 'refused')
  const drop = new Set(settled.slice(0, Math.max(0, settled.length - keep)).map((p) => p.id))
  return posts.filter((p) => !drop.has(p.id))
}

/** The label key for a post, the board's verdict winning over "sent". */
export function postLabel(post: MyPost): `mine.${PostState | Exclude<MyNoteStatus, 'unknown'>}` {
  if (post.state === 'sent' && post.status && post.status !== 'unknown') return `mine.${post.status}`
  return `mine.${post.state}`
}
