import { describe, expect, it } from 'vitest'
import { cachedWordCounter } from '../../server/sessions/word-cache.ts'
import type { WordEdits } from '../../shared/survey.ts'
import { cloudWord, countOptions, editWords, noEdits, readWordEdits, type WordEditRequest } from '../../shared/word-edits.ts'
import { countWords } from '../../shared/words.ts'

const LIM = { maxHiddenWordsPerQuestion: 3, maxMergedWordsPerQuestion: 3 }

/** Apply requests in order, failing the test on a refusal. */
function edit(...reqs: WordEditRequest[]): WordEdits {
  let e = noEdits()
  for (const r of reqs) {
    const next = editWords(e, r, LIM)
    if (!next.ok) throw new Error(`${JSON.stringify(r)}: ${next.error}`)
    e = next.edits
  }
  return e
}

const ANSWERS = ['DXの予算が足りない', 'デジタル化とスマホ申請', '田中さん頼みのDX', 'DXとデジタル化の違い', 'スマートフォンで申請']
const count = (e: WordEdits) => Object.fromEntries(countWords(ANSWERS, countOptions(e)).map((w) => [w.word, w.count]))

describe('counting the cloud with hidden and merged words', () => {
  it('leaves a hidden word out, whatever its width or case', () => {
    expect(count(noEdits())).toMatchObject({ 田中: 1, DX: 3 })
    const c = count(edit({ action: 'hide', word: '田中' }, { action: 'hide', word: 'ｄｘ' }))
    expect(c).not.toHaveProperty('田中')
    expect(c).not.toHaveProperty('DX')
    expect(c).toMatchObject({ 予算: 1, デジタル化: 2 })
  })

  it('counts a merged word as its target, still once per answer', () => {
    const c = count(edit({ action: 'merge', word: 'デジタル化', into: 'DX' }, { action: 'merge', word: 'スマートフォン', into: 'スマホ' }))
    // 'DXとデジタル化の違い' holds both: one answer, one count
    expect(c).toMatchObject({ DX: 4, スマホ: 2, 申請: 2 })
    expect(c).not.toHaveProperty('デジタル化')
    expect(c).not.toHaveProperty('スマートフォン')
  })

  it('hides what was merged into a hidden word', () => {
    const c = count(edit({ action: 'merge', word: 'デジタル化', into: 'DX' }, { action: 'hide', word: 'DX' }))
    expect(c).not.toHaveProperty('DX')
    expect(c).not.toHaveProperty('デジタル化')
  })

  it('takes any word as a merge, `__proto__` and `constructor` included', () => {
    const words = countWords(['__proto__ constructor toString'], countOptions(edit({ action: 'merge', word: '__proto__', into: 'constructor' })))
    expect(words).toEqual([
      { word: 'constructor', count: 1 },
      { word: 'toString', count: 1 },
    ])
  })

  it('counts the same with the kiosk’s remembering counter as with countWords, edits or not', () => {
    const counter = cachedWordCounter(2)
    const e = edit({ action: 'merge', word: 'デジタル化', into: 'DX' }, { action: 'hide', word: '申請' })
    for (let i = 0; i < 3; i++) {
      expect(counter(ANSWERS)).toEqual(countWords(ANSWERS))
      expect(counter(ANSWERS, e)).toEqual(countWords(ANSWERS, countOptions(e)))
    }
  })
})

describe('the rules of hiding and merging', () => {
  it('hides a word once, and refuses past the limit', () => {
    expect(edit({ action: 'hide', word: 'DX' }, { action: 'hide', word: 'dx' }).hidden).toEqual(['DX'])
    const full = edit({ action: 'hide', word: 'a1' }, { action: 'hide', word: 'a2' }, { action: 'hide', word: 'a3' })
    expect(editWords(full, { action: 'hide', word: 'a4' }, LIM)).toEqual({ ok: false, error: 'full' })
    expect(editWords(full, { action: 'hide', word: 'A1' }, LIM)).toEqual({ ok: true, edits: full })
  })

  it('shows a word again, and changes nothing for a word not hidden', () => {
    const e = edit({ action: 'hide', word: 'DX' }, { action: 'hide', word: '田中' })
    expect(edit({ action: 'hide', word: 'DX' }, { action: 'hide', word: '田中' }, { action: 'unhide', word: 'ｄｘ' }).hidden).toEqual(['田中'])
    const same = editWords(e, { action: 'unhide', word: '予算' }, LIM)
    expect(same.ok && same.edits).toBe(e)
  })

  it('keeps merges one level deep: into a merged word goes to its target, and what went into a word follows it', () => {
    expect(edit({ action: 'merge', word: 'デジタル化', into: 'DX' }, { action: 'merge', word: '電子化', into: 'デジタル化' }).merged).toEqual([
      { word: 'デジタル化', into: 'DX' },
      { word: '電子化', into: 'DX' },
    ])
    expect(edit({ action: 'merge', word: 'デジタル化', into: 'DX' }, { action: 'merge', word: 'DX', into: 'IT化' }).merged).toEqual([
      { word: 'デジタル化', into: 'IT化' },
      { word: 'DX', into: 'IT化' },
    ])
  })

  it('turns a merge round when its target is merged into the word that went into it', () => {
    expect(edit({ action: 'merge', word: 'よさん', into: '予算' }, { action: 'merge', word: '予算', into: 'よさん' }).merged).toEqual([{ word: '予算', into: 'よさん' }])
  })

  it('moves a word merged again to its new target', () => {
    expect(edit({ action: 'merge', word: 'スマホ', into: 'DX' }, { action: 'merge', word: 'スマホ', into: 'スマートフォン' }).merged).toEqual([{ word: 'スマホ', into: 'スマートフォン' }])
  })

  it('refuses a word merged into itself (folded), and past the limit', () => {
    expect(editWords(noEdits(), { action: 'merge', word: 'DX', into: 'ＤＸ' }, LIM)).toEqual({ ok: false, error: 'invalid' })
    const full = edit({ action: 'merge', word: 'a', into: 'x' }, { action: 'merge', word: 'b', into: 'x' }, { action: 'merge', word: 'c', into: 'x' })
    expect(editWords(full, { action: 'merge', word: 'd', into: 'x' }, LIM)).toEqual({ ok: false, error: 'full' })
    // moving a word already merged does not add one
    expect(editWords(full, { action: 'merge', word: 'a', into: 'y' }, LIM).ok).toBe(true)
  })

  it('unmerges one word, or every word merged into a target', () => {
    const e = edit({ action: 'merge', word: 'デジタル化', into: 'DX' }, { action: 'merge', word: '電子化', into: 'DX' }, { action: 'merge', word: 'スマートフォン', into: 'スマホ' })
    const one = editWords(e, { action: 'unmerge', word: '電子化' }, LIM)
    expect(one.ok && one.edits.merged.map((m) => m.word)).toEqual(['デジタル化', 'スマートフォン'])
    const target = editWords(e, { action: 'unmerge', word: 'dx' }, LIM)
    expect(target.ok && target.edits.merged).toEqual([{ word: 'スマートフォン', into: 'スマホ' }])
  })

  it('reads stored edits defensively and cleans the words people name', () => {
    expect(readWordEdits(undefined)).toEqual(noEdits())
    expect(readWordEdits({ hidden: ['a', 3], merged: [{ word: 'b', into: 'c' }, { word: 1 }, null] })).toEqual({ hidden: ['a'], merged: [{ word: 'b', into: 'c' }] })
    expect(cloudWord(' ＤＸ\n', 60)).toEqual({ ok: true, text: 'DX' })
    expect(cloudWord('\u200b', 60)).toEqual({ ok: false, error: 'empty' })
    expect(cloudWord('あ'.repeat(61), 60)).toEqual({ ok: false, error: 'too_long' })
  })
})
