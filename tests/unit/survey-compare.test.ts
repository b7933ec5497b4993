import { describe, expect, it } from 'vitest'
import { compareChoice, compareQuestion, compareScale, compareText } from '../../shared/survey-compare.ts'
import type { Question, SurveyRound } from '../../shared/survey.ts'
import { countWords } from '../../shared/words.ts'

describe('what changed in a choice question', () => {
  it('gives counts, shares of the answers and the shift in points per option', () => {
    const c = compareChoice(['紙', 'デジタル', 'どちらでも'], [6, 3, 1], [2, 12, 6])
    expect(c.base).toEqual({ before: 10, after: 20 })
    expect(c.options.map((o) => o.label)).toEqual(['紙', 'デジタル', 'どちらでも'])
    expect(c.options[0]).toMatchObject({ before: { count: 6, pct: 60 }, after: { count: 2, pct: 10 }, shiftPts: -50 })
    expect(c.options[1]).toMatchObject({ before: { count: 3, pct: 30 }, after: { count: 12, pct: 60 }, shiftPts: 30 })
    expect(c.options[2]!.shiftPts).toBeCloseTo(20)
  })

  it('takes shares of a multi question from the round respondents (they add past 100)', () => {
    const q: Question = { kind: 'multi', text: '課題は', options: ['予算', '人材', '文化'] }
    const before: SurveyRound = { round: 1, label: '事前', responses: 10, results: [[8, 5, 2]] }
    const after: SurveyRound = { round: 2, label: '事後', responses: 5, results: [[2, 5, 1]] }
    const c = compareQuestion(q, 0, before, after)
    expect(c.kind).toBe('multi')
    if (c.kind !== 'multi') return
    expect(c.options.map((o) => [o.before.pct, o.after.pct])).toEqual([[80, 40], [50, 100], [20, 20]])
    expect(c.options[1]!.shiftPts).toBe(50)
  })

  it('says 0 % rather than NaN for a round nobody answered', () => {
    const c = compareChoice(['はい', 'いいえ'], [0, 0], [1, 3])
    expect(c.options[0]!.before.pct).toBe(0)
    expect(c.options[1]!.shiftPts).toBe(75)
  })
})

describe('what changed in a scale question', () => {
  it('gives the distribution per value, the means and the shift', () => {
    // 1–5: before mostly 2, after mostly 4
    const c = compareScale({}, [1, 4, 3, 2, 0], [0, 1, 2, 5, 2])
    expect(c.values.map((v) => v.value)).toEqual([1, 2, 3, 4, 5])
    expect(c.answered).toEqual({ before: 10, after: 10 })
    expect(c.mean.before).toBeCloseTo(2.6)
    expect(c.mean.after).toBeCloseTo(3.8)
    expect(c.mean.shift).toBeCloseTo(1.2)
    expect(c.values[3]).toMatchObject({ before: { count: 2, pct: 20 }, after: { count: 5, pct: 50 }, shiftPts: 30 })
  })

  it('uses the question bounds (0–10) and has no mean or shift when a round is empty', () => {
    const c = compareScale({ min: 0, max: 10 }, Array(11).fill(0), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4])
    expect(c.values).toHaveLength(11)
    expect(c.mean).toEqual({ before: null, after: 10, shift: null })
  })
})

describe('what changed in a text question', () => {
  it('lists words that rose and fell by share of answers, largest moves first', () => {
    const before = ['予算が足りない', '予算と人材', '人材がいない', '予算の説明']
    const after = ['職員の意識が変わった', '意識と文化', '予算より意識', '文化を変える']
    const c = compareText({ answers: before, words: countWords(before) }, { answers: after, words: countWords(after) })
    expect(c.answered).toEqual({ before: 4, after: 4 })
    expect(c.rose[0]).toMatchObject({ word: '意識', before: { count: 0, pct: 0 }, after: { count: 3, pct: 75 }, shiftPts: 75 })
    expect(c.rose.map((w) => w.word)).toContain('文化')
    expect(c.fell[0]).toMatchObject({ word: '予算', before: { count: 3, pct: 75 }, after: { count: 1, pct: 25 }, shiftPts: -50 })
    expect(c.fell.map((w) => w.word)).toContain('人材')
  })

  it('does not call a word risen just because the second round was bigger', () => {
    const c = compareText(
      { answers: ['a', 'b', 'c', 'd'], words: [{ word: 'DX', count: 2 }] },
      { answers: Array(8).fill('x'), words: [{ word: 'DX', count: 4 }] },
    )
    expect(c.rose).toEqual([])
    expect(c.fell).toEqual([])
  })

  it('keeps at most `limit` words per direction', () => {
    const words = Array.from({ length: 20 }, (_, i) => ({ word: `w${i}`, count: 1 }))
    const c = compareText({ answers: ['x'], words: [] }, { answers: ['y'], words }, { limit: 5 })
    expect(c.rose).toHaveLength(5)
  })
})

describe('comparing a question of a record', () => {
  it('compares results that do not fit the question as empty instead of throwing', () => {
    const q: Question = { kind: 'scale', text: '満足度' }
    const bad: SurveyRound = { round: 1, label: '事前', responses: 1, results: [{ answers: ['?'], words: [] }] }
    const ok: SurveyRound = { round: 2, label: '事後', responses: 1, results: [[0, 0, 0, 0, 1]] }
    const c = compareQuestion(q, 0, bad, ok)
    expect(c.kind).toBe('scale')
    if (c.kind === 'scale') expect(c.mean).toEqual({ before: null, after: 5, shift: null })
  })
})
