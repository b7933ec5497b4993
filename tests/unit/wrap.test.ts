import { describe, expect, it } from 'vitest'
import { breakUnits, ellipsize, graphemes, wrapLines } from '../../client/src/board/wrap.ts'
import { fileDate, fileTitle, sessionFileName } from '../../client/src/lib/file-name.ts'

/** One unit of width per character as people count them: enough to see where lines break. */
const count = (s: string) => graphemes(s).length

describe('wrapping note text for the board picture', () => {
  it('breaks Japanese between any two characters', () => {
    expect(wrapLines('紙の申請書が多すぎる', 4, count)).toEqual(['紙の申請', '書が多す', 'ぎる'])
  })

  it('keeps Latin words whole and breaks at spaces', () => {
    expect(wrapLines('use the chat tool', 9, count)).toEqual(['use the', 'chat tool'])
  })

  it('never starts a line with closing punctuation or a small kana: it hangs instead', () => {
    expect(wrapLines('あいう。えお', 3, count)).toEqual(['あいう。', 'えお'])
    expect(wrapLines('ちょっと', 1, count)).toEqual(['ちょっ', 'と'])
  })

  it('never ends a line with an opening bracket', () => {
    expect(wrapLines('あい「うえ」', 3, count)).toEqual(['あい', '「うえ」'])
  })

  it('keeps the note’s own line breaks and empty lines', () => {
    expect(wrapLines('一行目\n\n三行目', 10, count)).toEqual(['一行目', '', '三行目'])
  })

  it('cuts a word longer than the line between its letters', () => {
    expect(wrapLines('abcdefghij', 4, count)).toEqual(['abcd', 'efgh', 'ij'])
  })

  it('keeps an emoji family as one character and never loops on one too wide', () => {
    expect(breakUnits('👨‍👩‍👧‍👦窓口')).toEqual(['👨‍👩‍👧‍👦', '窓', '口'])
    expect(wrapLines('👨‍👩‍👧‍👦👨‍👩‍👧‍👦', 0.5, count)).toEqual(['👨‍👩‍👧‍👦', '👨‍👩‍👧‍👦'])
  })

  it('ends a cut line with an ellipsis that fits', () => {
    expect(ellipsize('とても長いグループの名前', 5, count)).toBe('とても長…')
    expect(ellipsize('短い', 5, count)).toBe('短い')
  })
})

describe('names of saved files', () => {
  it('is the date, then the title, then the extension', () => {
    expect(sessionFileName(new Date(2026, 10, 26, 10, 0).getTime(), 'DX研修 第1回「窓口」', 'csv')).toBe('2026-11-26_DX研修_第1回「窓口」.csv')
  })

  it('drops what a file system refuses and never starts with a dot', () => {
    expect(fileTitle('../a/b:c*?"<>|\u0007')).toBe('abc')
    expect(fileTitle('   ')).toBe('session')
    expect(fileTitle('あ'.repeat(60))).toHaveLength(40)
    expect(fileDate(Number.NaN)).toBe('undated')
  })
})
