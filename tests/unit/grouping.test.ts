import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { groupPath, readGroups, readNotes } from '../../shared/board-doc.ts'
import { createGroup, deleteGroup, groupingUndoManager, moveNote, nestGroup, renameGroup } from '../../shared/grouping.ts'
import { addNote, initBoard } from '../../server/board/rules.ts'

function board() {
  const doc = new Y.Doc()
  initBoard(doc, { title: 't', prompt: 'p', createdAt: 1 }, 'p1')
  addNote(doc, 'a', '紙の申請書が多すぎる', 10, 'visible')
  addNote(doc, 'b', '押印をなくしたい', 20, 'visible')
  return doc
}

const groupOf = (doc: Y.Doc, id: string) => readNotes(doc).find((n) => n.id === id)?.groupId

describe('grouping notes (KJ method)', () => {
  it('creates named groups and moves notes in and back out', () => {
    const doc = board()
    expect(createGroup(doc, 'g1', '紙と押印')).toBe(true)
    expect(moveNote(doc, 'a', 'g1')).toBe(true)
    expect(groupOf(doc, 'a')).toBe('g1')
    expect(moveNote(doc, 'a', null)).toBe(true)
    expect(groupOf(doc, 'a')).toBeNull()
  })

  it('nests groups and gives each note its path', () => {
    const doc = board()
    createGroup(doc, 'top', '手続き')
    createGroup(doc, 'sub', '押印', 'top')
    moveNote(doc, 'b', 'sub')
    expect(groupPath(readGroups(doc), groupOf(doc, 'b')!)).toEqual(['手続き', '押印'])
  })

  it('refuses a nesting that would make a cycle, and changes nothing', () => {
    const doc = board()
    createGroup(doc, 'x', 'x')
    createGroup(doc, 'y', 'y', 'x')
    const before = Y.encodeStateVector(doc)
    expect(nestGroup(doc, 'x', 'y')).toBe(false)
    expect(nestGroup(doc, 'x', 'x')).toBe(false)
    expect(Y.encodeStateVector(doc)).toEqual(before)
  })

  it('refuses moves to groups or of notes that do not exist', () => {
    const doc = board()
    expect(moveNote(doc, 'a', 'ghost')).toBe(false)
    expect(moveNote(doc, 'ghost', null)).toBe(false)
    expect(createGroup(doc, 'g', 'g', 'ghost')).toBe(false)
    expect(renameGroup(doc, 'ghost', 'x')).toBe(false)
  })

  it('moves notes and groups up to the parent when a group is dissolved', () => {
    const doc = board()
    createGroup(doc, 'top', 'top')
    createGroup(doc, 'mid', 'mid', 'top')
    createGroup(doc, 'leaf', 'leaf', 'mid')
    moveNote(doc, 'a', 'mid')
    deleteGroup(doc, 'mid')
    expect(groupOf(doc, 'a')).toBe('top')
    expect(readGroups(doc).find((g) => g.id === 'leaf')?.parentId).toBe('top')
  })

  it('treats a cycle written by a misbehaving client as top level instead of looping', () => {
    const doc = board()
    createGroup(doc, 'p', 'p')
    createGroup(doc, 'q', 'q', 'p')
    ;(doc.getMap('groups').get('p') as Y.Map<unknown>).set('parentId', 'q') // bypasses nestGroup
    const groups = readGroups(doc)
    expect(groups.some((g) => g.parentId === null)).toBe(true)
    expect(groupPath(groups, 'q').length).toBeLessThanOrEqual(2)
  })

  it('undoes and redoes grouping steps', () => {
    const doc = board()
    const undo = groupingUndoManager(doc)
    createGroup(doc, 'g', 'まとめ')
    undo.stopCapturing()
    moveNote(doc, 'a', 'g')
    undo.stopCapturing()
    expect(groupOf(doc, 'a')).toBe('g')
    undo.undo()
    expect(groupOf(doc, 'a')).toBeNull()
    undo.undo()
    expect(readGroups(doc)).toEqual([])
    undo.redo()
    undo.redo()
    expect(groupOf(doc, 'a')).toBe('g')
  })
})
