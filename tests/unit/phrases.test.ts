import { describe, expect, it } from 'vitest'
import { phrases } from '../../client/src/board/phrases.ts'
import { snippet } from '../../client/src/console/snippet.ts'

describe('phrase boundaries for the board (BudouX)', () => {
  it('breaks Japanese between phrases, never inside a word', () => {
    expect(phrases('紙の申請書が多すぎる')).toEqual([['紙の', '申請書が', '多すぎる']])
    expect(phrases('窓口の待ち時間が長い')).toEqual([['窓口の', '待ち時間が', '長い']])
  })

  it('gives back exactly the text it was given, line by line', () => {
    for (const text of ['押印のために来庁してもらう', '一行目\n\n三行目', '  空白  も ', '😀絵文字👨‍👩‍👧も', '']) {
      expect(phrases(text).map((line) => line.join('')).join('\n')).toBe(text)
    }
  })

  it('keeps Latin words and numbers whole inside Japanese', () => {
    const chunks = phrases('2025年度のDX推進計画とChatGPTの活用').flat()
    for (const word of ['2025', 'DX', 'ChatGPT']) expect(chunks.some((c) => c.includes(word))).toBe(true)
  })

  it('leaves English to the browser’s own line breaking', () => {
    expect(phrases('Paper forms everywhere\nand long queues')).toEqual([['Paper forms everywhere'], ['and long queues']])
  })
})

describe('a note’s start on one line', () => {
  it('cuts at whole characters as people count them', () => {
    expect(snippet('短い', 10)).toBe('短い')
    expect(snippet('一二三四五六', 3)).toBe('一二三…')
    expect(snippet('👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧', 2)).toBe('👨‍👩‍👧👨‍👩‍👧…')
    expect(snippet('改行\nのある\t付箋', 20)).toBe('改行 のある 付箋')
  })
})
