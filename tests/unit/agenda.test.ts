import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { agendaMap, currentActivity, readAgenda } from '../../shared/board-doc.ts'
import { addQuestionsActivity, moveActivity, removeActivity, setCurrentActivity } from '../../server/board/agenda.ts'
import { addPrompt, initBoard, setCurrentPrompt } from '../../server/board/rules.ts'
import { createSurvey } from '../../server/board/surveys.ts'

/** A board as sessions made before the agenda existed were: prompts, no agenda entries, no activityId. */
function oldBoard(): Y.Doc {
  const doc = new Y.Doc()
  initBoard(doc, { title: '古い会', prompt: '最初の問い', createdAt: 1 }, 'p1')
  addPrompt(doc, 'p2', '次の問い', 2, false)
  addPrompt(doc, 'p3', '最後の問い', 3, false)
  doc.transact(() => {
    agendaMap(doc).clear()
    doc.getMap('meta').delete('activityId')
  })
  return doc
}

const ids = (doc: Y.Doc) => readAgenda(doc).map((a) => a.id)

describe('the agenda', () => {
  it('derives an old session’s agenda from its prompts, the current prompt being current', () => {
    const doc = oldBoard()
    expect(readAgenda(doc).map((a) => [a.kind, a.title])).toEqual([
      ['notes', '最初の問い'],
      ['notes', '次の問い'],
      ['notes', '最後の問い'],
    ])
    expect(currentActivity(doc)?.id).toBe('notes:p1')
    setCurrentPrompt(doc, 'p2')
    expect(currentActivity(doc)?.id).toBe('notes:p2')
  })

  it('puts new surveys and questions at the end, moves, removes and makes current', () => {
    const doc = oldBoard()
    createSurvey(doc, 's1', { title: '事前アンケート', questions: [{ kind: 'text', text: '一言' }] }, 10)
    const q = addQuestionsActivity(doc, 'q1', '質疑応答')
    expect(ids(doc)).toEqual(['notes:p1', 'notes:p2', 'notes:p3', 'survey:s1', q])
    expect(moveActivity(doc, 'survey:s1', 0)).toBe(true)
    expect(ids(doc)).toEqual(['survey:s1', 'notes:p1', 'notes:p2', 'notes:p3', q])
    // a prompt added later goes at the end, after the moved ones
    addPrompt(doc, 'p4', '追加の問い', 20, false)
    expect(ids(doc).at(-1)).toBe('notes:p4')
    expect(setCurrentActivity(doc, 'survey:s1')?.kind).toBe('survey')
    expect(currentActivity(doc)?.id).toBe('survey:s1')
    // a note round made current makes its prompt current too
    setCurrentActivity(doc, 'notes:p3')
    expect(doc.getMap('meta').get('currentPromptId')).toBe('p3')
    setCurrentActivity(doc, 'survey:s1')
    expect(removeActivity(doc, 'survey:s1')).toBe(true)
    expect(ids(doc)).not.toContain('survey:s1')
    // the room falls back to the current prompt's note round
    expect(currentActivity(doc)?.id).toBe('notes:p3')
    // a questions activity opens questions and puts them on the board; leaving it takes them off
    setCurrentActivity(doc, q)
    expect([doc.getMap('meta').get('questions'), doc.getMap('meta').get('questionsOnBoard')]).toEqual(['open', true])
    setCurrentActivity(doc, 'notes:p1')
    expect([doc.getMap('meta').get('questions'), doc.getMap('meta').get('questionsOnBoard')]).toEqual(['open', false])
    expect(removeActivity(doc, q)).toBe(true)
    expect(setCurrentActivity(doc, 'nope')).toBeUndefined()
    expect(moveActivity(doc, 'nope', 0)).toBe(false)
  })
})
