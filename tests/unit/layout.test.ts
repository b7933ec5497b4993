import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { cardBox, emWidth, fitFont, fitsAt, legibleFloor } from '../../client/src/board/card.ts'
import { BOARD_ASPECT, cardRect, fitGrid, gapFor, layoutWall, type Aspect, type Rect } from '../../client/src/board/layout.ts'

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

const FIXTURE = fs
  .readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'notes-ja.txt'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'))
  .map((l) => l.replace(/\\n/g, '\n'))
const notes = (n: number) => Array.from({ length: n }, (_, i) => FIXTURE[i % FIXTURE.length]!)
/** The board's wall at 1920×1080 with the QR column and the headings beside and above it. */
const WALL = { w: 1560, h: 880 }

describe('layoutWall: legible at any number of notes', () => {
  for (const n of [1, 5, 30, 60, 250]) {
    it(`${n} notes: every note once, at 20 px or more, inside its card and the wall, none overlapping`, () => {
      const wall = layoutWall([{ header: null, texts: notes(n) }], WALL.w, WALL.h, { floor: 20, max: 86 })
      const seen = wall.pages.flatMap((p) => p.cards.map((c) => c.index))
      expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i))
      for (const page of wall.pages) {
        for (const [i, card] of page.cards.entries()) {
          expect(card.px).toBeGreaterThanOrEqual(20)
          const { x, y, w, h } = card.rect
          expect(x >= 0 && y >= 0 && x + w <= WALL.w && y + h <= WALL.h, JSON.stringify(card.rect)).toBe(true)
          const box = cardBox(w, h, false)
          expect(fitsAt(notes(n)[card.index]!, card.px, box.innerW, box.innerH), `${notes(n)[card.index]} at ${card.px}px in ${w}×${h}`).toBe(true)
          for (const other of page.cards.slice(i + 1)) expect(overlaps(card.rect, other.rect)).toBe(false)
        }
      }
    })
  }

  it('pages rather than shrinks: one page while all fit, then as few pages as the size allows', () => {
    expect(layoutWall([{ header: null, texts: notes(12) }], WALL.w, WALL.h, { floor: 20, max: 86 }).pages).toHaveLength(1)
    const big = layoutWall([{ header: null, texts: notes(250) }], WALL.w, WALL.h, { floor: 20, max: 86 })
    expect(big.pages.length).toBeGreaterThan(1)
    // still a good share of the wall at once
    expect(Math.min(...big.pages.slice(0, -1).map((p) => p.cards.length))).toBeGreaterThanOrEqual(30)
  })

  it('gives notes of the same length the same size, whatever their neighbours', () => {
    const texts = ['紙の申請書が多すぎる', '押印のために来庁してもらっている手続きを全部洗い出したい', '会議が長い', '窓口の混雑がひどい', '紙の申請書が多すぎる']
    const wall = layoutWall([{ header: null, texts }], WALL.w, WALL.h, { floor: 20, max: 86 })
    const px = new Map(wall.pages[0]!.cards.map((c) => [c.index, c.px]))
    expect(px.get(0)).toBe(px.get(4))
    expect(px.get(3)).toBe(px.get(0)) // 9 and 10 characters: one length class
    expect(px.get(1)!).toBeLessThan(px.get(2)!)
  })

  it('gives a long note a bigger card instead of smaller text', () => {
    const long = '子育て関連の手続きを一つの画面にまとめたい。保育・児童手当・医療費助成をそれぞれ別の窓口で申請するのは大変なので、まとめて申請できるようにしてほしい'
    const wall = layoutWall([{ header: null, texts: [...notes(40), long] }], WALL.w, WALL.h, { floor: 20, max: 86 })
    const cards = wall.pages.flatMap((p) => p.cards)
    const card = cards.find((c) => c.index === 40)!
    expect(card.px).toBeGreaterThanOrEqual(20)
    expect(card.rect.w * card.rect.h).toBeGreaterThan(wall.cellW * wall.cellH)
  })

  it('never leaves the wall empty: a note too long for any card at the floor is still shown', () => {
    const huge = Array.from({ length: 12 }, () => 'あ'.repeat(16)).join('\n')
    for (const [w, h] of [
      [600, 300],
      [1560, 880],
    ] as const) {
      const wall = layoutWall([{ header: null, texts: ['短い', huge, '紙の申請書が多すぎる'] }], w, h, { floor: 20, max: 86 })
      expect(wall.pages.flatMap((p) => p.cards.map((c) => c.index)).sort()).toEqual([0, 1, 2])
    }
  })

  it('splits a group over pages under its own header, never cutting the header', () => {
    const sections = [
      { header: 'とても長いグループの名前 › その中の、さらに長い名前のグループ 12', texts: notes(90) },
      { header: 'グループなし 3', texts: notes(3) },
    ]
    const wall = layoutWall(sections, WALL.w, WALL.h, { floor: 20, max: 86 })
    expect(wall.pages.length).toBeGreaterThan(1)
    const parts = wall.pages.flatMap((p) => p.boxes.filter((b) => b.section === 0))
    expect(parts.length).toBeGreaterThan(1)
    expect(parts.every((b) => b.parts === parts.length)).toBe(true)
    for (const page of wall.pages) {
      for (const b of page.boxes) {
        // the header's wrapped lines fit its height
        expect(b.headerH).toBeGreaterThanOrEqual(wall.headerPx * 1.25)
        expect(b.y + b.h).toBeLessThanOrEqual(WALL.h)
        for (const c of page.cards.filter((c) => c.section === b.section)) {
          expect(c.rect.y).toBeGreaterThanOrEqual(b.y + b.headerH)
          expect(c.rect.y + c.rect.h).toBeLessThanOrEqual(b.y + b.h + 1)
        }
      }
    }
  })

})

describe('the card’s text size (card.ts)', () => {
  const short = '紙の申請書が多すぎる'
  it('is a step of the floor, within floor and max, or none when the text cannot fit at the floor', () => {
    expect(fitFont(short, 40, 20, 20, 86)).toBeUndefined()
    const f = fitFont(short, 400, 260, 20, 86)!
    expect(f).toBeGreaterThanOrEqual(20)
    expect(f).toBeLessThanOrEqual(86)
  })

  it('gives longer text a smaller or equal size', () => {
    let previous = Infinity
    for (let len = 1; len <= 200; len += 7) {
      const f = fitFont('あ'.repeat(len), 360, 240, 12, 86) ?? 0
      expect(f).toBeLessThanOrEqual(previous)
      previous = f
    }
  })

  it('keeps a phrase whole: no size at which one would have to be cut', () => {
    // 「申請書が」 is four characters: at 30 px they need 120 px
    expect(fitsAt('紙の申請書が多すぎる', 30, 110, 400)).toBe(false)
    expect(fitsAt('紙の申請書が多すぎる', 30, 130, 400)).toBe(true)
  })

  it('scales the legible floor with the screen: 20 px at 1080p', () => {
    expect(legibleFloor(1080)).toBe(20)
    expect(legibleFloor(720)).toBe(13)
    expect(legibleFloor(2160)).toBe(40)
  })

  it('counts an emoji sequence as one wide character', () => {
    const one = emWidth('👨‍👩‍👧')
    expect(one).toBeGreaterThan(1)
    expect(one).toBeLessThan(2)
  })
})
