import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { metaMap } from '../../shared/board-doc.ts'
import { QUESTION_META } from '../../shared/questions.ts'
import { readQuestionHighlight, readQuestions } from '../../shared/questions-doc.ts'
import { addQuestion, addUpvotes, admitQuestion, moderateQuestion, setQuestionSettings } from '../../server/board/questions.ts'
import { questionLines, questionsCsv } from '../../server/record/questions.ts'
import { escapeMarkdown } from '../../server/record/markdown.ts'
import type { SessionRecord } from '../../server/record/record.ts'

const docWith = (mode: 'off' | 'open' | 'moderated') => {
  const doc = new Y.Doc()
  setQuestionSettings(doc, { mode })
  return doc
}

describe('the rules of questions', () => {
  it('admits a question only while questions are on and the session is open, pending when moderated or flagged', () => {
    expect(admitQuestion(docWith('off'), false, 10)).toEqual({ ok: false, error: 'closed' })
    expect(admitQuestion(docWith('open'), false, 10)).toEqual({ ok: true, status: 'visible' })
    expect(admitQuestion(docWith('open'), true, 10)).toEqual({ ok: true, status: 'pending' })
    expect(admitQuestion(docWith('moderated'), false, 10)).toEqual({ ok: true, status: 'pending' })
    const closed = docWith('open')
    metaMap(closed).set('closed', true)
    expect(admitQuestion(closed, false, 10)).toEqual({ ok: false, error: 'closed' })
    const full = docWith('open')
    addQuestion(full, 'a', 'x', 1, 'visible')
    expect(admitQuestion(full, false, 1)).toEqual({ ok: false, error: 'full' })
  })

  it('highlights only a visible question, and answering, hiding or deleting it takes it off the screen', () => {
    const doc = docWith('open')
    addQuestion(doc, 'v', '見える', 1, 'visible')
    addQuestion(doc, 'p', '待つ', 2, 'pending')
    expect(moderateQuestion(doc, 'p', 'highlight', undefined, 5)).toBe('not_found')
    expect(moderateQuestion(doc, 'nope', 'approve', undefined, 5)).toBe('not_found')
    for (const off of ['answered', 'hide', 'delete'] as const) {
      if (!readQuestions(doc).some((q) => q.id === 'v')) addQuestion(doc, 'v', '見える', 1, 'visible')
      moderateQuestion(doc, 'v', 'approve', undefined, 5)
      expect(moderateQuestion(doc, 'v', 'highlight', undefined, 5)).toBe('done')
      expect(readQuestionHighlight(doc)).toBe('v')
      moderateQuestion(doc, 'v', off, undefined, 6)
      expect([off, readQuestionHighlight(doc)]).toEqual([off, null])
    }
  })

  it('marks answered with a time and restores; edits the text; counts never go below zero', () => {
    const doc = docWith('open')
    addQuestion(doc, 'q', '元の文', 1, 'visible')
    moderateQuestion(doc, 'q', 'answered', undefined, 42)
    expect(readQuestions(doc)[0]).toMatchObject({ answered: true, answeredAt: 42 })
    moderateQuestion(doc, 'q', 'restore', undefined, 43)
    expect(readQuestions(doc)[0]!.answered).toBe(false)
    expect(readQuestions(doc)[0]!.answeredAt).toBeUndefined()
    moderateQuestion(doc, 'q', 'edit', '直した文', 44)
    expect(readQuestions(doc)[0]).toMatchObject({ text: '直した文', editedAt: 44 })
    expect(addUpvotes(doc, 'q', 1)).toBe(1)
    expect(addUpvotes(doc, 'q', -1)).toBe(0)
    expect(addUpvotes(doc, 'q', -1)).toBe(0)
    expect(metaMap(doc).get(QUESTION_META.mode)).toBe('open')
  })
})

describe('questions in the minutes and the spreadsheet', () => {
  const record = (questions: SessionRecord['questions'], counts = questions.length): SessionRecord =>
    ({ questions, includesHidden: false, counts: { questions: counts } }) as unknown as SessionRecord
  const q = (id: string, text: string, votes: number, answered = false): SessionRecord['questions'][number] => ({ id, text, votes, status: 'visible', answered, askedAt: '2026-11-30T01:00:00.000Z' })

  it('ranks by upvotes with equal counts sharing a place, and marks answered ones', () => {
    const lines = questionLines(record([q('a', '# 見出し?', 5, true), q('b', 'B', 3), q('c', 'C', 3), q('d', 'D', 1)]), 'ja', escapeMarkdown)
    expect(lines).toEqual(['## 講演者への質問', '', '- 1位：\\# 見出し?（賛同5） ✓ 回答済み', '- 2位：B（賛同3）', '- 2位：C（賛同3）', '- 4位：D（賛同1）', ''])
    expect(questionLines(record([]), 'ja', escapeMarkdown)).toEqual([])
    expect(questionLines(record([q('a', 'A', 0)], 3), 'en', escapeMarkdown)).toContain('(hidden and pending questions are not included)')
  })

  it('writes a CSV with a BOM and CRLF, formulas neutralised', () => {
    const csv = questionsCsv(record([q('a', '@cmd', 2, true)]), 'en')
    expect(csv.startsWith('\uFEFF"Question","Upvotes","Answered","Status","Asked at","Posted at (ISO 8601, UTC)"\r\n')).toBe(true)
    expect(csv).toContain(`"'@cmd","2","Answered","visible",`)
    expect(csv.endsWith('\r\n')).toBe(true)
  })
})
