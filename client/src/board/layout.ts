import { cardBox, emWidth, fitFont, fitsAt, LINE_HEIGHT } from './card.ts'
import { wrapLines } from './wrap.ts'

/**
 * The projector's wall: notes in a grid, never overlapping, never scrolling, never smaller than
 * the legible size. When they do not all fit at that size, the wall is cut into pages (the
 * board turns them) instead of shrinking the text. Pure functions of sizes and text, so they
 * are unit-tested without a browser (tests/unit/layout.test.ts, board-sections.test.ts).
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

// ---- the wall: sections (groups, prompts) of cards, in pages ----

/** One labelled area to lay out: a group, a prompt, the notes in no group, or the whole wall. */
export interface WallSection {
  /** the header's text, or null for the plain wall (no header) */
  header: string | null
  /** the texts of its notes, in order ('' for a card face down) */
  texts: readonly string[]
}

/** A card's size in grid cells: long notes take two cells, or four, instead of smaller text. */
export interface Span {
  cols: 1 | 2
  rows: 1 | 2
}
const SPANS: readonly Span[] = [
  { cols: 1, rows: 1 },
  { cols: 2, rows: 1 },
  { cols: 2, rows: 2 },
]

export interface WallCard {
  section: number
  /** the note's index in its section */
  index: number
  rect: Rect
  /** its text size */
  px: number
}

/** A section's area on a page: its header and the cards under it. */
export interface WallBox extends Rect {
  section: number
  headerH: number
  /** the section goes on over pages: which part this is, of how many */
  part: number
  parts: number
}

export interface WallPage {
  cards: WallCard[]
  boxes: WallBox[]
}

export interface WallLayout {
  pages: WallPage[]
  cellW: number
  cellH: number
  gap: number
  /** the size of header text, px */
  headerPx: number
}

export interface WallOptions {
  /** the smallest text allowed (px): the layout pages rather than go below it */
  floor: number
  /** the largest note text (px) */
  max: number
  /** cards keep a band for dots and rank */
  badges?: boolean
  /** header text size (px); headers wrap, never cut */
  headerPx?: number
  gap?: number
  /** the spotlight's roomier padding */
  padScale?: number
}

/** Card shapes the wall may use, width over height. */
const CELL_ASPECT = { min: 0.8, max: 2.4 }
const HEADER_LINE = 1.25
/** The smallest cell, in floor-sized em: three lines and padding tall, six characters wide. */
const MIN_CELL_LINES = 5
const MIN_CELL_EMS = 7
/** The largest text of a note too long for one cell, as a multiple of the floor. */
const LONG_NOTE_STEP = 1.1

const EMPTY_WALL: WallLayout = { pages: [], cellW: 0, cellH: 0, gap: 0, headerPx: 0 }

interface Sized {
  span: Span
  /** a phrase cut: no card keeps it whole */
  cut: boolean
  /** too long even for the largest card at the floor: shown cut off, the last resort */
  overfull: boolean
}

/**
 * Spans already worked out, per text and cell: a note arriving on a 500-note board, or the next
 * layout with the same cells, costs the new note's sizing only, not everyone's again.
 */
const spanCache = new Map<string, Sized | null>()

/**
 * The card a note needs in cells of `cellW`×`cellH`: the smallest span where it fits at the
 * floor with its phrases whole, or else (a phrase wider than any card, a long URL) the largest,
 * cut; undefined when it fits nowhere. Only the floor is tried here: the text size is worked
 * out once the layout is chosen (`textSize`), so trying many layouts stays cheap.
 */
function spanFor(text: string, cellW: number, cellH: number, maxCols: number, o: Required<WallOptions>): Sized | undefined {
  const key = `${cellW}×${cellH}×${maxCols}×${o.floor}×${o.badges}×${o.padScale}×${o.gap}\u0000${text}`
  let hit = spanCache.get(key)
  if (hit === undefined) {
    hit = null
    const spans = SPANS.filter((s) => s.cols <= maxCols)
    for (const span of spans) {
      const b = spanBox(span, cellW, cellH, o)
      if (text === '' || fitsAt(text, o.floor, b.innerW, b.innerH)) {
        hit = { span, cut: false, overfull: false }
        break
      }
    }
    // A phrase wider than any card (a long URL) is cut, in the largest card; a text too long
    // even for that gets it too, only where no layout has room for it (the layout prefers any
    // other): a wall with one note cut is better than an empty wall.
    const last = spans[spans.length - 1]
    if (!hit && last) {
      const b = spanBox(last, cellW, cellH, o)
      hit = { span: last, cut: true, overfull: !fitsAt(text, o.floor, b.innerW, b.innerH, false) }
    }
    if (spanCache.size > 200_000) spanCache.clear()
    spanCache.set(key, hit)
  }
  return hit ?? undefined
}

const spanBox = (s: Span, cellW: number, cellH: number, o: Required<WallOptions>) =>
  cardBox(s.cols * cellW + (s.cols - 1) * o.gap, s.rows * cellH + (s.rows - 1) * o.gap, o.badges, o.padScale)

/**
 * The note's text size in its card: the largest step that fits. A note in a bigger card is a
 * long one: it keeps the size of the longest notes in one cell (its length class), not the
 * large text its wider card would allow.
 */
function textSize(text: string, fit: Sized, cellW: number, cellH: number, o: Required<WallOptions>): number {
  if (text === '' || fit.cut) return o.floor
  const b = spanBox(fit.span, cellW, cellH, o)
  const max = fit.span === SPANS[0] ? o.max : Math.round(o.floor * LONG_NOTE_STEP)
  return fitFont(text, b.innerW, b.innerH, o.floor, max) ?? o.floor
}

/** Headers wrap onto as many lines as they need at the header size: never cut. */
function headerHeight(header: string | null, width: number, px: number): number {
  if (header === null) return 0
  const lines = wrapLines(header, width - px * 2.5, (s) => emWidth(s) * px).length
  return Math.ceil(lines * px * HEADER_LINE + px * 0.45)
}

/** Place spans in a block `cols` cells wide, in reading order, each in the first free place. */
function packBlock(spans: readonly Span[], cols: number): { places: Array<{ row: number; col: number }>; rows: number } {
  const taken: boolean[][] = []
  const free = (r: number, c: number, s: Span) => {
    if (c + s.cols > cols) return false
    for (let dr = 0; dr < s.rows; dr++) for (let dc = 0; dc < s.cols; dc++) if (taken[r + dr]?.[c + dc]) return false
    return true
  }
  const places: Array<{ row: number; col: number }> = []
  let rows = 0
  let start = 0
  for (const s of spans) {
    let at: { row: number; col: number } | undefined
    for (let i = start; !at; i++) {
      const r = Math.floor(i / cols)
      const c = i % cols
      if (free(r, c, s)) at = { row: r, col: c }
    }
    for (let dr = 0; dr < s.rows; dr++) {
      taken[at.row + dr] ??= []
      for (let dc = 0; dc < s.cols; dc++) taken[at.row + dr]![at.col + dc] = true
    }
    // Small cards fill holes left before a wide one, but never jump back further than that row.
    start = Math.max(0, at.row * cols)
    places.push(at)
    rows = Math.max(rows, at.row + s.rows)
  }
  return { places, rows }
}

/** Pages of shelves of section blocks with cells `cellW`×`cellH`; undefined when it cannot be done. */
function packWall(sections: readonly WallSection[], sized: Sized[][], width: number, height: number, cellW: number, cellH: number, o: Required<WallOptions>): WallPage[] | undefined {
  const gap = o.gap
  const sectionGap = gap * 3
  const cols = Math.max(1, Math.floor((width + gap) / (cellW + gap)))
  const pages: WallPage[] = [{ cards: [], boxes: [] }]
  let y = 0
  let x = 0
  let shelfH = 0
  const newPage = () => {
    pages.push({ cards: [], boxes: [] })
    y = 0
    x = 0
    shelfH = 0
  }
  for (let si = 0; si < sections.length; si++) {
    const section = sections[si]!
    const spans = sized[si]!.map((s) => s.span)
    const area = spans.reduce((sum, s) => sum + s.cols * s.rows, 0)
    const widest = spans.reduce((m, s) => Math.max(m, s.cols), 1)
    const plain = section.header === null
    let bc = plain ? cols : Math.min(cols, Math.max(widest, area, 1))
    let blockW = bc * cellW + (bc - 1) * gap
    // A header needs room for a few characters of its name beside the count.
    if (!plain) {
      const minW = Math.min(width, o.headerPx * 7)
      while (blockW < minW && bc < cols) blockW = ++bc * cellW + (bc - 1) * gap
      blockW = Math.max(blockW, minW)
    }
    const { places, rows } = packBlock(spans, bc)
    const headerH = headerHeight(section.header, blockW, o.headerPx)
    const parts: WallBox[] = []
    let rowStart = 0
    do {
      if (x > 0 && x + blockW > width) {
        y += shelfH + sectionGap
        x = 0
        shelfH = 0
      }
      const fresh = x === 0 && y === 0
      const fitRows = Math.floor((height - y - headerH + gap) / (cellH + gap))
      let cut = Math.min(rows, rowStart + Math.max(0, fitRows))
      // Never cut through a card two rows tall.
      while (cut > rowStart && places.some((p, i) => p.row < cut && p.row + spans[i]!.rows > cut)) cut--
      if (cut === rowStart) {
        if (fresh) return undefined
        newPage()
        continue
      }
      const used = cut - rowStart
      const box: WallBox = { x, y, w: blockW, h: headerH + used * (cellH + gap) - gap, section: si, headerH, part: 0, parts: 0 }
      const page = pages[pages.length - 1]!
      page.boxes.push(box)
      parts.push(box)
      places.forEach((p, i) => {
        if (p.row < rowStart || p.row >= cut) return
        const s = spans[i]!
        page.cards.push({
          section: si,
          index: i,
          px: 0,
          rect: { x: x + p.col * (cellW + gap), y: y + headerH + (p.row - rowStart) * (cellH + gap), w: s.cols * cellW + (s.cols - 1) * gap, h: s.rows * cellH + (s.rows - 1) * gap },
        })
      })
      shelfH = Math.max(shelfH, box.h)
      x += blockW + sectionGap
      rowStart = cut
      if (rowStart < rows) newPage()
    } while (rowStart < rows)
    parts.forEach((b, i) => {
      b.part = i + 1
      b.parts = parts.length
    })
  }
  return pages.filter((p) => p.boxes.length > 0)
}

/** Centre each page's content in the area, so a short page does not hug the top left. */
function centre(pages: WallPage[], width: number, height: number): void {
  for (const page of pages) {
    const right = Math.max(...page.boxes.map((b) => b.x + b.w))
    const bottom = Math.max(...page.boxes.map((b) => b.y + b.h))
    const dx = Math.max(0, Math.floor((width - right) / 2))
    const dy = Math.max(0, Math.floor((height - bottom) / 2))
    for (const b of page.boxes) {
      b.x += dx
      b.y += dy
    }
    for (const c of page.cards) {
      c.rect.x += dx
      c.rect.y += dy
    }
  }
}

/**
 * Lay the wall out: every cell size the area allows is tried (columns × rows, within the card
 * shapes allowed); each note takes one cell, or two or four when its text would otherwise go
 * below `floor`. The fewest pages win (as much of the wall at once as the size allows); among
 * layouts with as few pages, the one with the largest cells.
 */
export function layoutWall(sections: readonly WallSection[], width: number, height: number, options: WallOptions): WallLayout {
  if (sections.length === 0 || !(width > 0) || !(height > 0)) return EMPTY_WALL
  const o: Required<WallOptions> = {
    badges: false,
    headerPx: Math.round(options.floor * 1.5),
    gap: gapFor(width, height),
    padScale: 1,
    ...options,
  }
  const total = sections.reduce((n, s) => n + s.texts.length, 0)
  let best: { pages: WallPage[]; cellW: number; cellH: number; sized: Sized[][]; overfull: number } | undefined
  const maxCols = Math.max(1, Math.min(24, Math.floor((width + o.gap) / (o.floor * MIN_CELL_EMS + o.gap))))
  // Densest first, so the fewest pages are known early and larger cells are tried against them.
  for (let cols = maxCols; cols >= 1; cols--) {
    const cellW = Math.floor((width - o.gap * (cols - 1)) / cols)
    for (let rows = 1; ; rows++) {
      const cellH = Math.floor((height - o.gap * (rows - 1)) / rows)
      // A cell holds at least three lines at the floor with room around them: no cramped cards.
      if (cellH < o.floor * MIN_CELL_LINES || cellW / cellH > CELL_ASPECT.max) break
      if (cellW / cellH < CELL_ASPECT.min) continue
      // Every note takes a cell at least: a layout that cannot beat the best one is not tried.
      if (best && best.overfull === 0 && Math.ceil(total / (cols * rows)) > best.pages.length) continue
      const sized: Sized[][] = []
      let ok = true
      for (const s of sections) {
        const row: Sized[] = []
        for (const text of s.texts) {
          const fit = spanFor(text, cellW, cellH, cols, o)
          if (!fit) {
            ok = false
            break
          }
          row.push(fit)
        }
        if (!ok) break
        sized.push(row)
      }
      if (!ok) continue
      const pages = packWall(sections, sized, width, height, cellW, cellH, o)
      if (!pages) continue
      const overfull = sized.reduce((n, row) => n + row.filter((s) => s.overfull).length, 0)
      const better =
        !best ||
        overfull < best.overfull ||
        (overfull === best.overfull && (pages.length < best.pages.length || (pages.length === best.pages.length && cellW * cellH > best.cellW * best.cellH)))
      if (better) best = { pages, cellW, cellH, sized, overfull }
    }
  }
  if (!best) return EMPTY_WALL
  const chosen = best
  for (const page of chosen.pages) {
    for (const card of page.cards) {
      const text = sections[card.section]!.texts[card.index]!
      card.px = textSize(text, chosen.sized[card.section]![card.index]!, chosen.cellW, chosen.cellH, o)
    }
  }
  centre(best.pages, width, height)
  return { pages: best.pages, cellW: best.cellW, cellH: best.cellH, gap: o.gap, headerPx: o.headerPx }
}
