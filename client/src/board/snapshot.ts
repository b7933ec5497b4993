import { dotsText } from '../lib/groups.ts'
import { language, t } from '../lib/lang.svelte.ts'
import { longDate } from '../lib/long-date.ts'
import { colourFor, NOTE_INK } from './colours.ts'
import { cardPadding, cardRect, fitGrid, fitSections, LINE_HEIGHT, MAX_FONT_PX, MIN_FONT_PX, sectionCardRect, type Rect } from './layout.ts'
import type { BoardView } from './view.ts'
import { breakUnits, ellipsize, graphemes, wrapLines } from './wrap.ts'

/**
 * The board as a PNG, drawn on a canvas from the board's own state rather than captured from the
 * screen, so it needs no library and the Japanese text is set in this computer's own fonts. The
 * wall uses the projector's layout functions at 1920×1080 (drawn at twice that for print), and
 * the colours of the theme the screen shows. Loaded only when someone asks for a picture.
 */
export const PICTURE = { width: 1920, height: 1080, scale: 2 } as const

interface Palette {
  bg: string
  ink: string
  muted: string
  hi: string
  line: string
  cardInk: string
  cardWeight: string
  cardEdge: { width: number; colour: string } | null
  badgeBg: string
  badgeInk: string
  badgeHi: string
}

/** The theme's colours from its custom properties (themes.css), with the dim room's as defaults. */
function readPalette(): Palette {
  const style = getComputedStyle(document.documentElement)
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback
  const edge = /^([\d.]+)px\s+solid\s+(.+)$/.exec(read('--board-card-edge', 'none'))
  return {
    bg: read('--board-bg', '#20242b'),
    ink: read('--board-ink', '#f3f4f6'),
    muted: read('--board-muted', '#b8c0cc'),
    hi: read('--board-hi', '#ffe58a'),
    line: read('--board-line', '#8d96a8'),
    cardInk: read('--board-card-ink', NOTE_INK),
    cardWeight: read('--board-card-weight', '600'),
    cardEdge: edge ? { width: Number(edge[1]), colour: edge[2]! } : null,
    badgeBg: read('--board-badge-bg', '#1d2330'),
    badgeInk: read('--board-badge-ink', '#ffffff'),
    badgeHi: read('--board-badge-hi', '#ffe58a'),
  }
}

/** Draw the board and encode it; resolves with the PNG. */
export async function boardPng(view: BoardView): Promise<Blob> {
  await document.fonts?.ready
  const canvas = document.createElement('canvas')
  canvas.width = PICTURE.width * PICTURE.scale
  canvas.height = PICTURE.height * PICTURE.scale
  const ctx = canvas.getContext('2d')
  if (!ctx) throw new Error('no 2d canvas')
  ctx.scale(PICTURE.scale, PICTURE.scale)
  drawBoard(ctx, view, readPalette(), getComputedStyle(document.body).fontFamily || 'sans-serif')
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('toBlob failed'))), 'image/png'))
}

function drawBoard(ctx: CanvasRenderingContext2D, view: BoardView, c: Palette, family: string): void {
  const { width: W, height: H } = PICTURE
  const padX = 32
  const padY = 26
  const font = (weight: string | number, px: number) => `${weight} ${px}px ${family}`
  const measure = (s: string) => ctx.measureText(s).width
  ctx.textBaseline = 'top'
  ctx.fillStyle = c.bg
  ctx.fillRect(0, 0, W, H)

  /** Wrapped text, cut with an ellipsis after `maxLines`; returns the y below it. */
  const block = (text: string, y: number, px: number, weight: number, colour: string, maxLines: number, lineHeight: number): number => {
    ctx.font = font(weight, px)
    ctx.fillStyle = colour
    const width = W - 2 * padX
    let lines = wrapLines(text, width, measure)
    if (lines.length > maxLines) lines = [...lines.slice(0, maxLines - 1), ellipsize(lines[maxLines - 1]! + '…', width, measure)]
    for (const line of lines) {
      ctx.fillText(line, padX, y + (px * (lineHeight - 1)) / 2)
      y += px * lineHeight
    }
    return y
  }

  let y = padY
  if (view.title) y = block(view.title, y, 50, 700, c.ink, 2, 1.25)
  if (view.prompt) y = block(view.prompt, y + 6, 39, 700, c.hi, 3, 1.35)
  y = block(view.phase, y + 4, 22, 400, c.muted, 1, 1.4)
  if (view.heading) y = block(view.heading, y + 8, 34, 700, c.ink, 1, 1.3)
  y += 14

  // The footer: when, how many, and where to join (small: the picture is a record, not a poster).
  const footerPx = 20
  const footer = [longDate(view.createdAt, language.current), t('board.noteCount', { n: view.noteCount }), view.joinUrl ? t('print.join', { url: view.joinUrl }) : '']
    .filter(Boolean)
    .join('   ·   ')
  ctx.font = font(400, footerPx)
  ctx.fillStyle = c.muted
  ctx.fillText(ellipsize(footer, W - 2 * padX, measure), padX, H - padY - footerPx)

  const wall: Rect = { x: padX, y, w: W - 2 * padX, h: H - padY - footerPx - 16 - y }
  if (wall.h > 40) drawWall(ctx, view, c, font, wall)
}

function drawWall(ctx: CanvasRenderingContext2D, view: BoardView, c: Palette, font: (weight: string | number, px: number) => string, wall: Rect): void {
  const measure = (s: string) => ctx.measureText(s).width
  const votes = view.votes ?? new Map<string, number>()
  const placed: Array<{ id: string; text: string; faceDown: boolean; rect: Rect }> = []
  let cardW = 0
  let cardH = 0
  const plain = view.sections.length === 1 && view.sections[0]!.kind === 'all'
  if (plain) {
    const notes = view.sections[0]!.notes
    const grid = fitGrid(notes.length, wall.w, wall.h)
    notes.forEach((n, i) => placed.push({ id: n.id, text: n.text, faceDown: n.faceDown === true, rect: cardRect(i, grid) }))
    cardW = grid.cardW
    cardH = grid.cardH
  } else {
    const fit = fitSections(
      view.sections.map((s) => s.notes.length),
      wall.w,
      wall.h,
    )
    cardW = fit.cardW
    cardH = fit.cardH
    view.sections.forEach((section, i) => {
      const box = fit.sections[i]
      if (!box) return
      // The area: a line across its top (dashed for the notes in no group) and its name.
      ctx.save()
      ctx.strokeStyle = c.line
      ctx.lineWidth = 3
      ctx.setLineDash(section.kind === 'ungrouped' ? [10, 6] : [])
      ctx.beginPath()
      ctx.moveTo(wall.x + box.x, wall.y + box.y + 1.5)
      ctx.lineTo(wall.x + box.x + box.w, wall.y + box.y + 1.5)
      ctx.stroke()
      ctx.restore()
      const px = Math.round(box.headerH * 0.58)
      const count = String(section.notes.length)
      ctx.font = font(400, Math.round(px * 0.75))
      const countW = measure(count)
      ctx.font = font(700, px)
      const name = section.kind === 'ungrouped' ? t('wall.ungrouped') : section.label
      const shown = ellipsize(name, Math.max(0, box.w - countW - px * 0.5), measure)
      const textY = wall.y + box.y + (box.headerH - px) / 2 + 2
      ctx.fillStyle = section.kind === 'ungrouped' ? c.muted : c.ink
      ctx.fillText(shown, wall.x + box.x, textY)
      const nameW = measure(shown)
      ctx.font = font(400, Math.round(px * 0.75))
      ctx.fillStyle = c.muted
      ctx.fillText(count, wall.x + box.x + nameW + px * 0.5, textY + px * 0.2)
      section.notes.forEach((n, j) => placed.push({ id: n.id, text: n.text, faceDown: n.faceDown === true, rect: sectionCardRect(j, box, fit) }))
    })
  }

  const padding = cardPadding(cardW, cardH)
  const badges = votes.size > 0 || view.ranks !== undefined
  const badgeH = badges ? Math.max(14, Math.min(52, Math.round(cardH * 0.2))) : 0
  for (const p of placed) {
    const r = { x: wall.x + p.rect.x, y: wall.y + p.rect.y, w: p.rect.w, h: p.rect.h }
    drawCard(ctx, c, font, r, p, { padding, badgeH, dots: votes.get(p.id) ?? 0, rank: view.ranks?.get(p.id) })
  }
}

function roundRect(ctx: CanvasRenderingContext2D, r: Rect, radius: number | number[]): void {
  ctx.beginPath()
  if (typeof ctx.roundRect === 'function') ctx.roundRect(r.x, r.y, r.w, r.h, radius)
  else ctx.rect(r.x, r.y, r.w, r.h)
}

function drawCard(
  ctx: CanvasRenderingContext2D,
  c: Palette,
  font: (weight: string | number, px: number) => string,
  r: Rect,
  note: { id: string; text: string; faceDown: boolean },
  o: { padding: number; badgeH: number; dots: number; rank: number | undefined },
): void {
  const paper = colourFor(note.id)
  ctx.save()
  ctx.shadowColor = 'rgb(0 0 0 / 0.3)'
  ctx.shadowBlur = 8
  ctx.shadowOffsetY = 3
  ctx.fillStyle = paper
  roundRect(ctx, r, 6)
  ctx.fill()
  ctx.restore()
  if (c.cardEdge) {
    ctx.save()
    ctx.strokeStyle = c.cardEdge.colour
    ctx.lineWidth = c.cardEdge.width
    roundRect(ctx, { x: r.x + c.cardEdge.width / 2, y: r.y + c.cardEdge.width / 2, w: r.w - c.cardEdge.width, h: r.h - c.cardEdge.width }, 6)
    ctx.stroke()
    ctx.restore()
  }

  if (note.faceDown) {
    // Face down: stripes and no text (the board never had the text to show).
    ctx.save()
    roundRect(ctx, r, 6)
    ctx.clip()
    ctx.fillStyle = 'rgb(29 35 48 / 0.12)'
    ctx.translate(r.x, r.y)
    ctx.rotate(-Math.PI / 4)
    for (let s = -r.h - r.w; s < r.w + r.h; s += 28) ctx.fillRect(s, -r.w - r.h, 14, 2 * (r.w + r.h))
    ctx.restore()
  } else {
    const innerW = r.w - 2 * o.padding
    const innerH = r.h - 2 * o.padding - o.badgeH
    const fitted = fitText(ctx, note.text, innerW, innerH, (px) => font(c.cardWeight, px))
    ctx.font = font(c.cardWeight, fitted.px)
    ctx.fillStyle = c.cardInk
    const lineH = fitted.px * LINE_HEIGHT
    // Centred top to bottom, as on the board; when too full, from the top with the end faded out.
    let y = r.y + o.padding + Math.max(0, (innerH - fitted.lines.length * lineH) / 2)
    for (const line of fitted.lines) {
      ctx.fillText(line, r.x + o.padding, y + (lineH - fitted.px) / 2)
      y += lineH
    }
  }

  if (o.badgeH > 0 && (o.rank !== undefined || o.dots > 0)) {
    const band = { x: r.x, y: r.y + r.h - o.badgeH, w: r.w, h: o.badgeH }
    ctx.fillStyle = c.badgeBg
    roundRect(ctx, band, [0, 0, 6, 6])
    ctx.fill()
    const px = Math.round(o.badgeH * 0.62)
    ctx.font = font(700, px)
    const textY = band.y + (band.h - px) / 2
    const inset = px * 0.5
    if (o.rank !== undefined) {
      ctx.fillStyle = c.badgeHi
      ctx.fillText(t('wall.rank', { n: o.rank }), band.x + inset, textY)
    }
    if (o.dots > 0) {
      const dots = dotsText(o.dots)
      ctx.fillStyle = c.badgeInk
      ctx.fillText(dots, band.x + band.w - inset - ctx.measureText(dots).width, textY)
    }
  }
}

/**
 * The largest size at which the wrapped text fits, measured with the real font, preferring one
 * at which no word has to be cut; at the smallest size, what does not fit is cut and the last
 * line ends with an ellipsis.
 */
function fitText(ctx: CanvasRenderingContext2D, text: string, w: number, h: number, fontAt: (px: number) => string): { px: number; lines: string[] } {
  const measure = (s: string) => ctx.measureText(s).width
  const linesAt = (px: number) => {
    ctx.font = fontAt(px)
    return wrapLines(text, w, measure)
  }
  if (w <= 0 || h <= 0) return { px: MIN_FONT_PX, lines: [] }
  const words = breakUnits(text).filter((u) => !/^\s+$/u.test(u) && graphemes(u).length > 1)
  const fits = (px: number) => linesAt(px).length * px * LINE_HEIGHT <= h
  const fitsWhole = (px: number) => fits(px) && words.every((word) => measure(word) <= w)
  const largest = (ok: (px: number) => boolean): number | undefined => {
    let lo = MIN_FONT_PX
    let hi = Math.max(MIN_FONT_PX, Math.min(MAX_FONT_PX, Math.floor(h / LINE_HEIGHT)))
    if (!ok(lo)) return undefined
    // Larger text never fits where smaller did not, so the sizes that fit form a prefix.
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2)
      if (ok(mid)) lo = mid
      else hi = mid - 1
    }
    return lo
  }
  const px = largest(fitsWhole) ?? largest(fits)
  if (px !== undefined) return { px, lines: linesAt(px) }
  const max = Math.max(1, Math.floor(h / (MIN_FONT_PX * LINE_HEIGHT)))
  const kept = linesAt(MIN_FONT_PX).slice(0, max)
  kept[max - 1] = ellipsize((kept[max - 1] ?? '') + '…', w, measure)
  return { px: MIN_FONT_PX, lines: kept }
}
