/**
 * Line breaking for text drawn on a canvas (the board's PNG), where the browser does not wrap
 * for us. Japanese may break between any two characters, except before closing punctuation and
 * small kana or after an opening bracket (kinsoku); Latin words and numbers stay whole unless
 * one alone is wider than the line. Pure: `measure` is the canvas's, or a fake in tests
 * (tests/unit/wrap.test.ts).
 */
export type Measure = (text: string) => number

/** May not start a line: it hangs at the end of the line before instead. */
const NO_START = /^[、。，．,.:;!?！？)）\]］}｝」』】〕〉》〙〗ー～…‥・ゝゞヽヾぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ々〻%％]$/u
/** May not end a line: it moves down to start the next one. */
const NO_END = /^[(（[［{｛「『【〔〈《〘〖＄$￥¥#＃]$/u
/** Letters, digits and the punctuation inside words and numbers: kept together. */
const WORDY = /^[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Nd}'’\-_.,:;!?@#$%&*+=/\\~^()[\]{}"<>|]+$/u
const SPACE = /^\s+$/u

let segmenter: Intl.Segmenter | undefined
export function graphemes(text: string): string[] {
  if (typeof Intl !== 'undefined' && 'Segmenter' in Intl) {
    segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' })
    return Array.from(segmenter.segment(text), (s) => s.segment)
  }
  return Array.from(text)
}

/** The pieces a line may break between: a Latin word, a run of spaces, or one other grapheme. */
export function breakUnits(text: string): string[] {
  const units: string[] = []
  for (const g of graphemes(text)) {
    const last = units[units.length - 1]
    if (last !== undefined && ((WORDY.test(g) && WORDY.test(last)) || (SPACE.test(g) && SPACE.test(last)))) units[units.length - 1] = last + g
    else units.push(g)
  }
  return units
}

/** Wrap `text` (its own line breaks kept) into lines no wider than `maxWidth`, as `measure` counts. */
export function wrapLines(text: string, maxWidth: number, measure: Measure): string[] {
  const out: string[] = []
  for (const paragraph of text.split('\n')) out.push(...wrapParagraph(paragraph, maxWidth, measure))
  return out
}

function wrapParagraph(paragraph: string, maxWidth: number, measure: Measure): string[] {
  const lines: string[] = []
  let line = ''
  const push = () => {
    lines.push(line.trimEnd())
    line = ''
  }
  const queue = breakUnits(paragraph)
  while (queue.length > 0) {
    const unit = queue.shift()!
    if (line === '' && SPACE.test(unit)) continue
    if (measure(line + unit) <= maxWidth || line === '') {
      if (line === '' && measure(unit) > maxWidth && graphemes(unit).length > 1) {
        // One word wider than the line: break it between its letters.
        queue.unshift(...splitToFit(unit, maxWidth, measure))
        continue
      }
      line += unit
      continue
    }
    if (SPACE.test(unit)) {
      push()
      continue
    }
    if (NO_START.test(unit)) {
      // Hang the punctuation past the edge rather than start a line with it.
      line += unit
      continue
    }
    // An opening bracket at the end of a line goes down with what it opens.
    const parts = graphemes(line)
    const tail = parts[parts.length - 1]
    if (tail !== undefined && parts.length > 1 && NO_END.test(tail)) {
      line = parts.slice(0, -1).join('')
      push()
      line = tail
    } else push()
    queue.unshift(unit)
  }
  if (line !== '' || lines.length === 0) push()
  return lines
}

/** A word cut into pieces that each fit (at least one grapheme per piece). */
function splitToFit(word: string, maxWidth: number, measure: Measure): string[] {
  const pieces: string[] = []
  let piece = ''
  for (const g of graphemes(word)) {
    if (piece !== '' && measure(piece + g) > maxWidth) {
      pieces.push(piece)
      piece = ''
    }
    piece += g
  }
  if (piece !== '') pieces.push(piece)
  return pieces
}

/** Cut a line so it and an ellipsis fit in `maxWidth`. */
export function ellipsize(line: string, maxWidth: number, measure: Measure): string {
  if (measure(line) <= maxWidth) return line
  const parts = graphemes(line)
  while (parts.length > 0 && measure(parts.join('') + '…') > maxWidth) parts.pop()
  return parts.join('') + '…'
}
