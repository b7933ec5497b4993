import { graphemes } from '../../../shared/text.ts'
import { breakAtoms, lineSegments, lineStarts, type Measure } from './wrap.ts'

export { colourFor, NOTE_COLOURS, NOTE_INK } from './colours.ts'

/**
 * The note card, as numbers: its padding, the band for dots and rank, its line height, and the
 * font size its text gets. The board (NoteCard.svelte, in the wall and in the spotlight) and the
 * PNG (snapshot.ts) both take their cards from here, so they cannot drift apart.
 */
export const LINE_HEIGHT = 1.35
export const CARD_RADIUS = 6

/**
 * The smallest note text on a board 1080 px tall, legible from about five metres: 20 px. It
 * scales with the screen, so a 720p projector (same wall, fewer pixels) gets 13 px.
 */
export const LEGIBLE_PX_AT_1080 = 20
export const legibleFloor = (screenHeight: number): number => Math.max(12, Math.round((LEGIBLE_PX_AT_1080 * screenHeight) / 1080))

/**
 * Text sizes as multiples of the floor. A note's size is the largest that fits its card, taken
 * from these few steps, so notes of about the same length get the same size (a length class)
 * instead of each its own fit.
 */
const STEPS = [1, 1.1, 1.2, 1.35, 1.5, 1.7, 1.9, 2.15, 2.4, 2.7, 3, 3.4, 3.8, 4.3, 5, 6, 7]

export interface CardBox {
  padding: number
  /** height of the band at the bottom for dots and rank (0 without) */
  badgeH: number
  innerW: number
  innerH: number
}

/** The widest card edge a theme draws (high contrast: 3 px), kept free of text on every side. */
const EDGE = 3

/** Padding and text area of a card `w`×`h`; `scale` makes the spotlight's padding roomier. */
export function cardBox(w: number, h: number, badges: boolean, scale = 1): CardBox {
  const padding = Math.round(Math.max(4, Math.min(28, Math.round(Math.min(w, h) * 0.08))) * scale)
  const badgeH = badges ? Math.max(18, Math.min(52, Math.round(h * 0.2))) : 0
  return { padding, badgeH, innerW: Math.max(0, w - 2 * padding - 2 * EDGE), innerH: Math.max(0, h - 2 * padding - badgeH - 2 * EDGE) }
}

const WIDE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff01-\uff60]/u
const EMOJI = /\p{Extended_Pictographic}/u

/**
 * Advance of one character, in em, for a bold sans-serif: CJK is square, Latin a bit over half
 * as wide. Erring wide only costs a slightly smaller font; the page still measures the real
 * text afterwards.
 */
function charEm(g: string): number {
  if (WIDE.test(g)) return 1
  if (EMOJI.test(g)) return 1.15
  if (g === ' ') return 0.32
  if (/[A-Z]/.test(g)) return 0.72
  if (/[0-9]/.test(g)) return 0.64
  if (/[.,:;'!|il]/.test(g)) return 0.34
  if (/[a-z]/.test(g)) return 0.6
  return 0.66
}

const emCache = new Map<string, number>()
/** Width of a piece of text in em (pieces repeat a lot on a big board: cached). */
export function emWidth(text: string): number {
  let em = emCache.get(text)
  if (em === undefined) {
    em = graphemes(text).reduce((sum, g) => sum + charEm(g), 0)
    if (emCache.size > 20_000) emCache.clear()
    emCache.set(text, em)
  }
  return em
}

/** A `Measure` for text at `px` by the estimate. */
export const estimate =
  (px: number): Measure =>
  (s) =>
    emWidth(s) * px

/**
 * The line the estimate fills: a little narrower than the card's, so a line the estimate fills
 * exactly (ten 20 px characters in 200 px) still fits with the real font's rounding, instead of
 * wrapping one more line than the card has room for.
 */
const safeLine = (innerW: number): number => innerW - 2

interface Profile {
  /** per paragraph: each piece's width in em, with and without its trailing spaces */
  paragraphs: Array<{ widths: number[]; trimmed: number[] }>
  /** the widest piece, em */
  widest: number
}

const profiles = new Map<string, Profile>()
/** A text's pieces as widths in em, computed once per text: the layout tries many card sizes. */
function profile(text: string): Profile {
  let p = profiles.get(text)
  if (!p) {
    const paragraphs = breakAtoms(text).map((atoms) => ({ widths: atoms.map(emWidth), trimmed: atoms.map((a) => emWidth(a.trimEnd())) }))
    p = { paragraphs, widest: Math.max(0, ...paragraphs.flatMap((q) => q.trimmed)) }
    if (profiles.size > 5_000) profiles.clear()
    profiles.set(text, p)
  }
  return p
}

/**
 * Whether the text fits `innerW`×`innerH` at `px` by the estimate; `whole`: with no phrase cut
 * in two (a phrase wider than the card is cut only when no size and no card keeps it whole).
 */
export function fitsAt(text: string, px: number, innerW: number, innerH: number, whole = true): boolean {
  if (innerW <= 0 || innerH <= 0) return false
  const p = profile(text)
  const lineEm = safeLine(innerW) / px
  if (whole && p.widest > lineEm) return false
  let lines = 0
  for (const q of p.paragraphs) {
    lines += lineStarts(q.widths, q.trimmed, lineEm).length
    // a piece wider than the line takes the lines it is cut into
    for (const t of q.trimmed) if (t > lineEm) lines += Math.ceil(t / lineEm) - 1
  }
  return lines * px * LINE_HEIGHT <= innerH
}

/**
 * The note's text size in a card: the largest step from `floor` up to `max` at which it fits
 * whole, or undefined when it does not fit even at the floor (the card must be bigger).
 * `fits` can be the canvas's real measurement (the PNG) instead of the estimate.
 */
export function fitFont(
  text: string,
  innerW: number,
  innerH: number,
  floor: number,
  max: number,
  fits: (px: number) => boolean = (px) => fitsAt(text, px, innerW, innerH),
): number | undefined {
  const sizes = STEPS.map((s) => Math.round(floor * s)).filter((px) => px <= Math.max(floor, max))
  if (!fits(sizes[0]!)) return undefined
  // A larger size never fits where a smaller did not, so the sizes that fit are a prefix.
  let lo = 0
  let hi = sizes.length - 1
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if (fits(sizes[mid]!)) lo = mid
    else hi = mid - 1
  }
  return sizes[lo]
}

/** The segments a card renders (a <wbr> between two), for text at `px` in a line `innerW` wide. */
export function cardSegments(text: string, innerW: number, px: number): string[][] {
  return lineSegments(text, safeLine(innerW), estimate(px))
}
