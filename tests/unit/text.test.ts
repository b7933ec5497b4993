import { describe, expect, it } from 'vitest'
import { checkLine, checkNoteText, cleanText, countChars } from '../../shared/text.ts'

describe('cleaning note text', () => {
  it('normalises to NFC, so the same text typed two ways is the same note', () => {
    const decomposed = 'か\u3099' // か + combining dakuten
    expect(cleanText(decomposed)).toBe('が')
  })

  it('removes control, zero-width and bidi-override characters but keeps emoji sequences', () => {
    expect(cleanText('a\u0000b\u200Bc\u202Ed\u2066e\uFEFFf\u0007')).toBe('abcdef')
    const family = '👨‍👩‍👧‍👦'
    expect(cleanText(`家族${family}`)).toBe(`家族${family}`)
  })

  it('drops lone surrogates', () => {
    expect(cleanText('a\uD800b\uDC00c')).toBe('abc')
  })

  it('trims, keeps single line breaks, collapses blank runs and caps the number of lines', () => {
    expect(cleanText('  一行目 \r\n\r\n\r\n二行目\t終わり  ')).toBe('一行目\n\n二行目 終わり')
    const many = Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n')
    const out = cleanText(many, 12)
    expect(out.split('\n')).toHaveLength(12)
    expect(out.endsWith('l11 l12 l13 l14 l15 l16 l17 l18 l19')).toBe(true)
  })
})

describe('counting characters as people see them', () => {
  it.each([
    ['Japanese', '紙の申請書', 5],
    ['an emoji with a skin tone', '👍🏽', 1],
    ['a family emoji', '👨‍👩‍👧‍👦', 1],
    ['a flag', '🇯🇵', 1],
    ['a combining mark', 'e\u0301', 1],
  ])('counts %s', (_name, text, n) => {
    expect(countChars(text)).toBe(n)
  })
})

describe('the note verdict', () => {
  it('accepts exactly the limit and refuses one more', () => {
    expect(checkNoteText('あ'.repeat(200))).toMatchObject({ ok: true, chars: 200 })
    expect(checkNoteText('あ'.repeat(201))).toEqual({ ok: false, error: 'too_long' })
  })

  it('refuses a huge string before cleaning it', () => {
    expect(checkNoteText('x'.repeat(1_000_000))).toEqual({ ok: false, error: 'too_long' })
  })

  it('calls text that is only invisible characters empty', () => {
    expect(checkNoteText('\u200B\u202E  \n ')).toEqual({ ok: false, error: 'empty' })
  })

  it('calls a non-string invalid', () => {
    expect(checkNoteText(undefined)).toEqual({ ok: false, error: 'invalid' })
    expect(checkNoteText({ toString: () => 'x' })).toEqual({ ok: false, error: 'invalid' })
  })

  it('cleans a line field to one line', () => {
    expect(checkLine('a\nb', 10, false)).toEqual({ ok: true, text: 'a b' })
    expect(checkLine('', 10, true)).toEqual({ ok: true, text: '' })
    expect(checkLine('', 10, false)).toEqual({ ok: false, error: 'empty' })
  })
})
