import { LIMITS } from './limits.ts'

/**
 * Cleaning of user text, shared by phone (for the live count) and server (for the verdict).
 * Removes what can disguise or break text on a big screen: control characters, bidi overrides
 * and isolates, zero-width spaces, lone surrogates. Keeps ZWJ and variation selectors, which
 * emoji sequences need.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g
const INVISIBLE = /[\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB]/g
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

export function cleanText(raw: string, maxLines: number = LIMITS.maxNoteLines): string {
  let text = raw.replace(LONE_SURROGATE, '').replace(/\r\n?/g, '\n').replace(/\t/g, ' ')
  text = text.replace(CONTROL, '').replace(INVISIBLE, '').normalize('NFC')
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
