import * as Y from 'yjs'
import { groupsMap, notesMap, readGroups } from './board-doc.ts'

/**
 * KJ-method grouping as plain functions over the facilitator's Y.Doc. The console calls them
 * directly (its writes reach the server over y-websocket), so Y.UndoManager gives undo and redo
 * for free. Each returns false and changes nothing when the move is not allowed.
 */

export function createGroup(doc: Y.Doc, id: string, name: string, parentId: string | null = null, now = Date.now()): boolean {
  if (groupsMap(doc).has(id) || (parentId !== null && !groupsMap(doc).has(parentId))) return false
  doc.transact(() => {
    const g = new Y.Map<unknown>()
    g.set('name', name)
    g.set('parentId', parentId)
    g.set('createdAt', now)
    g.set('order', now)
    groupsMap(doc).set(id, g)
  })
  return true
}

export function renameGroup(doc: Y.Doc, id: string, name: string): boolean {
  const g = groupsMap(doc).get(id)
  if (!(g instanceof Y.Map)) return false
  if (g.get('name') !== name) g.set('name', name)
  return true
}

/** Whether `ancestor` is `id` itself or one of the groups it sits in. */
export function isWithin(doc: Y.Doc, id: string, ancestor: string): boolean {
  const byId = new Map(readGroups(doc).map((g) => [g.id, g]))
  let cur: string | null = id
  const seen = new Set<string>()
  while (cur !== null && !seen.has(cur)) {
    if (cur === ancestor) return true
    seen.add(cur)
    cur = byId.get(cur)?.parentId ?? null
  }
  return false
}

/** Nest a group in another (or at the top with null); refuses to make a cycle. */
export function nestGroup(doc: Y.Doc, id: string, parentId: string | null): boolean {
  const g = groupsMap(doc).get(id)
  if (!(g instanceof Y.Map)) return false
  if (parentId !== null && (!groupsMap(doc).has(parentId) || isWithin(doc, parentId, id))) return false
  if (g.get('parentId') !== parentId) g.set('parentId', parentId)
  return true
}

/** Put a note in a group, or back out of every group with null. */
export function moveNote(doc: Y.Doc, noteId: string, groupId: string | null, order?: number): boolean {
  const n = notesMap(doc).get(noteId)
  if (!(n instanceof Y.Map)) return false
  if (groupId !== null && !groupsMap(doc).has(groupId)) return false
  doc.transact(() => {
    if (n.get('groupId') !== groupId) n.set('groupId', groupId)
    if (order !== undefined && n.get('order') !== order) n.set('order', order)
  })
  return true
}

/** Dissolve a group: its notes and groups move up to its parent. */
export function deleteGroup(doc: Y.Doc, id: string): boolean {
  const g = groupsMap(doc).get(id)
  if (!(g instanceof Y.Map)) return false
  const parent = (g.get('parentId') as string | null) ?? null
  doc.transact(() => {
    notesMap(doc).forEach((n) => {
      if (n instanceof Y.Map && n.get('groupId') === id) n.set('groupId', parent)
    })
    groupsMap(doc).forEach((child) => {
      if (child instanceof Y.Map && child.get('parentId') === id) child.set('parentId', parent)
    })
    groupsMap(doc).delete(id)
  })
  return true
}

/** An undo manager over what grouping changes: notes' places and the groups themselves. */
export function groupingUndoManager(doc: Y.Doc): Y.UndoManager {
  return new Y.UndoManager([notesMap(doc), groupsMap(doc)], { captureTimeout: 300 })
}
