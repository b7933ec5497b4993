import * as Y from 'yjs'
import { DOC_KEYS } from '../../shared/board.ts'
import { groupsMap, metaMap, notesMap, promptsMap, readMeta, votesMap } from '../../shared/board-doc.ts'
import { SERVER_ORIGIN } from './rules.ts'

/* eslint-disable @typescript-eslint/no-explicit-any -- Yjs' own types for nested maps */
/**
 * The board's document is a projection of the facilitator's: what the room may see, and nothing
 * else. Pending and hidden notes are left out, notes still face down carry no text, and vote
 * counts appear only when the facilitator lets them. Read-only connections are served this
 * document, so what only the facilitator should see never reaches a board's browser at all.
 */
type Fields = Record<string, unknown>

const NOTE_FIELDS = ['text', 'createdAt', 'status', 'promptId', 'groupId', 'order'] as const

function publicNote(entry: unknown, faceDown: boolean): Fields | undefined {
  if (!(entry instanceof Y.Map) || entry.get('status') !== 'visible') return undefined
  const out: Fields = {}
  for (const k of NOTE_FIELDS) if (entry.get(k) !== undefined) out[k] = entry.get(k)
  if (faceDown) {
    out.text = ''
    out.faceDown = true
  }
  return out
}

function entryFields(entry: unknown): Fields | undefined {
  return entry instanceof Y.Map ? (entry.toJSON() as Fields) : undefined
}

const same = (a: unknown, b: unknown) => a === b || (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && JSON.stringify(a) === JSON.stringify(b))

/** Make `target[key]` a Y.Map with exactly `fields`, touching only what differs. */
function syncEntry(target: Y.Map<Y.Map<unknown>>, key: string, fields: Fields | undefined): void {
  if (!fields) {
    if (target.has(key)) target.delete(key)
    return
  }
  let entry = target.get(key)
  if (!(entry instanceof Y.Map)) {
    entry = new Y.Map<unknown>()
    for (const [k, v] of Object.entries(fields)) entry.set(k, v)
    target.set(key, entry)
    return
  }
  for (const [k, v] of Object.entries(fields)) if (!same(entry.get(k), v)) entry.set(k, v)
  for (const k of [...entry.keys()]) if (!(k in fields)) entry.delete(k)
}

function syncAll(source: Y.Map<any>, target: Y.Map<Y.Map<unknown>>, fieldsOf: (entry: unknown) => Fields | undefined): void {
  for (const key of [...target.keys()]) if (!source.has(key)) target.delete(key)
  source.forEach((entry, key) => syncEntry(target, key, fieldsOf(entry)))
}

function syncFlat(source: Y.Map<any>, target: Y.Map<any>, keep: (key: string) => boolean = () => true): void {
  for (const key of [...target.keys()]) if (!source.has(key) || !keep(key)) target.delete(key)
  source.forEach((v, key) => {
    if (keep(key) && !same(target.get(key), v)) target.set(key, v)
  })
}

function votesVisible(full: Y.Doc): boolean {
  const vote = readMeta(full).vote
  return vote !== null && (vote.showLive || !vote.open)
}

/** Bring the whole board document in line with the facilitator's. */
export function projectAll(full: Y.Doc, board: Y.Doc): void {
  const faceDown = readMeta(full).faceDown
  board.transact(() => {
    syncFlat(metaMap(full), metaMap(board), (k) => k !== 'moderation')
    syncAll(notesMap(full), notesMap(board), (e) => publicNote(e, faceDown))
    syncAll(groupsMap(full), groupsMap(board), entryFields)
    syncAll(promptsMap(full), promptsMap(board), entryFields)
    if (votesVisible(full)) syncFlat(votesMap(full), votesMap(board))
    else votesMap(board).clear()
  }, SERVER_ORIGIN)
}

/**
 * Bring the board document in line after one transaction of the facilitator's, touching only
 * the notes it changed (a burst of new notes costs one note each, not the whole board each).
 */
export function projectChanges(full: Y.Doc, board: Y.Doc, tr: Y.Transaction): void {
  const meta = metaMap(full) as Y.AbstractType<any>
  const notes = notesMap(full) as Y.AbstractType<any>
  const votes = votesMap(full) as Y.AbstractType<any>
  if (tr.changed.has(meta)) return projectAll(full, board)
  const touched = new Set<string>()
  const counted = new Set<string>()
  let others = false
  for (const [type, keys] of tr.changed) {
    if (type === notes) {
      for (const k of keys) if (k !== null) touched.add(k)
    } else if (type.parent === notes && type._item?.parentSub) {
      touched.add(type._item.parentSub)
    } else if (type === votes) {
      // a dot: copy the changed counts alone, not the whole board
      for (const k of keys) if (k !== null) counted.add(k)
    } else {
      others = true
    }
  }
  if (others) return projectAll(full, board)
  const showVotes = counted.size > 0 && votesVisible(full)
  if (touched.size === 0 && !showVotes) return
  const faceDown = readMeta(full).faceDown
  board.transact(() => {
    for (const id of touched) syncEntry(notesMap(board), id, publicNote(notesMap(full).get(id), faceDown))
    if (showVotes) {
      const from = votesMap(full)
      const to = votesMap(board)
      for (const id of counted) {
        const v = from.get(id)
        if (v === undefined) to.delete(id)
        else if (to.get(id) !== v) to.set(id, v)
      }
    }
  }, SERVER_ORIGIN)
}

export const PROJECTED_KEYS = [DOC_KEYS.meta, DOC_KEYS.notes, DOC_KEYS.groups, DOC_KEYS.prompts, DOC_KEYS.votes] as const
