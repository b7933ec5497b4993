import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { readMeta, readNotes } from '../../shared/board-doc.ts'
import { addNote, admitNote, initBoard, moderateNote, noteStatus, removeNotes, updateMeta } from '../../server/board/rules.ts'

function board() {
  const doc = new Y.Doc()
  initBoard(doc, { title: 'ワークショップ', prompt: '問い', createdAt: 1 }, 'p1')
  return doc
}

describe('board rules', () => {
  it('starts a board unlocked, post-moderated, with its title and prompt', () => {
    expect(readMeta(board())).toEqual({
      title: 'ワークショップ',
      prompt: '問い',
      createdAt: 1,
      locked: false,
      moderation: 'post',
      phase: 'collect',
      faceDown: false,
      currentPromptId: 'p1',
      showAllPrompts: false,
      spotlight: null,
      boardPage: null,
      surveyPage: null,
      showJoin: false,
      timer: null,
      vote: null,
      closed: false,
      lang: null,
      activityId: '',
    })
  })

  it('admits notes as visible in post-moderation and pending in pre-moderation', () => {
    const doc = board()
    expect(admitNote(doc)).toEqual({ ok: true, status: 'visible' })
    updateMeta(doc, { moderation: 'pre' })
    expect(admitNote(doc)).toEqual({ ok: true, status: 'pending' })
  })

  it('rejects a note when the board is locked', () => {
    const doc = board()
    updateMeta(doc, { locked: true })
    expect(admitNote(doc)).toEqual({ ok: false, error: 'locked' })
  })

  it("admits the facilitator's own notes as visible, locked or pre-moderated, but not once closed", () => {
    const doc = board()
    updateMeta(doc, { locked: true, moderation: 'pre' })
    expect(admitNote(doc, true, true)).toEqual({ ok: true, status: 'visible' })
    doc.getMap('meta').set('closed', true)
    expect(admitNote(doc, false, true)).toEqual({ ok: false, error: 'locked' })
  })

  it('adds notes in one transaction each and reads them oldest first', () => {
    const doc = board()
    let transactions = 0
    doc.on('afterTransaction', () => transactions++)
    addNote(doc, 'b', 'second', 20, 'visible')
    addNote(doc, 'a', 'first', 10, 'visible')
    expect(transactions).toBe(2)
    expect(readNotes(doc).map((n) => n.text)).toEqual(['first', 'second'])
  })

  it('moderates: approve and show make visible, hide hides, delete removes', () => {
    const doc = board()
    addNote(doc, 'n', 'x', 1, 'pending')
    expect(moderateNote(doc, 'n', 'approve')).toBe(true)
    expect(noteStatus(doc, 'n')).toBe('visible')
    moderateNote(doc, 'n', 'hide')
    expect(noteStatus(doc, 'n')).toBe('hidden')
    moderateNote(doc, 'n', 'show')
    expect(noteStatus(doc, 'n')).toBe('visible')
    moderateNote(doc, 'n', 'delete')
    expect(noteStatus(doc, 'n')).toBeUndefined()
    expect(moderateNote(doc, 'n', 'show')).toBe(false)
  })

  it('leaves the document untouched when moderating an unknown note', () => {
    const doc = board()
    const before = Y.encodeStateVector(doc)
    expect(moderateNote(doc, 'ghost', 'delete')).toBe(false)
    expect(Y.encodeStateVector(doc)).toEqual(before)
  })

  it('makes no change when a meta update sets the values it already has', () => {
    const doc = board()
    const before = Y.encodeStateVector(doc)
    updateMeta(doc, { locked: false, moderation: 'post' })
    expect(Y.encodeStateVector(doc)).toEqual(before)
  })

  it('skips malformed entries a facilitator client might have written', () => {
    const doc = board()
    addNote(doc, 'ok', 'fine', 1, 'visible')
    const bad = new Y.Map<unknown>()
    bad.set('text', 42)
    doc.getMap('notes').set('bad', bad)
    doc.getMap('notes').set('scalar', 'not a map' as never)
    expect(readNotes(doc).map((n) => n.id)).toEqual(['ok'])
    removeNotes(doc, ['ok'])
    expect(readNotes(doc)).toEqual([])
  })
})
