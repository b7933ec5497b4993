import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { createGroup, moveNote } from '../../shared/grouping.ts'
import { PROJECTION_CHUNK, projectAll, projectChanges, projecting } from '../../server/board/projection.ts'
import { addDots, addNote, addPrompt, initBoard, moderateNote, openVote, closeVote, setCurrentPrompt, setSpotlight, updateMeta } from '../../server/board/rules.ts'

/** A facilitator's document and its board, kept in step the way the hub does it. */
function pair() {
  const full = new Y.Doc()
  initBoard(full, { title: '会', prompt: '一つ目', createdAt: 1 }, 'p1')
  const board = new Y.Doc()
  projectAll(full, board)
  full.on('afterTransaction', (tr: Y.Transaction) => projectChanges(full, board, tr))
  return { full, board }
}

/** What a board built from scratch would hold now. */
function fresh(full: Y.Doc): unknown {
  const board = new Y.Doc()
  projectAll(full, board)
  return board.toJSON()
}

describe('the board projection kept in step change by change', () => {
  it('ends exactly where a projection from scratch is, after every kind of change, walks over every note included', async () => {
    const { full, board } = pair()
    const n = PROJECTION_CHUNK * 3 + 7
    addPrompt(full, 'p2', '二つ目', 10, false)
    createGroup(full, 'g1', 'グループ')
    createGroup(full, 'g2', '子', 'g1')
    for (let i = 0; i < n; i++) {
      if (i === n / 2) setCurrentPrompt(full, 'p2')
      addNote(full, `n${i}`, `付箋${i}`, 100 + i, i % 7 === 0 ? 'pending' : 'visible')
      if (i % 5 === 0) moveNote(full, `n${i}`, i % 10 === 0 ? 'g2' : 'g1')
    }
    moderateNote(full, 'n3', 'hide')
    expect(board.toJSON()).toEqual(fresh(full))

    const steps: Array<() => void> = [
      () => updateMeta(full, { faceDown: true }),
      () => updateMeta(full, { showAllPrompts: true }),
      () => setCurrentPrompt(full, 'p1'),
      () => updateMeta(full, { faceDown: false, showAllPrompts: false }),
      () => openVote(full, { id: 'v1', open: true, perPhone: 3, maxPerNote: 3, showLive: false }),
      () => closeVote(full),
      () => setSpotlight(full, { kind: 'note', id: `n${n - 1}` }),
      () => setSpotlight(full, { kind: 'group', id: 'g2' }),
    ]
    for (const step of steps) {
      step()
      // while a walk is under way, the room goes on: notes arrive, are hidden, get dots
      const i = Math.floor(Math.random() * n)
      addNote(full, `late${i}-${steps.indexOf(step)}`, '遅れて', 5_000, 'visible')
      moderateNote(full, `n${i}`, i % 2 === 0 ? 'hide' : 'show')
      addDots(full, `n${(i + 1) % n}`, 1)
      await vi.waitFor(() => expect(projecting(board)).toBe(false))
      expect(board.toJSON()).toEqual(fresh(full))
    }
  })

  it('walks every note in chunks, leaving the event loop free in between', async () => {
    const { full, board } = pair()
    for (let i = 0; i < PROJECTION_CHUNK * 4; i++) addNote(full, `n${i}`, `付箋${i}`, i, 'visible')
    let turns = 0
    const counter = setInterval(() => turns++, 0)
    const updates: number[] = []
    board.on('update', () => updates.push(turns))
    updateMeta(full, { faceDown: true })
    await vi.waitFor(() => expect(projecting(board)).toBe(false))
    clearInterval(counter)
    expect(updates.length).toBeGreaterThanOrEqual(4)
    expect(new Set(updates).size).toBeGreaterThan(1) // timers ran between chunks
    expect(board.toJSON()).toEqual(fresh(full))
  })

  it('touches no note for a settings change that shows every note the same way', () => {
    const { full, board } = pair()
    for (let i = 0; i < 100; i++) addNote(full, `n${i}`, `付箋${i}`, i, 'visible')
    const changed: string[] = []
    board.on('afterTransaction', (tr: Y.Transaction) => {
      for (const type of tr.changed.keys()) changed.push(type === (board.getMap('meta') as Y.AbstractType<unknown>) ? 'meta' : 'other')
    })
    updateMeta(full, { locked: true, title: '新しい題' })
    expect(changed).toEqual(['meta'])
    expect(projecting(board)).toBe(false)
  })
})
