import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { NOTE_COLOURS, NOTE_INK } from '../../client/src/board/colours.ts'
import { THEMES } from '../../client/src/board/themes.ts'
import { ROOT } from '../helpers/kiosk.ts'

/**
 * The projector is read from ten metres, by people of every age, on a screen that washes colours
 * out: text on a card aims for 7:1 (WCAG AAA), never under 4.5:1, in every theme; and the card
 * colours must stay apart for people with a colour-vision deficiency (they only separate
 * neighbours, but two neighbours of one colour read as one).
 */
type RGB = [number, number, number]
const rgb = (hex: string): RGB => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as RGB
const toLinear = (c: number): number => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
const toSrgb = (c: number): number => (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055)
const luminance = (c: RGB): number => {
  const [r, g, b] = c.map(toLinear) as RGB
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(rgb(a)), luminance(rgb(b))].sort((x, y) => y - x) as [number, number]
  return (hi + 0.05) / (lo + 0.05)
}

// Machado, Oliveira & Fernandes (2009), severity 1: what a dichromat sees, in linear RGB.
const DEFICIENCIES: Record<string, number[][]> = {
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]],
  tritanopia: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.3039]],
}
function simulate(c: RGB, m: number[][]): RGB {
  const l = c.map(toLinear)
  return m.map((row) => toSrgb(Math.min(1, Math.max(0, row[0]! * l[0]! + row[1]! * l[1]! + row[2]! * l[2]!)))) as RGB
}
function lab(c: RGB): RGB {
  const [r, g, b] = c.map(toLinear) as RGB
  const f = (t: number): number => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116)
  const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047)
  const y = f(0.2126 * r + 0.7152 * g + 0.0722 * b)
  const z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883)
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)]
}
/** CIE76 colour difference: about 2.3 is just noticeable, 5 is plain to see. */
const deltaE = (a: RGB, b: RGB): number => Math.hypot(...(lab(a).map((v, i) => v - lab(b)[i]!) as RGB))

/** The custom properties of each theme, read from the stylesheet the board loads. */
function themeVars(): Record<string, Record<string, string>> {
  const css = fs.readFileSync(path.join(ROOT, 'client', 'src', 'board', 'themes.css'), 'utf8')
  const common: Record<string, string> = {}
  const out: Record<string, Record<string, string>> = {}
  for (const m of css.matchAll(/:root\[data-board-theme(?:='(\w+)')?\]\s*\{([^}]*)\}/g)) {
    const vars: Record<string, string> = {}
    for (const d of m[2]!.matchAll(/(--[\w-]+):\s*([^;]+);/g)) vars[d[1]!] = d[2]!.trim()
    if (m[1]) out[m[1]] = vars
    else Object.assign(common, vars)
  }
  for (const k of Object.keys(out)) out[k] = { ...common, ...out[k] }
  return out
}

describe('the board’s colours', () => {
  const themes = themeVars()

  it('defines every theme the switch offers', () => {
    expect(Object.keys(themes).sort()).toEqual([...THEMES].sort())
  })

  it.each(THEMES)('gives note text at least 7:1 on every card colour in the %s theme', (theme) => {
    const ink = themes[theme]!['--board-card-ink']!
    for (const paper of NOTE_COLOURS) expect(contrast(ink, paper), `${ink} on ${paper}`).toBeGreaterThanOrEqual(7)
  })

  it.each(THEMES)('gives the words around the notes enough contrast in the %s theme', (theme) => {
    const v = themes[theme]!
    const bg = v['--board-bg']!
    expect(contrast(v['--board-ink']!, bg)).toBeGreaterThanOrEqual(7)
    expect(contrast(v['--board-hi']!, bg)).toBeGreaterThanOrEqual(7)
    expect(contrast(v['--board-muted']!, bg)).toBeGreaterThanOrEqual(4.5)
    expect(contrast(v['--board-badge-ink']!, v['--board-badge-bg']!)).toBeGreaterThanOrEqual(7)
    expect(contrast(v['--board-badge-hi']!, v['--board-badge-bg']!)).toBeGreaterThanOrEqual(7)
    expect(contrast(v['--board-alert-ink']!, v['--board-alert-bg']!)).toBeGreaterThanOrEqual(4.5)
  })

  it('keeps the default ink readable on every card', () => {
    for (const paper of NOTE_COLOURS) expect(contrast(NOTE_INK, paper)).toBeGreaterThanOrEqual(11)
  })

  it.each(Object.keys(DEFICIENCIES))('keeps every two card colours apart with %s', (name) => {
    const m = DEFICIENCIES[name]!
    for (let i = 0; i < NOTE_COLOURS.length; i++) {
      for (let j = i + 1; j < NOTE_COLOURS.length; j++) {
        const [a, b] = [NOTE_COLOURS[i]!, NOTE_COLOURS[j]!]
        expect(deltaE(simulate(rgb(a), m), simulate(rgb(b), m)), `${a} / ${b}`).toBeGreaterThanOrEqual(5)
      }
    }
  })

  it('and with the ink on them still at 7:1 after the simulation', () => {
    for (const m of Object.values(DEFICIENCIES)) {
      for (const paper of NOTE_COLOURS) {
        const seen = simulate(rgb(paper), m)
        const hex = `#${seen.map((c) => Math.round(c * 255).toString(16).padStart(2, '0')).join('')}`
        expect(contrast(NOTE_INK, hex)).toBeGreaterThanOrEqual(7)
      }
    }
  })
})
