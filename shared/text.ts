import { LIMITS } from './limits.ts'

/**
 * Cleaning of user text, shared by phone (for the live count) and server (for the verdict).
 * Removes what can disguise or break text on a big screen: control characters, bidi overrides
 * and isolates, lone surrogates, and every invisible character (Unicode's
 * Default_Ignorable_Code_Point: zero-width spaces, soft hyphens, Hangul fillers, tag characters,
 * the Arabic letter mark…) except where legitimate text needs one, and combining marks that sit
 * on nothing. So a text with no visible character left is empty, whatever it was made of.
 *
 * Kept, because real text needs them:
 * - ZWJ (U+200D) and a variation selector (U+FE00–FE0F, U+E0100–E01EF) right after a visible
 *   character: emoji sequences 👨‍👩‍👧, ❤️, 1️⃣, and kanji variants (葛󠄀) in Japanese names.
 *   Only one variation selector per character: a run of them is a way to hide data.
 * - Tag characters only as a valid flag of a subdivision (🏴󠁧󠁢󠁥󠁮󠁧󠁿 is 🏴 + g b e n g + cancel tag); any
 *   other run of them is hidden text and goes.
 * - Combining marks on a visible character (あ゙, e + ́), at most `maxMarksPerChar` of them (what
 *   real scripts stack: Vietnamese, Thai, Devanagari, Hebrew points need two or three); alone, on
 *   a space, or past that number ("zalgo": one letter under hundreds of marks, one character by
 *   count and a smear across the board) they go.
 * - Hangul: U+3164 and U+FFA0 (compatibility fillers) always go: modern Hangul is precomposed
 *   after NFC and never needs them, and alone they are blank. The conjoining fillers U+115F and
 *   U+1160 stay only next to a real conjoining jamo, where old Hangul spells a syllable with them.
 * - U+2800 (blank braille pattern) is the space of braille text: it becomes a plain space.
 * It is one linear pass with Unicode property escapes, not a grapheme segmenter, so phone and
 * server agree whatever ICU version a browser ships.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\uFFF9-\uFFFB]/g
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
/** Whatever the pass below must look at; text without any of these is left as it is. */
const SUSPECT = /[\p{Default_Ignorable_Code_Point}\p{M}\u2800]/u
const IGNORABLE = /^\p{Default_Ignorable_Code_Point}$/u
const MARK = /^\p{M}$/u
const SPACE = /^\p{White_Space}$/u
const ZWJ = 0x200d
const isVariationSelector = (cp: number) => (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef)
const BLACK_FLAG = 0x1f3f4
/** A subdivision flag's tags: two letters, one to three letters or digits, then CANCEL TAG. */
const FLAG_TAGS = /^[\u{E0061}-\u{E007A}]{2}[\u{E0030}-\u{E0039}\u{E0061}-\u{E007A}]{1,3}\u{E007F}/u

const isJamo = (cp: number) => (cp >= 0x1100 && cp <= 0x11ff) || (cp >= 0xa960 && cp <= 0xa97f) || (cp >= 0xd7b0 && cp <= 0xd7ff)
const isHangulFiller = (cp: number) => cp === 0x115f || cp === 0x1160

/** Does the run of conjoining jamo around `i` hold a real one (not only fillers)? */
function inRealSyllable(cps: readonly number[], i: number): boolean {
  for (let j = i; j >= 0 && isJamo(cps[j]!); j--) if (!isHangulFiller(cps[j]!)) return true
  for (let j = i; j < cps.length && isJamo(cps[j]!); j++) if (!isHangulFiller(cps[j]!)) return true
  return false
}

type Last = 'none' | 'visible' | 'selector' | 'attached'

function dropInvisible(text: string): string {
  if (!SUSPECT.test(text)) return text
  const cps = Array.from(text, (c) => c.codePointAt(0)!)
  const out: string[] = []
  // What the last kept character was: nothing or a space, a visible one, or something on one.
  let last = 'none' as Last
  let prev = 0
  // combining marks kept on the current character: past the cap, a stack ("zalgo") is cut
  let marks = 0
  for (let i = 0; i < cps.length; i++) {
    const cp = cps[i]!
    const ch = String.fromCodePoint(cp)
    let as: Last | undefined
    let kept = ch
    if (cp === 0x2800) {
      kept = ' '
      as = 'none'
    } else if (isVariationSelector(cp)) {
      if (last === 'visible' || (last === 'attached' && prev !== ZWJ)) as = 'selector'
    } else if (cp === ZWJ) {
      if (last !== 'none') as = 'attached'
    } else if (cp >= 0xe0000 && cp <= 0xe007f) {
      const tags = prev === BLACK_FLAG && last === 'visible' ? FLAG_TAGS.exec(String.fromCodePoint(...cps.slice(i, i + 6))) : null
      if (tags) {
        kept = tags[0]
        i += Array.from(kept).length - 1
        as = 'attached'
      }
    } else if (isHangulFiller(cp)) {
      if (inRealSyllable(cps, i)) as = 'visible'
    } else if (IGNORABLE.test(ch)) {
      // dropped: invisible, and nothing real needs it here
    } else if (MARK.test(ch)) {
      if (last !== 'none' && marks < LIMITS.maxMarksPerChar) as = 'attached'
    } else as = SPACE.test(ch) ? 'none' : 'visible'
    if (as === undefined) continue
    marks = MARK.test(kept) ? marks + 1 : 0
    out.push(kept)
    last = as
    prev = cp === 0x2800 ? 0x20 : cps[i]!
  }
  return out.join('')
}

export function cleanText(raw: string, maxLines: number = LIMITS.maxNoteLines): string {
  let text = raw.replace(LONE_SURROGATE, '').replace(/\r\n?/g, '\n').replace(/\t/g, ' ')
  text = text.replace(CONTROL, '')
  // Dropping a character can let NFC compose what it separated (ᄀ + ᅡ into 가), and that can leave
  // a Hangul filler beside a precomposed syllable, which the next pass drops. Each pass only
  // shortens the text, so repeating until nothing changes ends, and cleaning twice is cleaning once.
  for (let prev = ''; prev !== text; ) {
    prev = text
    text = dropInvisible(text).normalize('NFC')
  }
  // Trim each line's end, collapse runs of blank lines, and cap the number of lines.
  const lines = text.split('\n').map((line) => line.trimEnd())
  const kept: string[] = []
  for (const line of lines) {
    if (line === '' && (kept.length === 0 || kept[kept.length - 1] === '')) continue
    kept.push(line)
  }
  const head = kept.slice(0, maxLines)
  const tail = kept.slice(maxLines)
  let out = head.join('\n')
  if (tail.length > 0) out += ' ' + tail.filter((l) => l !== '').join(' ')
  return out.trim()
}

let segmenter: Intl.Segmenter | undefined

/**
 * Text made only of characters that never join another into one grapheme cluster (ASCII, Latin,
 * Greek, Cyrillic, kana without combining marks, kanji, Hangul syllables, fullwidth forms, common
 * punctuation and symbols): there, a character is a UTF-16 unit and counting needs no segmenter,
 * which costs about 100 µs a note (an import of 5,000 notes would spend half a second on it).
 * Left out on purpose: combining marks (U+0300…, U+3099–309A, U+302A–302F), the halfwidth
 * dakuten U+FF9E–FF9F, Hangul jamo, ZWJ, variation selectors, surrogates (emoji).
 */
const SIMPLE = /^[\n\u0020-\u007E\u00A0-\u02FF\u0370-\u0482\u048A-\u052F\u2010-\u2027\u2030-\u205E\u2100-\u27BF\u3000-\u3029\u3030-\u303F\u3041-\u3096\u309B-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7A3\uFF01-\uFF9D]*$/

/**
 * Characters as people see them: grapheme clusters (an emoji with modifiers, a family, a flag is
 * one). The one place text is cut into characters, for counting, cutting and line breaking.
 */
export function graphemes(text: string): string[] {
  if (typeof Intl !== 'undefined' && 'Segmenter' in Intl) {
    segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' })
    return Array.from(segmenter.segment(text), (s) => s.segment)
  }
  return Array.from(text)
}

/** Characters as people count them: one per grapheme cluster (an emoji with modifiers is one). */
export function countChars(text: string): number {
  if (SIMPLE.test(text)) return text.length
  return graphemes(text).length
}

export type TextVerdict =
  | { ok: true; text: string; chars: number }
  | { ok: false; error: 'empty' | 'too_long' | 'invalid' }

/** Clean and measure a note's text; the one rule both sides apply. */
export function checkNoteText(raw: unknown, maxChars: number = LIMITS.maxNoteChars): TextVerdict {
  if (typeof raw !== 'string') return { ok: false, error: 'invalid' }
  if (raw.length > maxChars * LIMITS.maxNoteCodeUnitsPerChar) return { ok: false, error: 'too_long' }
  const text = cleanText(raw)
  if (text === '') return { ok: false, error: 'empty' }
  const chars = countChars(text)
  if (chars > maxChars) return { ok: false, error: 'too_long' }
  return { ok: true, text, chars }
}

/** Clean a single-line field such as a title or prompt (no line breaks kept). */
export function cleanLine(raw: string): string {
  return cleanText(raw.replace(/[\r\n]+/g, ' '), 1)
}

/** Clean and measure a one-line field (title, prompt) against its limit. */
export function checkLine(
  raw: unknown,
  maxChars: number,
  allowEmpty: boolean,
): { ok: true; text: string } | { ok: false; error: 'empty' | 'too_long' | 'invalid' } {
  if (typeof raw !== 'string') return { ok: false, error: 'invalid' }
  if (raw.length > maxChars * LIMITS.maxNoteCodeUnitsPerChar) return { ok: false, error: 'too_long' }
  const text = cleanLine(raw)
  if (text === '' && !allowEmpty) return { ok: false, error: 'empty' }
  if (countChars(text) > maxChars) return { ok: false, error: 'too_long' }
  return { ok: true, text }
}
