import { graphemes } from '../../../shared/text.ts'

/**
 * The start of a note on one line, for a status line or a screen reader: at most `max`
 * characters as people count them (an emoji is never cut in half), with "…" when cut.
 */
export function snippet(text: string, max: number): string {
  const chars = graphemes(text.replace(/\s+/g, ' ').trim())
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max).join('')}…`
}
