import { dotsText } from '../lib/groups.ts'
import { language, t } from '../lib/lang.svelte.ts'
import { longDate } from '../lib/long-date.ts'
import { cardBox, CARD_RADIUS, colourFor, fitFont, LEGIBLE_PX_AT_1080, LINE_HEIGHT, NOTE_INK } from './card.ts'
import { layoutWall, type Rect, type WallLayout } from './layout.ts'
import type { Section } from './sections.ts'
import { blocksHeight, drawBlocks, surveyBlocks, type Block } from './snapshot-survey.ts'
import { boardTheme } from './theme.svelte.ts'
import type { BoardView } from './view.ts'
import { ellipsize, lineSegments, wrapLines } from './wrap.ts'

/**
 * The board as a PNG, drawn on a canvas from the board's own state rather than captured from the
 * screen, so it needs no library and the Japanese text is set in this computer's own fonts. The
 * wall uses the projector's layout (layout.ts) and cards (card.ts: padding, colours, text size,
 * the same line breaks) at 1920×1080, drawn at twice that for print, in the colours of the theme
 * the screen shows. A wall of several pages is drawn page under page, so the picture holds every
 * note. When the board shows a survey, the picture shows its charts instead (snapshot-survey.ts).
 * Loaded only when someone asks for a picture.
 */
export const PICTURE = { width: 1920, height: 1080, scale: 2 } as const
/** Chromium draws no canvas taller than 32,767 px: a long picture is drawn at less than 2×. */
const MAX_CANVAS_PX = 32_000
/** Space between two pages of the wall in the picture, with the page's "2 / 3" in it. */
const PAGE_GAP = 56

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
  const probe = canvas.getContext('2d')
  if (!probe) throw new Error('no 2d canvas')
  const family = getComputedStyle(document.body).fontFamily || 'sans-serif'
  // Measure first (the heading's height decides the wall's), then size the canvas to every page.
  const survey = view.survey
    ? await surveyBlocks(probe, view.survey, { width: PICTURE.width - 2 * PAD_X, theme: boardTheme.current, family, phones: view.phones })
    : undefined
  const plan = planPicture(probe, view, family, survey)
  const scale = Math.min(PICTURE.scale, MAX_CANVAS_PX / plan.height)
  canvas.width = PICTURE.width * scale
  canvas.height = Math.ceil(plan.height * scale)
  const ctx = canvas.getContext('2d')!
  ctx.scale(scale, scale)
  drawBoard(ctx, view, readPalette(), family, plan)
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('toBlob failed'))), 'image/png'))
}

type Font = (weight: string | number, px: number) => string

const PAD_X = 32
const PAD_Y = 26
const FOOTER_PX = 20
const FOOTER_GAP = 16

interface Plan {
  /** the picture's height in CSS px */
  height: number
  /** where the wall's first page starts, and each page's size */
  wallY: number
  wall: { w: number; h: number }
  /** the notes' pages, or the survey's title and charts in the wall's place */
  body: { kind: 'wall'; layout: WallLayout } | { kind: 'survey'; blocks: Block[] }
}

/** One line of text per heading, wrapped by the shared rule; returns the lines. */
function headingBlocks(view: BoardView): Array<{ text: string; px: number; weight: number; lineHeight: number; maxLines: number; before: number; tone: 'ink' | 'hi' | 'muted' }> {
  const out: ReturnType<typeof headingBlocks> = []
  if (view.title) out.push({ text: view.title, px: 50, weight: 700, lineHeight: 1.25, maxLines: 3, before: 0, tone: 'ink' })
  if (view.prompt) out.push({ text: view.prompt, px: 39, weight: 700, lineHeight: 1.35, maxLines: 6, before: 6, tone: 'hi' })
  out.push({ text: view.phase, px: 22, weight: 400, lineHeight: 1.4, maxLines: 1, before: 4, tone: 'muted' })
  if (view.heading) out.push({ text: view.heading, px: 34, weight: 700, lineHeight: 1.3, maxLines: 1, before: 8, tone: 'ink' })
  return out
}

const sectionHeader = (s: Section): string => (s.kind === 'ungrouped' ? t('wall.ungrouped') : s.label)

function planPicture(ctx: CanvasRenderingContext2D, view: BoardView, family: string, survey?: Block[]): Plan {
  const W = PICTURE.width
  const measure = (s: string) => ctx.measureText(s).width
  let y = PAD_Y
  for (const b of headingBlocks(view)) {
    ctx.font = `${b.weight} ${b.px}px ${family}`
    y += b.before + Math.min(b.maxLines, wrapLines(b.text, W - 2 * PAD_X, measure).length) * b.px * b.lineHeight
  }
  y += 14
  if (survey) {
    const wall = { w: W - 2 * PAD_X, h: blocksHeight(survey) }
    // never less than a screen, like the wall's picture
    return { height: Math.max(PICTURE.height, y + wall.h + FOOTER_GAP * 2 + FOOTER_PX + PAD_Y), wallY: y, wall, body: { kind: 'survey', blocks: survey } }
  }
  const wall = { w: W - 2 * PAD_X, h: PICTURE.height - PAD_Y - FOOTER_PX - FOOTER_GAP - y }
  const plain = view.sections.length === 1 && view.sections[0]!.kind === 'all'
  const layout = layoutWall(
    view.sections.map((s) => ({ header: plain ? null : `${sectionHeader(s)} 000`, texts: s.notes.map((n) => (n.faceDown ? '' : n.text)) })),
    wall.w,
    wall.h,
    { floor: LEGIBLE_PX_AT_1080, max: 86, badges: view.votes !== undefined && (view.votes.size > 0 || view.ranks !== undefined) },
  )
  const pages = Math.max(1, layout.pages.length)
  return { height: y + pages * wall.h + (pages - 1) * PAGE_GAP + FOOTER_GAP + FOOTER_PX + PAD_Y, wallY: y, wall, body: { kind: 'wall', layout } }
}

function drawBoard(ctx: CanvasRenderingContext2D, view: BoardView, c: Palette, family: string, plan: Plan): void {
  const W = PICTURE.width
  const font: Font = (weight, px) => `${weight} ${px}px ${family}`
  const measure = (s: string) => ctx.measureText(s).width
  ctx.textBaseline = 'top'
  ctx.fillStyle = c.bg
  ctx.fillRect(0, 0, W, plan.height)

  let y = PAD_Y
  for (const b of headingBlocks(view)) {
    // Wrapped by the shared rule; cut with an ellipsis only past `maxLines` (never on screen).
    ctx.font = font(b.weight, b.px)
    ctx.fillStyle = b.tone === 'hi' ? c.hi : b.tone === 'muted' ? c.muted : c.ink
    const width = W - 2 * PAD_X
    let lines = wrapLines(b.text, width, measure)
    if (lines.length > b.maxLines) lines = [...lines.slice(0, b.maxLines - 1), ellipsize(lines[b.maxLines - 1]! + '…', width, measure)]
    y += b.before
    for (const line of lines) {
      ctx.fillText(line, PAD_X, y + (b.px * (b.lineHeight - 1)) / 2)
      y += b.px * b.lineHeight
    }
  }

  // The footer: when, how many, and where to join (small: the picture is a record, not a poster).
  const footer = [longDate(view.createdAt, language.current), view.survey ? '' : t('board.noteCount', { n: view.noteCount }), view.joinUrl ? t('print.join', { url: view.joinUrl }) : '']
    .filter(Boolean)
    .join('   ·   ')
  ctx.font = font(400, FOOTER_PX)
  ctx.fillStyle = c.muted
  ctx.fillText(ellipsize(footer, W - 2 * PAD_X, measure), PAD_X, plan.height - PAD_Y - FOOTER_PX)

  if (plan.body.kind === 'survey') return drawBlocks(ctx, plan.body.blocks, PAD_X, plan.wallY, c, family)
  const layout = plan.body.layout
  const pages = layout.pages
  pages.forEach((page, p) => {
    const top = plan.wallY + p * (plan.wall.h + PAGE_GAP)
    if (pages.length > 1) {
      ctx.font = font(700, 24)
      ctx.fillStyle = c.muted
      const label = `${p + 1} / ${pages.length}`
      // In the space above its page: the first page's is on the phase line, at the right.
      ctx.fillText(label, W - PAD_X - measure(label), top - (p === 0 ? 40 : PAGE_GAP / 2 + 12))
    }
    drawPage(ctx, view, c, font, layout, p, { x: PAD_X, y: top, w: plan.wall.w, h: plan.wall.h })
  })
}

function drawPage(ctx: CanvasRenderingContext2D, view: BoardView, c: Palette, font: Font, layout: WallLayout, index: number, wall: Rect): void {
  const measure = (s: string) => ctx.measureText(s).width
  const votes = view.votes ?? new Map<string, number>()
  const page = layout.pages[index]!
  const plain = view.sections.length === 1 && view.sections[0]!.kind === 'all'
  if (!plain) {
    for (const box of page.boxes) {
      const section = view.sections[box.section]!
      // The area: a line across its top (dashed for the notes in no group) and its whole name.
      ctx.save()
      ctx.strokeStyle = c.line
      ctx.lineWidth = 3
      ctx.setLineDash(section.kind === 'ungrouped' ? [10, 6] : [])
      ctx.beginPath()
      ctx.moveTo(wall.x + box.x, wall.y + box.y + 1.5)
      ctx.lineTo(wall.x + box.x + box.w, wall.y + box.y + 1.5)
      ctx.stroke()
      ctx.restore()
      const px = layout.headerPx
      const name = sectionHeader(section) + (box.part > 1 ? ` ${t('wall.continued')}` : '')
      ctx.font = font(700, px)
      ctx.fillStyle = section.kind === 'ungrouped' ? c.muted : c.ink
      const lines = wrapLines(name, box.w - px * 2.5, measure)
      let ty = wall.y + box.y + px * 0.2
      lines.forEach((line, i) => {
        ctx.font = font(700, px)
        ctx.fillStyle = section.kind === 'ungrouped' ? c.muted : c.ink
        ctx.fillText(line, wall.x + box.x, ty)
        if (i === lines.length - 1) {
          const w = measure(line)
          ctx.font = font(400, Math.round(px * 0.75))
          ctx.fillStyle = c.muted
          ctx.fillText(String(section.notes.length), wall.x + box.x + w + px * 0.5, ty + px * 0.2)
        }
        ty += px * 1.25
      })
    }
  }
  const badges = view.votes !== undefined && (votes.size > 0 || view.ranks !== undefined)
  for (const card of page.cards) {
    const note = view.sections[card.section]!.notes[card.index]!
    const r = { x: wall.x + card.rect.x, y: wall.y + card.rect.y, w: card.rect.w, h: card.rect.h }
    drawCard(ctx, c, font, r, { id: note.id, text: note.text, faceDown: note.faceDown === true }, card.px, badges, votes.get(note.id) ?? 0, view.ranks?.get(note.id))
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
  font: Font,
  r: Rect,
  note: { id: string; text: string; faceDown: boolean },
  px: number,
  badges: boolean,
  dots: number,
  rank: number | undefined,
): void {
  const box = cardBox(r.w, r.h, badges)
  const paper = colourFor(note.id)
  ctx.save()
  ctx.shadowColor = 'rgb(0 0 0 / 0.3)'
  ctx.shadowBlur = 8
  ctx.shadowOffsetY = 3
  ctx.fillStyle = paper
  roundRect(ctx, r, CARD_RADIUS)
  ctx.fill()
  ctx.restore()
  if (c.cardEdge) {
    ctx.save()
    ctx.strokeStyle = c.cardEdge.colour
    ctx.lineWidth = c.cardEdge.width
    roundRect(ctx, { x: r.x + c.cardEdge.width / 2, y: r.y + c.cardEdge.width / 2, w: r.w - c.cardEdge.width, h: r.h - c.cardEdge.width }, CARD_RADIUS)
    ctx.stroke()
    ctx.restore()
  }

  if (note.faceDown) {
    // Face down: stripes and no text (the board never had the text to show).
    ctx.save()
    roundRect(ctx, r, CARD_RADIUS)
    ctx.clip()
    ctx.fillStyle = 'rgb(29 35 48 / 0.12)'
    ctx.translate(r.x, r.y)
    ctx.rotate(-Math.PI / 4)
    for (let s = -r.h - r.w; s < r.w + r.h; s += 28) ctx.fillRect(s, -r.w - r.h, 14, 2 * (r.w + r.h))
    ctx.restore()
  } else {
    const lines = cardLines(ctx, note.text, box.innerW, box.innerH, px, (size) => font(c.cardWeight, size))
    ctx.fillStyle = c.cardInk
    const lineH = lines.px * LINE_HEIGHT
    // Centred top to bottom, as on the board.
    let y = r.y + box.padding + Math.max(0, (box.innerH - lines.lines.length * lineH) / 2)
    for (const line of lines.lines) {
      ctx.fillText(line, r.x + box.padding, y + (lineH - lines.px) / 2)
      y += lineH
    }
  }

  if (box.badgeH > 0 && (rank !== undefined || dots > 0)) {
    const band = { x: r.x, y: r.y + r.h - box.badgeH, w: r.w, h: box.badgeH }
    ctx.fillStyle = c.badgeBg
    roundRect(ctx, band, [0, 0, CARD_RADIUS, CARD_RADIUS])
    ctx.fill()
    const bpx = Math.round(box.badgeH * 0.62)
    ctx.font = font(700, bpx)
    const textY = band.y + (band.h - bpx) / 2
    const inset = bpx * 0.5
    if (rank !== undefined) {
      ctx.fillStyle = c.badgeHi
      ctx.fillText(t('wall.rank', { n: rank }), band.x + inset, textY)
    }
    if (dots > 0) {
      const text = dotsText(dots)
      ctx.fillStyle = c.badgeInk
      ctx.fillText(text, band.x + band.w - inset - ctx.measureText(text).width, textY)
    }
  }
}

/**
 * The card's lines at the size the layout gave it, checked with the canvas's real measurement
 * (one step smaller if the real font is wider than the estimate), broken by the shared rule.
 */
function cardLines(ctx: CanvasRenderingContext2D, text: string, w: number, h: number, px: number, fontAt: (px: number) => string): { px: number; lines: string[] } {
  const measure = (s: string) => ctx.measureText(s).width
  const linesAt = (size: number) => {
    ctx.font = fontAt(size)
    return wrapLines(text, w, measure)
  }
  const whole = (size: number) => linesAt(size).length * size * LINE_HEIGHT <= h && lineSegments(text, Infinity, measure).every((l) => l.every((seg) => measure(seg.trimEnd()) <= w))
  const size = fitFont(text, w, h, Math.min(px, LEGIBLE_PX_AT_1080), px, whole) ?? Math.min(px, LEGIBLE_PX_AT_1080)
  return { px: size, lines: linesAt(size) }
}
