import { countChars } from '../../../shared/text.ts'

let segmenter: Intl.Segmenter | undefined

/**
 * The start of a note on one line, for a status line or a screen reader: at most `max`
 * characters as people count them (an emoji is never cut in half), with "…" when cut.
 */
export function snippet(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim()
  if (countChars(line) <= max) return line
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' })
  let out = ''
  let n = 0
  for (const { segment } of segmenter.segment(line)) {
    if (n++ === max) break
    out += segment
  }
  return `${out}…`
}
