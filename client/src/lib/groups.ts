import type { Group, Note } from '../../../shared/board.ts'

/**
 * KJ-method groups as a tree, and dot-vote results as a ranking: what the console and the board
 * both show, as pure functions of what they read from the document (tests/unit/groups.test.ts).
 */
export interface GroupNode {
  group: Group
  /** names from the top group down to this one */
  path: string[]
  depth: number
  children: GroupNode[]
  /** the notes directly in this group, in their order */
  notes: Note[]
}

export interface GroupTree {
  roots: GroupNode[]
  /** notes in no group, or in a group that no longer exists */
  ungrouped: Note[]
  /** every node, depth first (a parent before its children) */
  all: GroupNode[]
}

/** A note's place in its group or column: its `order` when it was moved, else when it arrived. */
export function byPlace(a: Note, b: Note): number {
  return (a.order ?? a.createdAt) - (b.order ?? b.createdAt) || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/** `groups` as readGroups returns them (ordered, parents without cycles). */
export function groupTree(groups: readonly Group[], notes: readonly Note[]): GroupTree {
  const nodes = new Map<string, GroupNode>()
  for (const g of groups) nodes.set(g.id, { group: g, path: [], depth: 0, children: [], notes: [] })
  const roots: GroupNode[] = []
  for (const g of groups) {
    const node = nodes.get(g.id)!
    const parent = g.parentId === null ? undefined : nodes.get(g.parentId)
    if (parent) parent.children.push(node)
    else roots.push(node)
  }
  const ungrouped: Note[] = []
  for (const n of notes) {
    const node = n.groupId === null ? undefined : nodes.get(n.groupId)
    if (node) node.notes.push(n)
    else ungrouped.push(n)
  }
  const all: GroupNode[] = []
  const walk = (node: GroupNode, path: string[], depth: number, seen: Set<string>): void => {
    if (seen.has(node.group.id)) return
    seen.add(node.group.id)
    node.path = [...path, node.group.name]
    node.depth = depth
    node.notes.sort(byPlace)
    all.push(node)
    for (const child of node.children) walk(child, node.path, depth + 1, seen)
  }
  const seen = new Set<string>()
  for (const root of roots) walk(root, [], 0, seen)
  ungrouped.sort(byPlace)
  return { roots, ungrouped, all }
}

/** Notes in this group and in every group inside it. */
export function notesWithin(node: GroupNode): Note[] {
  return [...node.notes, ...node.children.flatMap(notesWithin)]
}

/** The group's id and the ids of every group inside it (where it may not be nested). */
export function selfAndDescendants(node: GroupNode): Set<string> {
  const out = new Set<string>([node.group.id])
  for (const child of node.children) for (const id of selfAndDescendants(child)) out.add(id)
  return out
}

export const PATH_SEPARATOR = ' › '

/**
 * A group's name for a list of places, its own name first and where it sits after
 * (「窓口（住民サービスの中）」), so a narrow select never hides the part that tells groups
 * apart. `inside` words it in the page's language.
 */
export function placeName(node: Pick<GroupNode, 'path'>, inside: (own: string, parent: string) => string): string {
  const own = node.path.at(-1) ?? ''
  return node.path.length > 1 ? inside(own, node.path.slice(0, -1).join(PATH_SEPARATOR)) : own
}

export interface Ranked {
  note: Note
  votes: number
  /** 1 for the most dots; notes with as many dots share a rank (1, 2, 2, 4) */
  rank: number
}

/** Notes with at least one dot, most dots first; ties keep the order the notes arrived in. */
export function rankByVotes(notes: readonly Note[], votes: ReadonlyMap<string, number>): Ranked[] {
  const counted = notes
    .map((note) => ({ note, votes: votes.get(note.id) ?? 0 }))
    .filter((r) => r.votes > 0)
    .sort((a, b) => b.votes - a.votes || a.note.createdAt - b.note.createdAt || (a.note.id < b.note.id ? -1 : 1))
  const ranked: Ranked[] = []
  counted.forEach((r, i) => {
    const prev = ranked[i - 1]
    ranked.push({ ...r, rank: prev && prev.votes === r.votes ? prev.rank : i + 1 })
  })
  return ranked
}

/** Dots as a short picture and a number, e.g. "●●● 3"; past `max` dots "●●●●●+ 12". */
export function dotsText(n: number, max = 5): string {
  if (n <= 0) return ''
  return n <= max ? `${'●'.repeat(n)} ${n}` : `${'●'.repeat(max)}+ ${n}`
}
