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
 * between MIN_FONT_PX and `maxPx` (MAX_FONT_PX unless told). Below the minimum the card clips its text: the last resort.
 */
export function fontSizeFor(text: string, cardW: number, cardH: number, maxPx: number = MAX_FONT_PX): number {
  const pad = cardPadding(cardW, cardH)
  const innerW = cardW - 2 * pad
  const innerH = cardH - 2 * pad
  if (innerW <= 0 || innerH <= 0) return MIN_FONT_PX
  const widths = lineWidths(text)
  const fits = (f: number): boolean => linesAt(widths, f, innerW) * f * LINE_HEIGHT <= innerH
  let lo = MIN_FONT_PX
  let hi = Math.max(MIN_FONT_PX, Math.min(maxPx, Math.floor(innerH / LINE_HEIGHT)))
  if (!fits(lo)) return MIN_FONT_PX
  // More text never fits at a larger size, so the fitting sizes form a prefix: binary search it.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if (fits(mid)) lo = mid
    else hi = mid - 1
  }
  return lo
}

// ---- sections: the board split into labelled areas (groups, prompts) ----

/** One labelled area: its box (header included), and the grid of cards below its header. */
export interface SectionBox extends Rect {
  headerH: number
  cols: number
  rows: number
}

export interface SectionLayout {
  sections: SectionBox[]
  /** every card on the board has this size, so no note looks more important than another */
  cardW: number
  cardH: number
  gap: number
}

export interface SectionOptions {
  aspect?: Aspect
  headerH?: number
  gap?: number
  /** space between two sections, wider than between cards so the areas read apart */
  sectionGap?: number
}

/** Header height of a section: the group's name or the prompt, one line. */
export function sectionHeaderFor(height: number): number {
  return Math.max(18, Math.min(60, Math.round(height * 0.052)))
}

/**
 * Split `weights` (in order) into `parts` consecutive runs with the smallest largest sum: the
 * shelves of sections, as even as the order allows.
 */
export function balancedRuns(weights: readonly number[], parts: number): number[][] {
  const k = weights.length
  const p = Math.max(1, Math.min(parts, k))
  const prefix = [0]
  for (const w of weights) prefix.push(prefix[prefix.length - 1]! + w)
  const sum = (a: number, b: number) => prefix[b]! - prefix[a]!
  // best[j][i]: the smallest largest run when the first i weights make j runs
  const best: number[][] = Array.from({ length: p + 1 }, () => new Array<number>(k + 1).fill(Infinity))
  const cut: number[][] = Array.from({ length: p + 1 }, () => new Array<number>(k + 1).fill(0))
  best[0]![0] = 0
  for (let j = 1; j <= p; j++) {
    for (let i = j; i <= k; i++) {
      for (let s = j - 1; s < i; s++) {
        const v = Math.max(best[j - 1]![s]!, sum(s, i))
        if (v < best[j]![i]!) {
          best[j]![i] = v
          cut[j]![i] = s
        }
      }
    }
  }
  const runs: number[][] = []
  let end = k
  for (let j = p; j >= 1; j--) {
    const start = cut[j]![end]!
    runs.unshift(Array.from({ length: end - start }, (_, n) => start + n))
    end = start
  }
  return runs
}

/**
 * Lay out sections of `counts[i]` cards each, in order, on shelves (rows of sections), with one
 * card size for the whole board, as large as fits. Every shelf count and every number of card
 * rows is tried; each section is at least wide enough for a few characters of its header.
 */
export function fitSections(counts: readonly number[], width: number, height: number, options: SectionOptions = {}): SectionLayout {
  const empty: SectionLayout = { sections: [], cardW: 0, cardH: 0, gap: 0 }
  if (counts.length === 0 || !(width > 0) || !(height > 0)) return empty
  const aspect = options.aspect ?? BOARD_ASPECT
  const aMin = typeof aspect === 'number' ? aspect : aspect.min
  const aMax = typeof aspect === 'number' ? aspect : aspect.max
  const gap = options.gap ?? gapFor(width, height)
  const sectionGap = options.sectionGap ?? gap * 3
  const headerH = options.headerH ?? sectionHeaderFor(height)
  // An empty section still gets one slot's room, so its header has a place.
  const slots = counts.map((c) => Math.max(1, Math.floor(c)))
  const most = Math.max(...slots)

  /** Narrowest a section may be on a shelf of `n`: room for its header, if the shelf has it. */
  const minWidth = (n: number) => Math.max(0, Math.min(headerH * 4, Math.floor((width - sectionGap * (n - 1)) / n)))
  const boxWidth = (cols: number, w: number, n: number) => Math.max(cols * (w + gap) - gap, minWidth(n))
  const fits = (shelves: number[][], rows: number, w: number) =>
    shelves.every((shelf) => shelf.reduce((sum, i) => sum + boxWidth(Math.ceil(slots[i]! / rows), w, shelf.length), 0) + sectionGap * (shelf.length - 1) <= width)

  let best: { area: number; w: number; h: number; rows: number; shelves: number[][] } | undefined
  for (let parts = 1; parts <= slots.length; parts++) {
    const shelves = balancedRuns(slots, parts)
    const shelfH = (height - sectionGap * (shelves.length - 1)) / shelves.length
    const bodyH = shelfH - headerH
    for (let rows = 1; rows <= most; rows++) {
      const hMax = Math.floor((bodyH + gap) / rows - gap)
      if (hMax < 1) break
      if (!fits(shelves, rows, 1)) continue
      // The widest card every shelf has room for at this many rows (binary search: fits is monotone).
      let lo = 1
      let hi = Math.max(1, Math.floor(hMax * aMax))
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2)
        if (fits(shelves, rows, mid)) lo = mid
        else hi = mid - 1
      }
      const w = lo
      const h = Math.min(hMax, Math.floor(w / aMin))
      if (h < 1) continue
      if (!best || w * h > best.area) best = { area: w * h, w, h, rows, shelves }
    }
  }
  if (!best) return empty

  const { w, h, rows, shelves } = best
  const sections: SectionBox[] = new Array(slots.length)
  // Shelves as tall as their cards need, the whole block centred in the area.
  const colsOf = (i: number) => Math.ceil(slots[i]! / rows)
  const rowsOf = (i: number) => Math.ceil(slots[i]! / colsOf(i))
  const shelfHeights = shelves.map((shelf) => headerH + Math.max(...shelf.map(rowsOf)) * (h + gap) - gap)
  const used = shelfHeights.reduce((a, b) => a + b, 0) + sectionGap * (shelves.length - 1)
  let y = Math.max(0, Math.floor((height - used) / 2))
  shelves.forEach((shelf, s) => {
    const widths = shelf.map((i) => boxWidth(colsOf(i), w, shelf.length))
    const total = widths.reduce((a, b) => a + b, 0)
    const spare = width - total - sectionGap * (shelf.length - 1)
    let x = 0
    shelf.forEach((i, n) => {
      // The spare width goes to the sections in proportion, so long names have room to show.
      const boxW = widths[n]! + Math.floor((spare * widths[n]!) / total)
      sections[i] = { x, y, w: boxW, h: shelfHeights[s]!, headerH, cols: colsOf(i), rows: rowsOf(i) }
      x += boxW + sectionGap
    })
    y += shelfHeights[s]! + sectionGap
  })
  return { sections, cardW: w, cardH: h, gap }
}

/** Where the index-th card of a section goes, in reading order under its header. */
export function sectionCardRect(index: number, box: SectionBox, layout: SectionLayout): Rect {
  const col = index % box.cols
  const row = Math.floor(index / box.cols)
  return {
    x: box.x + col * (layout.cardW + layout.gap),
    y: box.y + box.headerH + row * (layout.cardH + layout.gap),
    w: layout.cardW,
    h: layout.cardH,
  }
}
