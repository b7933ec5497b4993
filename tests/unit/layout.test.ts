import { describe, expect, it } from 'vitest'
import {
  BOARD_ASPECT,
  LINE_HEIGHT,
  MAX_FONT_PX,
  MIN_FONT_PX,
  cardPadding,
  cardRect,
  fitGrid,
  fontSizeFor,
  gapFor,
  lineWidths,
  type Aspect,
  type Rect,
} from '../../client/src/board/layout.ts'

const AREAS: Array<[number, number]> = [
  [1920, 1080],
  [1280, 720],
]
const MAX_NOTES = 300

const overlaps = (a: Rect, b: Rect): boolean =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h

/** Card area for one column count, computed independently of fitGrid's loop. */
function areaWithCols(n: number, cols: number, width: number, height: number, aspect: Aspect): number {
  const gap = gapFor(width, height)
  const rows = Math.ceil(n / cols)
  const cellW = (width - gap * (cols - 1)) / cols
  const cellH = (height - gap * (rows - 1)) / rows
  if (cellW < 1 || cellH < 1) return 0
  const min = typeof aspect === 'number' ? aspect : aspect.min
  const max = typeof aspect === 'number' ? aspect : aspect.max
  // Whole pixels, trimmed to the shape: the widest card the shape allows in this cell.
  const h = Math.floor(cellH)
  const w = Math.min(Math.floor(cellW), Math.floor(h * max))
  return w * Math.min(h, Math.floor(w / min))
}

describe('fitGrid', () => {
  for (const [width, height] of AREAS) {
    describe(`${width}×${height}`, () => {
      it('places every note from 1 to 300 inside the area without overlap', () => {
        for (let n = 1; n <= MAX_NOTES; n++) {
          const grid = fitGrid(n, width, height)
          expect(grid.cols * grid.rows).toBeGreaterThanOrEqual(n)
          // No empty last row: the grid is never taller than it needs to be.
          expect(grid.cols * (grid.rows - 1)).toBeLessThan(n)
          const rects = Array.from({ length: n }, (_, i) => cardRect(i, grid))
          for (const r of rects) {
            expect(r.w).toBeGreaterThan(0)
            expect(r.h).toBeGreaterThan(0)
            expect(r.x).toBeGreaterThanOrEqual(0)
            expect(r.y).toBeGreaterThanOrEqual(0)
            expect(r.x + r.w).toBeLessThanOrEqual(width)
            expect(r.y + r.h).toBeLessThanOrEqual(height)
          }
          for (let i = 0; i < rects.length; i++) {
            for (let j = i + 1; j < rects.length; j++) {
              if (overlaps(rects[i]!, rects[j]!)) throw new Error(`cards ${i} and ${j} overlap for n=${n}`)
            }
          }
        }
      })

      it('makes the cards as big as any column count allows', () => {
        for (let n = 1; n <= MAX_NOTES; n++) {
          const grid = fitGrid(n, width, height)
          const area = grid.cardW * grid.cardH
          for (let cols = 1; cols <= n; cols++) {
            expect(areaWithCols(n, cols, width, height, BOARD_ASPECT)).toBeLessThanOrEqual(area)
          }
        }
      })

      it('never makes cards bigger when a note is added', () => {
        let previous = Infinity
        for (let n = 1; n <= MAX_NOTES; n++) {
          const grid = fitGrid(n, width, height)
          const area = grid.cardW * grid.cardH
          expect(area).toBeLessThanOrEqual(previous)
          previous = area
        }
      })

      it('keeps cards within the allowed shape', () => {
        for (let n = 1; n <= MAX_NOTES; n++) {
          const { cardW, cardH } = fitGrid(n, width, height)
          const ratio = cardW / cardH
          const { min, max } = BOARD_ASPECT as { min: number; max: number }
          expect(ratio).toBeGreaterThanOrEqual(min)
          expect(ratio).toBeLessThanOrEqual(max)
        }
      })
    })
  }

  it('gives a single note the whole area, up to the widest allowed shape', () => {
    expect(fitGrid(1, 1920, 1080)).toMatchObject({ cols: 1, rows: 1, cardW: 1920, cardH: 1080 })
    const wide = fitGrid(1, 2400, 1000)
    expect(wide).toMatchObject({ cardW: 1800, cardH: 1000, offsetX: 300, offsetY: 0 })
  })

  it('keeps a fixed aspect when given a number', () => {
    for (let n = 1; n <= 50; n++) {
      const { cardW, cardH } = fitGrid(n, 1600, 900, 1.5)
      expect(Math.abs(cardW / cardH - 1.5)).toBeLessThan(2 / cardH)
    }
  })

  it('gets smaller as the area shrinks', () => {
    for (const n of [1, 7, 40, 300]) {
      const big = fitGrid(n, 1920, 1080)
      const small = fitGrid(n, 1280, 720)
      expect(small.cardW * small.cardH).toBeLessThan(big.cardW * big.cardH)
    }
  })

  it('returns an empty grid when there is nothing to place or no room', () => {
    expect(fitGrid(0, 1920, 1080).cols).toBe(0)
    expect(fitGrid(5, 0, 1080).cols).toBe(0)
    expect(fitGrid(5, 1920, 0).cardW).toBe(0)
    expect(fitGrid(Number.NaN, 1920, 1080).cols).toBe(0)
  })
})

describe('fontSizeFor', () => {
  const short = '紙の申請書が多すぎる'
  const long = '子育て関連の手続きを一つの画面にまとめたい\n保育・児童手当・医療費助成'.repeat(4)

  it('stays within the minimum and maximum sizes', () => {
    for (const [w, h] of [
      [40, 30],
      [120, 80],
      [400, 260],
      [1900, 1060],
    ] as const) {
      for (const text of ['', 'a', short, long, 'x'.repeat(200)]) {
        const f = fontSizeFor(text, w, h)
        expect(f).toBeGreaterThanOrEqual(MIN_FONT_PX)
        expect(f).toBeLessThanOrEqual(MAX_FONT_PX)
      }
    }
  })

  it('fits the text in the card by its own estimate', () => {
    for (const [w, h] of [
      [200, 140],
      [320, 200],
      [760, 520],
    ] as const) {
      for (const text of [short, long, 'We need English guidance for foreign residents']) {
        const f = fontSizeFor(text, w, h)
        if (f === MIN_FONT_PX) continue
        const pad = cardPadding(w, h)
        const innerW = (w - 2 * pad) * 0.9
        const lines = lineWidths(text).reduce((s, em) => s + Math.max(1, Math.ceil((em * f) / innerW)), 0)
        expect(lines * f * LINE_HEIGHT).toBeLessThanOrEqual(h - 2 * pad)
      }
    }
  })

  it('gives longer text a smaller or equal size', () => {
    let previous = Infinity
    for (let len = 1; len <= 200; len += 7) {
      const f = fontSizeFor('あ'.repeat(len), 360, 240)
      expect(f).toBeLessThanOrEqual(previous)
      previous = f
    }
  })

  it('gives a bigger card a bigger or equal size', () => {
    let previous = 0
    for (let w = 80; w <= 1600; w += 40) {
      const f = fontSizeFor(short, w, Math.round(w / 1.5))
      expect(f).toBeGreaterThanOrEqual(previous)
      previous = f
    }
  })

  it('is readable from the back of the room for 30 short notes on 1080p', () => {
    const grid = fitGrid(30, 1540, 860)
    expect(fontSizeFor(short, grid.cardW, grid.cardH)).toBeGreaterThanOrEqual(28)
  })

  it('counts an emoji sequence as one wide character', () => {
    const [one] = lineWidths('👨‍👩‍👧')
    expect(one).toBeGreaterThan(1)
    expect(one).toBeLessThan(2)
  })
})
