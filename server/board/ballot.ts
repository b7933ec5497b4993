import type * as Y from 'yjs'
import { groupPath, inVoteScope, readGroups, readNotes, readVotes } from '../../shared/board-doc.ts'
import type { Group, Note, VoteSettings } from '../../shared/board.ts'
import type { BallotNote, VoteResult } from '../../shared/protocol.ts'

/**
 * What a vote covers and what it found, as plain functions over a session's Y.Doc: the ballot
 * holds the notes the board showed when the vote opened (its prompts only), in the board's
 * group order, each with its group's name so a phone can show the ballot grouped.
 */
export const GROUP_SEPARATOR = ' › '

/** The visible notes a vote covers right now. */
export function notesInScope(doc: Y.Doc, vote: Pick<VoteSettings, 'promptIds'>): Note[] {
  return readNotes(doc).filter((n) => n.status === 'visible' && inVoteScope(vote, n))
}

/** The ballot's notes among `ids`, grouped as on the board (groups in order, ungrouped last). */
export function ballotNotes(doc: Y.Doc, ids: ReadonlySet<string>): BallotNote[] {
  const groups = readGroups(doc)
  const rank = groupOrder(groups)
  const notes = readNotes(doc).filter((n) => n.status === 'visible' && ids.has(n.id))
  const place = (n: Note) => (n.groupId !== null && rank.has(n.groupId) ? rank.get(n.groupId)! : rank.size)
  const order = (n: Note) => n.order ?? n.createdAt
  return notes
    .map((n, i) => ({ n, i }))
    .sort((a, b) => place(a.n) - place(b.n) || order(a.n) - order(b.n) || a.i - b.i)
    .map(({ n }) => {
      const path = n.groupId !== null && rank.has(n.groupId) ? groupPath(groups, n.groupId) : []
      return path.length > 0 ? { noteId: n.id, text: n.text, group: path.join(GROUP_SEPARATOR) } : { noteId: n.id, text: n.text }
    })
}

/** Groups depth first (a parent, then its children), as the board lays them out. */
function groupOrder(groups: readonly Group[]): Map<string, number> {
  const children = new Map<string | null, Group[]>()
  for (const g of groups) children.set(g.parentId, [...(children.get(g.parentId) ?? []), g])
  const out = new Map<string, number>()
  const visit = (parent: string | null) => {
    for (const g of children.get(parent) ?? []) {
      if (out.has(g.id)) continue
      out.set(g.id, out.size)
      visit(g.id)
    }
  }
  visit(null)
  return out
}

/** A vote's ranking: visible notes with dots, most first; equal counts share a rank. */
export function ranking(doc: Y.Doc, limit = Infinity): VoteResult['ranking'] {
  const votes = readVotes(doc)
  const ranked = readNotes(doc)
    .filter((n) => n.status === 'visible' && (votes.get(n.id) ?? 0) > 0)
    .map((n) => ({ noteId: n.id, text: n.text, votes: votes.get(n.id)! }))
    .sort((a, b) => b.votes - a.votes)
  let rank = 0
  return ranked.slice(0, limit).map((r, i) => {
    if (i === 0 || ranked[i - 1]!.votes !== r.votes) rank = i + 1
    return { ...r, rank }
  })
}
