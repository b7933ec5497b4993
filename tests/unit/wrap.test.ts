import { describe, expect, it } from 'vitest'
import { breakAtoms, ellipsize, lineSegments, splitAtom, wrapLines } from '../../client/src/board/wrap.ts'
import { graphemes } from '../../shared/text.ts'
import { fileDate, fileTitle, sessionFileName } from '../../client/src/lib/file-name.ts'

/** One unit of width per character as people count them: enough to see where lines break. */
const count = (s: string) => graphemes(s).length

/** A line may not start with these (closing brackets and punctuation, small kana)... */
const NO_START = /^[、。，．)）」』】〕〉》ー…・ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々]/u
/** ...nor end with these (opening brackets). */
const NO_END = /[(（「『【〔〈《]$/u

/** Every line obeys kinsoku, and the lines give back the text. */
function expectKinsoku(text: string, lines: string[]): void {
  expect(lines.join('')).toBe(text.replace(/\n/g, ''))
  for (const [i, line] of lines.entries()) {
    if (i > 0) expect(line, `line ${i} of ${JSON.stringify(lines)}`).not.toMatch(NO_START)
    if (i < lines.length - 1) expect(line, `line ${i} of ${JSON.stringify(lines)}`).not.toMatch(NO_END)
  }
}

describe('one line-breaking rule for the cards, the size estimate and the PNG', () => {
  it('breaks Japanese between phrases (BudouX), never inside one that fits', () => {
    expect(wrapLines('紙の申請書が多すぎる', 6, count)).toEqual(['紙の申請書が', '多すぎる'])
    expect(wrapLines('高齢の方でも迷わない申請画面にしてほしい', 8, count)).toEqual(['高齢の方でも', '迷わない', '申請画面に', 'してほしい'])
    expect(wrapLines('申請書の様式を統一しました', 8, count)).toEqual(['申請書の様式を', '統一しました'])
  })

  it('keeps the examples from the workshop whole: 「費用対効果」しか, しました, 迷わない', () => {
    const lines = wrapLines('予算の説明で「費用対効果」しか聞かれない', 8, count)
    expect(lines).toEqual(['予算の説明で', '「費用対効果」', 'しか聞かれない'])
    expect(lines.some((l) => l.startsWith('」'))).toBe(false)
    for (const width of [4, 5, 6, 7, 9, 10]) {
      for (const text of ['予算の説明で「費用対効果」しか聞かれない', '申請書の様式を統一しました', '高齢の方でも迷わない申請画面にしてほしい', '「ちょっと」待って（笑）、ね。']) {
        const got = wrapLines(text, width, count)
        expectKinsoku(text, got)
        // a phrase that fits a line is never cut
        for (const phrase of ['迷わない', 'しました', '「費用対効果」'].filter((p) => text.includes(p) && count(p) <= width)) {
          expect(got.some((l) => l.includes(phrase)), `${phrase} in ${JSON.stringify(got)}`).toBe(true)
        }
      }
    }
  })

  it('cuts a phrase wider than the line where the kind of character changes, by the kinsoku rules', () => {
    expect(splitAtom('統一しました', 5, count)).toEqual(['統一', 'しました'])
    expect(splitAtom('「費用対効果」しか', 8, count)).toEqual(['「費用対効果」', 'しか'])
    // 」 and っ never start a part; 「 never ends one
    expectKinsoku('「費用対効果」しか', splitAtom('「費用対効果」しか', 6, count))
    expectKinsoku('「ちょっと」', splitAtom('「ちょっと」', 3, count))
  })

  it('gives a closing bracket or small kana to the phrase before it, an opening bracket to the one after', () => {
    for (const text of ['予算の説明で「費用対効果」しか聞かれない', '「ちょっと」待って（笑）、ね。', 'いいね！（でも）っていう']) {
      for (const line of breakAtoms(text)) {
        expect(line.join('')).toBe(text)
        line.forEach((atom, i) => {
          if (i > 0) expect(atom).not.toMatch(NO_START)
          if (i < line.length - 1) expect(atom).not.toMatch(NO_END)
        })
      }
    }
  })

  it('renders the same places for the browser: the pieces, with those wider than the line already cut', () => {
    expect(lineSegments('紙の申請書が多すぎる', 10, count)).toEqual([['紙の', '申請書が', '多すぎる']])
    expect(lineSegments('統一しました', 5, count)).toEqual([['統一', 'しました']])
  })

  it('keeps Latin words whole and breaks at spaces', () => {
    expect(wrapLines('use the chat tool', 9, count)).toEqual(['use the', 'chat tool'])
    expect(wrapLines('2025年度のDX推進計画とChatGPTの活用', 8, count)).toEqual(['2025年度の', 'DX推進計画と', 'ChatGPTの', '活用'])
  })

  it('keeps the note’s own line breaks and empty lines', () => {
    expect(wrapLines('一行目\n\n三行目', 10, count)).toEqual(['一行目', '', '三行目'])
  })

  it('cuts a word longer than the line between its letters', () => {
    expect(wrapLines('abcdefghij', 4, count)).toEqual(['abcd', 'efgh', 'ij'])
  })

  it('keeps an emoji family as one character and never loops on one too wide', () => {
    expect(graphemes('👨‍👩‍👧‍👦窓口')).toEqual(['👨‍👩‍👧‍👦', '窓', '口'])
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
