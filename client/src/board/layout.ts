/**
 * The projector's grid: every visible note on one screen, never overlapping, never scrolling,
 * as big as the space allows. Pure functions of sizes and text, so they are unit-tested
 * without a browser (tests/unit/layout.test.ts).
 */

/** Card shape: a fixed width/height ratio, or a range the card may stretch within. */
export type Aspect = number | { min: number; max: number }

/** Wider than tall reads best for short Japanese lines, but a card may stretch to fill its cell. */
export const BOARD_ASPECT: Aspect = { min: 1, max: 1.8 }

export interface Grid {
  cols: number
  rows: number
  cardW: number
  cardH: number
  gap: number
  /** where the first card starts, so the grid sits in the middle of the area */
  offsetX: number
  offsetY: number
}

export interface Rect {
  x: number
  y: number
  w: number
  h: number
}

const EMPTY: Grid = { cols: 0, rows: 0, cardW: 0, cardH: 0, gap: 0, offsetX: 0, offsetY: 0 }

/** Space between cards: depends on the area only, so adding a note never makes cards grow. */
export function gapFor(width: number, height: number): number {
  return Math.max(4, Math.min(14, Math.round(Math.min(width, height) * 0.009)))
}

/** The largest whole-pixel card of the allowed shape inside a cell. */
function cardInCell(cellW: number, cellH: number, aspect: Aspect): { w: number; h: number } {
  const min = typeof aspect === 'number' ? aspect : aspect.min
  const max = typeof aspect === 'number' ? aspect : aspect.max
  // Round first, then trim the side that is too long, so rounding never breaks the shape.
  let w = Math.floor(cellW)
  let h = Math.floor(cellH)
  if (w > h * max) w = Math.floor(h * max)
  else if (w < h * min) h = Math.floor(w / min)
  return { w, h }
}

/**
 * Try every column count and keep the one whose cards have the largest area. For a given column
 * count more notes can only mean more rows and smaller cells, so card size never grows with count.
 */
export function fitGrid(
  count: number,
  width: number,
  height: number,
  aspect: Aspect = BOARD_ASPECT,
  gap: number = gapFor(width, height),
): Grid {
  if (!(count >= 1) || !(width > 0) || !(height > 0)) return EMPTY
  const n = Math.floor(count)
  let best: Grid = EMPTY
  let bestArea = 0
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols)
    const cellW = (width - gap * (cols - 1)) / cols
    const cellH = (height - gap * (rows - 1)) / rows
    if (cellW < 1 || cellH < 1) continue
    const { w, h } = cardInCell(cellW, cellH, aspect)
    if (w * h > bestArea) {
      bestArea = w * h
      best = { cols, rows, cardW: w, cardH: h, gap, offsetX: 0, offsetY: 0 }
    }
  }
  if (bestArea === 0) return EMPTY
  best.offsetX = Math.floor((width - (best.cols * best.cardW + (best.cols - 1) * gap)) / 2)
  best.offsetY = Math.floor((height - (best.rows * best.cardH + (best.rows - 1) * gap)) / 2)
  return best
}

/** Where the index-th card goes, in reading order (left to right, then down). */
export function cardRect(index: number, grid: Grid): Rect {
  const col = index % grid.cols
  const row = Math.floor(index / grid.cols)
  return {
    x: grid.offsetX + col * (grid.cardW + grid.gap),
    y: grid.offsetY + row * (grid.cardH + grid.gap),
    w: grid.cardW,
    h: grid.cardH,
  }
}

// ---- text inside a card ----

export const LINE_HEIGHT = 1.35
export const MIN_FONT_PX = 8
export const MAX_FONT_PX = 88

/** Inner padding of a card; the component uses the same value so the estimate holds. */
export function cardPadding(cardW: number, cardH: number): number {
  return Math.max(4, Math.min(28, Math.round(Math.min(cardW, cardH) * 0.08)))
}

const WIDE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff01-\uff60]/u
const EMOJI = /\p{Extended_Pictographic}/u

/**
 * Approximate advance of one grapheme, in em, for a bold sans-serif: CJK is square, Latin a bit
 * over half as wide. Erring wide only costs a slightly smaller font; the page still measures
 * the real text afterwards and shrinks what overflows (see fit-text.ts).
 */
function graphemeWidth(g: string): number {
  if (WIDE.test(g)) return 1
  if (EMOJI.test(g)) return 1.15
  if (g === ' ') return 0.32
  if (/[A-Z]/.test(g)) return 0.72
  if (/[0-9]/.test(g)) return 0.64
  if (/[.,:;'!|il]/.test(g)) return 0.34
  if (/[a-z]/.test(g)) return 0.6
  return 0.66
}

let segmenter: Intl.Segmenter | undefined
function graphemes(text: string): string[] {
  if (typeof Intl !== 'undefined' && 'Segmenter' in Intl) {
    segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' })
    return Array.from(segmenter.segment(text), (s) => s.segment)
  }
  return Array.from(text)
}

/** Width of each written line, in em. */
export function lineWidths(text: string): number[] {
  return text.split('\n').map((line) => graphemes(line).reduce((sum, g) => sum + graphemeWidth(g), 0))
}

/** Wrapped lines at a font size; words do not break where they could, hence the fill factor. */
function linesAt(widths: readonly number[], fontPx: number, innerW: number): number {
  const usable = innerW * 0.9
  return widths.reduce((sum, em) => sum + Math.max(1, Math.ceil((em * fontPx) / usable)), 0)
}

/**
 * The largest font size (px, whole numbers) at which the text fits inside the card's padding,
 * between MIN_FONT_PX and MAX_FONT_PX. Below the minimum the card clips its text: the last resort.
 */
export function fontSizeFor(text: string, cardW: number, cardH: number): number {
  const pad = cardPadding(cardW, cardH)
  const innerW = cardW - 2 * pad
  const innerH = cardH - 2 * pad
  if (innerW <= 0 || innerH <= 0) return MIN_FONT_PX
  const widths = lineWidths(text)
  const fits = (f: number): boolean => linesAt(widths, f, innerW) * f * LINE_HEIGHT <= innerH
  let lo = MIN_FONT_PX
  let hi = Math.max(MIN_FONT_PX, Math.min(MAX_FONT_PX, Math.floor(innerH / LINE_HEIGHT)))
  if (!fits(lo)) return MIN_FONT_PX
  // More text never fits at a larger size, so the fitting sizes form a prefix: binary search it.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if (fits(mid)) lo = mid
    else hi = mid - 1
  }
  return lo
}
