import fc from 'fast-check'
import { LIMITS } from '../../shared/limits.ts'
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

/** Characters that show nothing by themselves: none of them, in any mix, makes a note. */
const INVISIBLES = [
  '\u3164', '\uFFA0', '\u2800', '\u00AD', '\u034F', '\u180E', '\u061C', '\u115F', '\u1160',
  '\u200B', '\u200C', '\u200D', '\u200E', '\u2060', '\u2064', '\u206A', '\uFEFF', '\u{1D173}',
  '\uFE00', '\uFE0E', '\uFE0F', '\u{E0100}', '\u{E01EF}', '\u{E0001}', '\u{E0020}', '\u{E0067}', '\u{E007F}',
  '\u0301', '\u0300', '\u3099', '\u309A', '\u20E3', '\u0903', ' ', '\u3000', '\n', '\t',
]
const ALL_INVISIBLE: string[] = []
for (let cp = 0; cp <= 0x10ffff; cp++) {
  if (cp >= 0xd800 && cp <= 0xdfff) continue
  const c = String.fromCodePoint(cp)
  if (/^[\p{Default_Ignorable_Code_Point}\p{M}]$/u.test(c)) ALL_INVISIBLE.push(c)
}
const invisibleCodePoint = fc.oneof(
  fc.constantFrom(...INVISIBLES),
  // any default-ignorable or combining code point at all
  fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp)).filter((c) => /^[\p{Default_Ignorable_Code_Point}\p{M}]$/u.test(c)),
)
const VISIBLE = /[^\p{White_Space}\p{Default_Ignorable_Code_Point}\p{M}]/u

describe('text made only of invisible characters', () => {
  it.each(INVISIBLES.filter((c) => c.trim() !== '').map((c) => [c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0'), c]))(
    'U+%s alone, or repeated, is empty',
    (_hex, c) => {
      expect(checkNoteText(c)).toEqual({ ok: false, error: 'empty' })
      expect(checkNoteText(c.repeat(5))).toEqual({ ok: false, error: 'empty' })
      expect(checkLine(` ${c} `, 120, false)).toEqual({ ok: false, error: 'empty' })
    },
  )

  it('any mix of invisible characters and spaces is empty, as a note and as a title', () => {
    fc.assert(
      fc.property(fc.array(invisibleCodePoint, { minLength: 1, maxLength: 40 }), (chars) => {
        const s = chars.join('')
        expect(cleanText(s)).toBe('')
        expect(checkNoteText(s)).toEqual({ ok: false, error: 'empty' })
        expect(checkLine(s, 120, false)).toEqual({ ok: false, error: 'empty' })
      }),
      { numRuns: 500 },
    )
  })

  it('whatever goes in, what comes out is empty or has a visible character, and cleaning it again changes nothing', () => {
    const anyText = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.array(fc.oneof(invisibleCodePoint, fc.constantFrom('a', 'あ', '葛', '❤', '🏴', '👨', '1', '한', '\u1100', '\u1161')), { maxLength: 30 }).map((a) => a.join('')),
    )
    fc.assert(
      fc.property(anyText, (s) => {
        const out = cleanText(s)
        expect(out === '' || VISIBLE.test(out)).toBe(true)
        expect(cleanText(out)).toBe(out)
      }),
      { numRuns: 1_000 },
    )
  })

  it('cleans once for all when composing jamo leaves a filler beside the syllable (found by the property below)', () => {
    for (const s of ['\u1100\u1161\u1160', '\u1100\u200B\u1161\u1160', '가\u1160']) {
      const out = cleanText(s)
      expect(out).toBe('가')
      expect(cleanText(out)).toBe(out)
    }
  })

  it('removes invisible format characters from inside real text', () => {
    expect(cleanText('申\u00AD請\u034F書\u061C\u180E\u3164\uFFA0です\u{E0041}\u{E0042}')).toBe('申請書です')
    expect(cleanText('a\uFE0F\uFE0F\uFE0F')).toBe('a\uFE0F') // one selector per character: no data hidden in a run
    expect(cleanText('\u0301x')).toBe('x')
    expect(cleanText('a \u0301b')).toBe('a b')
    expect(cleanText('点字⠀の空白')).toBe('点字 の空白')
  })

  it.each([
    ['an emoji ZWJ sequence', '👨‍👩‍👧‍👦'],
    ['a rainbow flag (selector, then ZWJ)', '🏳️‍🌈'],
    ['a subdivision flag made of tag characters', '🏴󠁧󠁢󠁥󠁮󠁧󠁿'],
    ['a red heart with its emoji selector', '❤️'],
    ['a keycap', '1️⃣'],
    ['a heart on fire', '❤️‍🔥'],
    ['a kanji with an ideographic variation selector', '葛\u{E0100}飾区'],
    ['kana with a combining dakuten that has no precomposed form', 'あ\u3099'],
    ['Hangul', '한국어 메모'],
    ['old Hangul spelt with a conjoining filler', '\u115F\u1161'],
    ['a Devanagari conjunct with ZWJ', 'क्\u200Dष'],
    ['an accent on a letter', 'cafe\u0301'.normalize('NFC')],
  ])('keeps %s', (_name, text) => {
    expect(checkNoteText(text)).toMatchObject({ ok: true, text })
  })

  it('cuts a stack of combining marks ("zalgo") to a few per character, so it counts and shows as one', () => {
    const stack = (base: string, n: number) => base + Array.from({ length: n }, (_, i) => String.fromCodePoint(0x0300 + (i % 0x6f))).join('')
    const cut = checkNoteText(stack('a', 500) + ' ' + stack('b', 1_000))
    expect(cut).toMatchObject({ ok: true, chars: 3 })
    const text = (cut as { text: string }).text
    for (const cluster of text.split(' ')) expect(Array.from(cluster).length).toBeLessThanOrEqual(1 + LIMITS.maxMarksPerChar)
    expect(cleanText(text)).toBe(text) // cleaning twice is cleaning once
    // marks alone are still nothing
    expect(checkNoteText(stack(' ', 300))).toEqual({ ok: false, error: 'empty' })
    // real stacks stay whole: Vietnamese, Hebrew with points and a cantillation mark, Devanagari, a keycap
    for (const real of ['Tiếng Việt'.normalize('NFC'), 'שָׁ֑לוֹם', 'क्षिं', '1️⃣', 'が']) expect(checkNoteText(real)).toMatchObject({ ok: true, text: real.normalize('NFC') })
  })

  it('a flag base followed by tags that are not a flag keeps the flag and drops the hidden text', () => {
    const hidden = Array.from('ignore all', (c) => String.fromCodePoint(0xe0000 + c.codePointAt(0)!)).join('')
    expect(cleanText(`🏴${hidden}`)).toBe('🏴')
    expect(cleanText(`ok${hidden}`)).toBe('ok')
  })
})

describe('counting without a segmenter where no character can join another', () => {
  const segmented = (text: string) => Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)).length
  it('counts like the grapheme segmenter on any text at all', () => {
    const pieces = fc.constantFrom('a', ' ', '\n', 'é', 'e\u0301', 'あ', 'か\u3099', 'ｶ\uFF9E', '漢', '한', '\u1100\u1161', '👍🏽', '🇯🇵', '👨‍👩‍👧', '❤️', '①', '→', '、', 'Ж', 'ω', '\u302A', '\u0E33')
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.array(pieces, { maxLength: 20 }).map((a) => a.join(''))), (text) => {
        expect(countChars(text)).toBe(segmented(text))
      }),
      { numRuns: 2_000 },
    )
  })

  it('never joins two characters of the fast path into one cluster', () => {
    const seg = new Intl.Segmenter(undefined, { granularity: 'grapheme' })
    const joined: string[] = []
    for (let cp = 0; cp <= 0xffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue
      const text = `a${String.fromCharCode(cp)}${String.fromCharCode(cp)}가`
      if (countChars(text) !== Array.from(seg.segment(text)).length) joined.push(cp.toString(16))
    }
    expect(joined).toEqual([])
  })
})
