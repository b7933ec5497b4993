/**
 * A survey chart as plain geometry: rectangles, lines, paths and lines of text, with colours
 * named by role. One scene feeds both the Svelte component (Scene.svelte draws it as inline SVG)
 * and the standalone SVG string (`sceneSvg`, fonts and colours written in) for the board's PNG
 * and print, so the screen, the picture and the paper show the same chart.
 */
import type { Theme } from '../../board/themes.ts'
import { emWidth } from '../../board/card.ts'
import { wrapLines } from '../../board/wrap.ts'

export type ChartSize = 'board' | 'console' | 'phone'

/** The screen's font stack (base.css), so the picture is set like the page. */
export const CHART_FONT =
  "system-ui, -apple-system, 'Hiragino Sans', 'Hiragino Kaku Gothic ProN', 'Noto Sans CJK JP', 'Noto Sans JP', 'Yu Gothic', Meiryo, sans-serif"

/**
 * Per size: the width drawn by default, text sizes and bar thickness, in px. The board's are
 * read from the back of a room at 1920×1080: no text under 24 px.
 */
export const CHART_SIZES = {
  board: { width: 1600, text: 32, small: 26, bar: 52, gap: 22, pad: 12 },
  console: { width: 720, text: 17, small: 15, bar: 28, gap: 12, pad: 6 },
  phone: { width: 360, text: 16, small: 14, bar: 26, gap: 10, pad: 4 },
} as const satisfies Record<ChartSize, { width: number; text: number; small: number; bar: number; gap: number; pad: number }>

/** Colour roles; each theme gives one colour per role (see PALETTES). */
export type Role = 'bg' | 'ink' | 'muted' | 'line' | 'track' | 'barA' | 'barB' | 'mean' | 'rise' | 'fall' | 'word1' | 'word2' | 'word3' | 'word4'

/**
 * Okabe–Ito colours (safe for the common colour blindnesses), chosen per theme for contrast with
 * the board's wall; every bar also carries its number and label in text, so no meaning rests on
 * colour alone. barA: a single round and the later round (blue); barB: the earlier round (sky blue).
 */
export const PALETTES: Record<Theme, Record<Role, string>> = {
  light: {
    bg: '#eceef2', ink: '#1d2330', muted: '#454d5c', line: '#5d6678', track: '#d5d9e1',
    barA: '#0072B2', barB: '#56B4E9', mean: '#D55E00', rise: '#006e50', fall: '#b34700',
    word1: '#1d2330', word2: '#0060a0', word3: '#a64600', word4: '#006e50',
  },
  dark: {
    bg: '#20242b', ink: '#f3f4f6', muted: '#b8c0cc', line: '#8d96a8', track: '#343a45',
    barA: '#56B4E9', barB: '#8d96a8', mean: '#E69F00', rise: '#5fd3a8', fall: '#f0a35e',
    word1: '#f3f4f6', word2: '#56B4E9', word3: '#E69F00', word4: '#F0E442',
  },
  contrast: {
    bg: '#000000', ink: '#ffffff', muted: '#ffffff', line: '#ffffff', track: '#333333',
    barA: '#ffff00', barB: '#ffffff', mean: '#ffffff', rise: '#ffff00', fall: '#ffffff',
    word1: '#ffffff', word2: '#ffff00', word3: '#ffffff', word4: '#ffff00',
  },
}

export type Anchor = 'start' | 'middle' | 'end'

export type Shape =
  | { kind: 'rect'; x: number; y: number; w: number; h: number; fill: Role; stroke?: Role; rx?: number }
  | { kind: 'line'; x1: number; y1: number; x2: number; y2: number; stroke: Role; width: number; dash?: string }
  | { kind: 'path'; d: string; fill: Role | 'none'; stroke?: Role; width?: number }
  /** one line of text; y is its baseline */
  /** halo: outlined in the background colour, to stay readable over a line or bar */
  | { kind: 'text'; x: number; y: number; text: string; px: number; fill: Role; weight?: number; anchor?: Anchor; halo?: boolean }

export interface Scene {
  width: number
  height: number
  /** what the chart says, in words: the image's accessible name and the SVG's <title> */
  title: string
  shapes: Shape[]
}

/** Text width estimate at `px` (the board's estimate: CJK 1 em, Latin narrower). */
export const measure = (px: number) => (s: string) => emWidth(s) * px

/** Lines of `text` at `px` that fit `width`, broken between phrases (BudouX) as the board does. */
export function wrap(text: string, width: number, px: number): string[] {
  const lines = wrapLines(text, Math.max(px, width), measure(px))
  return lines.length > 0 ? lines : ['']
}

/** Baseline offset of a line of text within a line box of height px × LINE. */
export const LINE = 1.3
export const baseline = (px: number) => px * 1.02

/** Push wrapped text lines from `y` (top of the first line box); returns the y below them. */
export function textBlock(shapes: Shape[], lines: string[], x: number, y: number, px: number, fill: Role, weight = 400, anchor: Anchor = 'start', halo = false): number {
  lines.forEach((text, i) => shapes.push({ kind: 'text', x, y: y + i * px * LINE + baseline(px), text, px, fill, weight, anchor, ...(halo ? { halo } : {}) }))
  return y + lines.length * px * LINE
}

export const haloWidth = (px: number) => Math.max(3, px / 4)

export const pctText = (pct: number) => `${Math.round(pct)}%`

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const n = (v: number) => String(Math.round(v * 10) / 10)

/**
 * The scene as a standalone SVG document: colours of `theme`, the font stack written on every
 * text, a background rectangle so the picture reads on any page.
 */
export function sceneSvg(scene: Scene, theme: Theme = 'light', opts: { background?: boolean } = {}): string {
  const c = PALETTES[theme]
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n(scene.width)}" height="${n(scene.height)}" viewBox="0 0 ${n(scene.width)} ${n(scene.height)}" role="img" aria-label="${esc(scene.title)}">`,
    `<title>${esc(scene.title)}</title>`,
  ]
  if (opts.background !== false) out.push(`<rect width="100%" height="100%" fill="${c.bg}"/>`)
  for (const s of scene.shapes) {
    if (s.kind === 'rect') {
      out.push(`<rect x="${n(s.x)}" y="${n(s.y)}" width="${n(s.w)}" height="${n(s.h)}" rx="${s.rx ?? 0}" fill="${c[s.fill]}"${s.stroke ? ` stroke="${c[s.stroke]}" stroke-width="1.5"` : ''}/>`)
    } else if (s.kind === 'line') {
      out.push(`<line x1="${n(s.x1)}" y1="${n(s.y1)}" x2="${n(s.x2)}" y2="${n(s.y2)}" stroke="${c[s.stroke]}" stroke-width="${s.width}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`)
    } else if (s.kind === 'path') {
      out.push(`<path d="${s.d}" fill="${s.fill === 'none' ? 'none' : c[s.fill]}"${s.stroke ? ` stroke="${c[s.stroke]}" stroke-width="${s.width ?? 2}"` : ''}/>`)
    } else {
      out.push(
        `<text x="${n(s.x)}" y="${n(s.y)}" font-family="${esc(CHART_FONT)}" font-size="${n(s.px)}" font-weight="${s.weight ?? 400}" fill="${c[s.fill]}" text-anchor="${s.anchor ?? 'start'}"${s.halo ? ` stroke="${c.bg}" stroke-width="${n(haloWidth(s.px))}" stroke-linejoin="round" paint-order="stroke"` : ''}>${esc(s.text)}</text>`,
      )
    }
  }
  out.push('</svg>')
  return out.join('')
}
