/**
 * The survey charts' geometry: pure functions from results to a Scene (scene.ts), shared by the
 * components and the standalone SVG. Every bar carries its number and share in text; option
 * texts are shown in full, wrapped between phrases.
 */
import './chart-words.ts'
import { format, type Lang } from '../i18n.ts'
import { scaleBounds, scaleMean, type Question } from '../../../../shared/survey.ts'
import type { ChoiceComparison, QuestionComparison, ScaleComparison, TextComparison } from '../../../../shared/survey-compare.ts'
import { CHART_SIZES, LINE, measure, pctText, textBlock, wrap, type ChartSize, type Role, type Scene, type Shape } from './scene.ts'

export interface ChartOpts {
  size?: ChartSize
  /** drawing width in px; the size's default otherwise */
  width?: number
  /**
   * the height the chart must fit in, px (the board's wall): text, bars and gaps shrink together,
   * never under `floor`, and option texts move beside their bars; the chart is as tall as it
   * needs otherwise
   */
  height?: number
  /** the smallest text when fitting `height`, px (the board's legible floor) */
  floor?: number
  lang?: Lang
}

interface Dims {
  width: number
  text: number
  small: number
  bar: number
  gap: number
  pad: number
  lang: Lang
  /** option texts in a column left of their bars rather than above them (shorter, for many options) */
  side?: boolean
}

const dims = (o: ChartOpts): Dims => {
  const d = CHART_SIZES[o.size ?? 'board']
  return { ...d, width: o.width ?? d.width, lang: o.lang ?? 'ja' }
}

/** Scales tried, largest first, while a chart does not fit its height. */
const FIT_SCALES = [1, 0.9, 0.8, 0.72, 0.64, 0.56, 0.5, 0.44, 0.38, 0.33]

/** The size's dimensions times `s`; text never under `floor`, and a bar stays as thick as its number. */
function scaled(d: Dims, s: number, floor: number, side: boolean): Dims {
  const text = Math.max(floor, Math.round(d.text * s))
  const small = Math.max(floor, Math.round(d.small * s))
  return { ...d, text, small, bar: Math.max(d.bar * s, small * 1.45), gap: Math.max(4, d.gap * s), side }
}

/**
 * Past the smallest scale, all at the floor and packed tighter step by step (k from 1 to 0):
 * down to bars as thick as their numbers and gaps just enough to group them.
 */
const TIGHTER = [1, 0.75, 0.5, 0.25, 0]
const tight = (d: Dims, floor: number, side: boolean, k: number): Dims => ({ ...d, text: floor, small: floor, bar: floor * (1.25 + 0.2 * k), gap: Math.max(4, floor * (0.4 + 0.3 * k)), side })

/**
 * The chart at the largest size that fits `opts.height` (as tall as it needs without one). Each
 * size is tried with option texts above their bars, then beside them (`sideways` charts only),
 * so text stays as large as the space allows; then everything at the floor, packed tight. Past
 * that it cannot shrink: the tightest is returned, taller than asked.
 */
function fitted(opts: ChartOpts, sideways: boolean, make: (d: Dims) => Scene): Scene {
  const d = dims(opts)
  if (opts.height === undefined) return make(d)
  const floor = opts.floor ?? 0
  let scene = make(d)
  for (const s of FIT_SCALES) {
    const layouts = sideways ? [false, true] : [false]
    for (const side of layouts) {
      const at = scaled(d, s, floor, side)
      scene = make(at)
      if (scene.height <= opts.height) return scene
    }
    if (Math.round(d.text * s) <= floor && Math.round(d.small * s) <= floor) break
  }
  for (const k of TIGHTER) {
    scene = make(tight(d, Math.max(floor, 1), sideways, k))
    if (scene.height <= opts.height) break
  }
  return scene
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0)
const pct = (c: number, base: number) => (base > 0 ? (c / base) * 100 : 0)
const oneDecimal = (lang: Lang, v: number) => new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v)
const signed = (lang: Lang, v: number, digits = 0) =>
  (v > 0 ? '+' : v < 0 ? '−' : '±') + new Intl.NumberFormat(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(Math.abs(v))

/** "12人 40%" */
export const barText = (lang: Lang, count: number, share: number) => format(lang, 'surveyChart.bar', { n: count, pct: pctText(share) })

/** A horizontal bar from x with its text after it; `max` is the bar length of 100 %. */
function bar(shapes: Shape[], x: number, y: number, h: number, share: number, max: number, fill: Role, text: string, px: number, prefix?: { text: string; w: number }) {
  let bx = x
  if (prefix) {
    shapes.push({ kind: 'text', x, y: y + h / 2 + px * 0.36, text: prefix.text, px, fill: 'ink', weight: 600 })
    bx += prefix.w
  }
  shapes.push({ kind: 'rect', x: bx, y, w: max, h, fill: 'track', rx: 3 })
  const w = Math.max(share > 0 ? 3 : 0, (share / 100) * max)
  if (w > 0) shapes.push({ kind: 'rect', x: bx, y, w, h, fill, stroke: 'line', rx: 3 })
  shapes.push({ kind: 'text', x: bx + w + px * 0.4, y: y + h / 2 + px * 0.36, text, px, fill: 'ink', weight: 700 })
}

/**
 * Single or multiple choice: one bar per option under its text, the count and share at the
 * bar's end. Shares: of the answers (choice) or of `responses` respondents (multi).
 */
export function choiceScene(q: Pick<Question, 'kind' | 'text' | 'options'>, counts: readonly number[], opts: ChartOpts & { responses?: number } = {}): Scene {
  return fitted(opts, true, (d) => choiceAt(q, counts, opts.responses, d))
}

function choiceAt(q: Pick<Question, 'kind' | 'text' | 'options'>, counts: readonly number[], responses: number | undefined, d: Dims): Scene {
  const options = q.options ?? []
  const multi = q.kind === 'multi'
  const base = multi && responses !== undefined ? responses : sum(counts)
  const shapes: Shape[] = []
  const textW = d.width - 2 * d.pad
  const labelW = measure(d.small)(barText(d.lang, 9999, 100)) + d.small
  const head = sideHead(d, textW, options)
  const max = Math.max(d.bar, textW - head.w - labelW)
  let y = d.pad
  if (multi) y = textBlock(shapes, wrap(format(d.lang, 'surveyChart.multiBase', { n: base }), textW, d.small), d.pad, y, d.small, 'muted') + d.gap / 2
  const said: string[] = []
  options.forEach((option, i) => {
    const c = counts[i] ?? 0
    const share = pct(c, base)
    if (d.side) {
      // the option's text in its column, the bar beside it, both centred on the row
      const lines = wrap(option, head.w - d.gap, d.text)
      const row = Math.max(lines.length * d.text * LINE, d.bar)
      textBlock(shapes, lines, d.pad, y + (row - lines.length * d.text * LINE) / 2, d.text, 'ink', 600)
      bar(shapes, d.pad + head.w, y + (row - d.bar) / 2, d.bar, share, max, 'barA', barText(d.lang, c, share), d.small)
      y += row + d.gap
    } else {
      y = textBlock(shapes, wrap(option, textW, d.text), d.pad, y, d.text, 'ink', 600) + d.gap / 3
      bar(shapes, d.pad, y, d.bar, share, max, 'barA', barText(d.lang, c, share), d.small)
      y += d.bar + d.gap
    }
    said.push(`${option} ${barText(d.lang, c, share)}`)
  })
  return { width: d.width, height: y + d.pad - d.gap / 2, title: `${q.text}：${said.join('、')}`, shapes }
}

/** Beside the bars, option texts get a column as wide as the longest needs, at most a third (0 when they go above the bars). */
const sideHead = (d: Dims, textW: number, texts: readonly string[]) => ({
  w: d.side ? Math.ceil(Math.min(textW * 0.32, Math.max(...texts.map(measure(d.text)), d.text * 4) + d.gap + d.text / 2)) : 0,
})

/**
 * A scale: a column per value from min to max with its count and share above, the value below,
 * the end labels under the ends, and the mean marked where it falls.
 */
export function scaleScene(q: Pick<Question, 'text' | 'min' | 'max' | 'minLabel' | 'maxLabel'>, counts: readonly number[], opts: ChartOpts = {}): Scene {
  return fitted(opts, false, (d) => scaleAt(q, counts, d))
}

function scaleAt(q: Pick<Question, 'text' | 'min' | 'max' | 'minLabel' | 'maxLabel'>, counts: readonly number[], d: Dims): Scene {
  const { min, max } = scaleBounds(q)
  const values = Array.from({ length: max - min + 1 }, (_, i) => min + i)
  const total = sum(counts)
  const mean = scaleMean(counts, min)
  const shapes: Shape[] = []
  const innerW = d.width - 2 * d.pad
  const slot = innerW / values.length
  const colW = Math.min(slot * 0.72, d.bar * 3)
  const colMax = d.bar * 4
  const centre = (i: number) => d.pad + slot * i + slot / 2
  const fit = (s: string, w: number) => measure(d.small)(s) <= w
  // a gap between neighbours' numbers, or they read as one ("10人 32%11人 35%"): on narrow
  // columns the share goes on a second line
  const countLines = values.map((_, i) => {
    const c = counts[i] ?? 0
    const label = barText(d.lang, c, pct(c, total))
    return fit(label, slot - d.small) ? [label] : [format(d.lang, 'surveyChart.bar', { n: c, pct: '' }).trim(), pctText(pct(c, total))]
  })
  const tallest = Math.max(1, ...countLines.map((l) => l.length))
  const top = d.pad + d.small * LINE * (1 + tallest) + d.gap // the mean's label, then the counts
  const floor = top + colMax
  const peak = Math.max(1, ...counts)
  // numbers go on top of everything (the mean's line crosses the columns), with a halo
  const labels: Shape[] = []
  values.forEach((v, i) => {
    const c = counts[i] ?? 0
    const h = (c / peak) * colMax
    const x = centre(i) - colW / 2
    shapes.push({ kind: 'rect', x, y: top, w: colW, h: colMax, fill: 'track', rx: 3 })
    if (h > 0) shapes.push({ kind: 'rect', x, y: floor - h, w: colW, h, fill: 'barA', stroke: 'line', rx: 3 })
    const lines = countLines[i]!
    textBlock(labels, lines, centre(i), floor - h - lines.length * d.small * LINE - 4, d.small, 'ink', 700, 'middle', true)
    shapes.push({ kind: 'text', x: centre(i), y: floor + d.text * 1.2, text: String(v), px: d.text, fill: 'ink', weight: 700, anchor: 'middle' })
  })
  let y = floor + d.text * LINE + d.gap / 2
  const half = innerW / 2 - d.gap
  const left = q.minLabel ? wrap(q.minLabel, half, d.small) : []
  const right = q.maxLabel ? wrap(q.maxLabel, half, d.small) : []
  const yl = textBlock(shapes, left, d.pad, y, d.small, 'muted')
  const yr = textBlock(shapes, right, d.width - d.pad, y, d.small, 'muted', 400, 'end')
  y = Math.max(yl, yr, y)
  let title = `${q.text}：${values.map((v, i) => `${v} ${counts[i] ?? 0}`).join('、')}`
  if (mean !== null) {
    const mx = centre(0) + ((mean - min) / Math.max(1, max - min)) * (centre(values.length - 1) - centre(0))
    const text = format(d.lang, 'surveyChart.mean', { mean: oneDecimal(d.lang, mean) })
    shapes.push({ kind: 'line', x1: mx, y1: d.pad + d.small * LINE, x2: mx, y2: floor, stroke: 'mean', width: Math.max(3, d.bar / 10), dash: `${d.bar / 4} ${d.bar / 6}` })
    const tw = measure(d.small)(text)
    const tx = Math.min(Math.max(mx, d.pad + tw / 2), d.width - d.pad - tw / 2)
    labels.push({ kind: 'text', x: tx, y: d.pad + d.small, text, px: d.small, fill: 'ink', weight: 700, anchor: 'middle', halo: true })
    title += `、${text}`
  } else {
    shapes.push({ kind: 'text', x: d.width / 2, y: d.pad + d.small, text: format(d.lang, 'surveyChart.noAnswers'), px: d.small, fill: 'muted', anchor: 'middle' })
  }
  return { width: d.width, height: y + d.pad, title, shapes: [...shapes, ...labels] }
}

/** "▲ +30ポイント" — an arrow and the number, so the direction is never told by colour alone. */
function shiftText(lang: Lang, shift: number): { text: string; fill: Role } {
  // judged on the number shown: 3.2% → 3.4% is "±0", not a rise
  const shown = Math.round(shift)
  const arrow = shown > 0 ? '▲' : shown < 0 ? '▼' : '＝'
  return { text: `${arrow} ${format(lang, 'surveyChart.points', { shift: signed(lang, shown) })}`, fill: shown > 0 ? 'rise' : shown < 0 ? 'fall' : 'muted' }
}

export interface RoundLabels {
  before: string
  after: string
}

function compareChoiceScene(q: Pick<Question, 'text'>, c: ChoiceComparison, labels: RoundLabels, d: Dims): Scene {
  const shapes: Shape[] = []
  const textW = d.width - 2 * d.pad
  const prefixW = Math.max(measure(d.small)(labels.before), measure(d.small)(labels.after)) + d.small * 0.8
  const labelW = measure(d.small)(barText(d.lang, 9999, 100)) + d.small
  const shiftW = measure(d.small)(`▲ ${format(d.lang, 'surveyChart.points', { shift: '+100' })}`) + d.small
  const narrow = d.width < 500 && !d.side
  const side = sideHead(d, textW, c.options.map((o) => o.label))
  const max = Math.max(d.bar, textW - side.w - prefixW - labelW - (narrow ? 0 : shiftW))
  const h = d.bar * 0.8
  const pair = 2 * h + 4
  let y = d.pad
  if (c.kind === 'multi') y = textBlock(shapes, wrap(format(d.lang, 'surveyChart.multiBase', { n: c.base.after }), textW, d.small), d.pad, y, d.small, 'muted') + d.gap / 2
  const said: string[] = []
  for (const o of c.options) {
    const shift = shiftText(d.lang, o.shiftPts)
    let top = y
    if (d.side) {
      // the option's text in its column, the two bars beside it, both centred on the row
      const head = wrap(o.label, side.w - d.gap, d.text)
      const row = Math.max(head.length * d.text * LINE, pair)
      textBlock(shapes, head, d.pad, y + (row - head.length * d.text * LINE) / 2, d.text, 'ink', 600)
      top = y + (row - pair) / 2
      y += row + d.gap
    } else {
      const head = wrap(o.label, narrow ? textW - shiftW : textW, d.text)
      if (narrow) shapes.push({ kind: 'text', x: d.width - d.pad, y: y + d.small * 1.1, text: shift.text, px: d.small, fill: shift.fill, weight: 700, anchor: 'end' })
      top = textBlock(shapes, head, d.pad, y, d.text, 'ink', 600) + d.gap / 3
      y = top + pair + d.gap
    }
    const x = d.pad + side.w
    bar(shapes, x, top, h, o.before.pct, max, 'barB', barText(d.lang, o.before.count, o.before.pct), d.small, { text: labels.before, w: prefixW })
    bar(shapes, x, top + h + 4, h, o.after.pct, max, 'barA', barText(d.lang, o.after.count, o.after.pct), d.small, { text: labels.after, w: prefixW })
    if (!narrow) shapes.push({ kind: 'text', x: d.width - d.pad, y: top + h + 4 + h / 2 + d.small * 0.36, text: shift.text, px: d.small, fill: shift.fill, weight: 700, anchor: 'end' })
    said.push(`${o.label} ${pctText(o.before.pct)} → ${pctText(o.after.pct)}`)
  }
  return { width: d.width, height: y + d.pad - d.gap / 2, title: `${q.text}（${format(d.lang, 'surveyChart.compareTitle', { ...labels })}）：${said.join('、')}`, shapes }
}

function compareScaleScene(q: Pick<Question, 'text' | 'minLabel' | 'maxLabel'>, c: ScaleComparison, labels: RoundLabels, d: Dims): Scene {
  const shapes: Shape[] = []
  const innerW = d.width - 2 * d.pad
  const n = c.values.length
  const slot = innerW / n
  const colW = Math.min((slot * 0.8) / 2, d.bar * 1.6)
  const colMax = d.bar * 3.5
  // the mean's line first: "平均 2.6 → 3.8 ▲ +1.2"
  let y = d.pad
  const { mean } = c
  const fmt = (v: number | null) => (v === null ? '—' : oneDecimal(d.lang, v))
  let meanLine = format(d.lang, 'surveyChart.meanShift', { before: fmt(mean.before), after: fmt(mean.after) })
  if (mean.shift !== null) {
    const shown = Math.round(mean.shift * 10) / 10
    meanLine += `  ${shown > 0 ? '▲' : shown < 0 ? '▼' : '＝'} ${signed(d.lang, shown, 1)}`
  }
  y = textBlock(shapes, wrap(meanLine, innerW, d.text), d.pad, y, d.text, 'ink', 700) + d.gap / 2
  // the arrow on a min..max axis, from the earlier mean to the later
  const ax = (v: number) => d.pad + slot / 2 + ((v - c.min) / Math.max(1, c.max - c.min)) * (innerW - slot)
  const ay = y + d.small * 0.6
  shapes.push({ kind: 'line', x1: ax(c.min), y1: ay, x2: ax(c.max), y2: ay, stroke: 'line', width: 2 })
  if (mean.before !== null) shapes.push({ kind: 'path', d: circle(ax(mean.before), ay, d.small * 0.35), fill: 'barB', stroke: 'ink', width: 2 })
  if (mean.before !== null && mean.after !== null) {
    const x1 = ax(mean.before)
    const x2 = ax(mean.after)
    const head = d.small * 0.6
    const dir = x2 >= x1 ? 1 : -1
    if (Math.abs(x2 - x1) > head) shapes.push({ kind: 'line', x1, y1: ay, x2: x2 - dir * head, y2: ay, stroke: 'mean', width: Math.max(3, d.small / 6) })
    shapes.push({ kind: 'path', d: `M${x2} ${ay} L${x2 - dir * head} ${ay - head * 0.7} L${x2 - dir * head} ${ay + head * 0.7} Z`, fill: 'mean' })
  }
  y = ay + d.small * 0.6 + d.gap
  const top = y + d.small * LINE * 2
  const floor = top + colMax
  const peak = Math.max(1, ...c.values.flatMap((v) => [v.before.pct, v.after.pct]))
  c.values.forEach((v, i) => {
    const cx = d.pad + slot * i + slot / 2
    ;(
      [
        [v.before, 'barB', cx - colW - 2, labels.before],
        [v.after, 'barA', cx + 2, labels.after],
      ] as const
    ).forEach(([s, fill, x, label]) => {
      const h = (s.pct / peak) * colMax
      shapes.push({ kind: 'rect', x, y: top, w: colW, h: colMax, fill: 'track', rx: 3 })
      if (h > 0) shapes.push({ kind: 'rect', x, y: floor - h, w: colW, h, fill, stroke: 'line', rx: 3 })
      textBlock(shapes, [pctText(s.pct)], x + colW / 2, floor - h - d.small * LINE - 2, d.small, 'ink', 700, 'middle')
      shapes.push({ kind: 'text', x: x + colW / 2, y: floor + d.small * 1.1, text: label, px: Math.min(d.small, (colW / Math.max(1, [...label].length)) * 1.05), fill: 'muted', weight: 600, anchor: 'middle' })
    })
    shapes.push({ kind: 'text', x: cx, y: floor + d.small * LINE + d.text * 1.1, text: String(v.value), px: d.text, fill: 'ink', weight: 700, anchor: 'middle' })
  })
  y = floor + d.small * LINE + d.text * LINE + d.gap / 2
  const half = innerW / 2 - d.gap
  const yl = textBlock(shapes, q.minLabel ? wrap(q.minLabel, half, d.small) : [], d.pad, y, d.small, 'muted')
  const yr = textBlock(shapes, q.maxLabel ? wrap(q.maxLabel, half, d.small) : [], d.width - d.pad, y, d.small, 'muted', 400, 'end')
  y = Math.max(yl, yr, y)
  return { width: d.width, height: y + d.pad, title: `${q.text}（${format(d.lang, 'surveyChart.compareTitle', { ...labels })}）：${meanLine}`, shapes }
}

const circle = (x: number, y: number, r: number) => `M${x - r} ${y} a${r} ${r} 0 1 0 ${2 * r} 0 a${r} ${r} 0 1 0 ${-2 * r} 0 Z`

function compareTextScene(q: Pick<Question, 'text'>, c: TextComparison, labels: RoundLabels, d: Dims): Scene {
  const shapes: Shape[] = []
  const innerW = d.width - 2 * d.pad
  const twoCols = d.width >= 600
  const colW = twoCols ? (innerW - d.gap * 2) / 2 : innerW
  const list = (x: number, y0: number, heading: string, words: TextComparison['rose'], up: boolean) => {
    let y = textBlock(shapes, wrap(heading, colW, d.text), x, y0, d.text, 'ink', 700) + d.gap / 3
    if (words.length === 0) return textBlock(shapes, [format(d.lang, 'surveyChart.noChange')], x, y, d.small, 'muted')
    for (const w of words) {
      const arrow = up ? '▲' : '▼'
      const right = `${pctText(w.before.pct)} → ${pctText(w.after.pct)}`
      shapes.push({ kind: 'text', x, y: y + baseline(d.text), text: `${arrow} ${w.word}`, px: d.text, fill: up ? 'rise' : 'fall', weight: 700 })
      shapes.push({ kind: 'text', x: x + colW, y: y + baseline(d.text), text: right, px: d.small, fill: 'ink', weight: 600, anchor: 'end' })
      y += d.text * LINE + d.gap / 3
    }
    return y
  }
  const y0 = d.pad
  const sub = format(d.lang, 'surveyChart.compareTitle', { ...labels })
  const yh = textBlock(shapes, wrap(sub, innerW, d.small), d.pad, y0, d.small, 'muted') + d.gap / 2
  const y1 = list(d.pad, yh, format(d.lang, 'surveyChart.rose'), c.rose, true)
  const y2 = list(twoCols ? d.pad + colW + d.gap * 2 : d.pad, twoCols ? yh : y1 + d.gap, format(d.lang, 'surveyChart.fell'), c.fell, false)
  const said = [...c.rose.map((w) => `▲${w.word}`), ...c.fell.map((w) => `▼${w.word}`)].join('、')
  return { width: d.width, height: Math.max(y1, y2) + d.pad, title: `${q.text}（${sub}）：${said}`, shapes }
}

const baseline = (px: number) => px * 1.02

/** Two rounds of one question side by side (see shared/survey-compare.ts for the numbers). */
export function compareScene(q: Question, c: QuestionComparison, labels: RoundLabels, opts: ChartOpts = {}): Scene {
  if (c.kind === 'scale') return fitted(opts, false, (d) => compareScaleScene(q, c, labels, d))
  if (c.kind === 'text') return fitted(opts, false, (d) => compareTextScene(q, c, labels, d))
  return fitted(opts, true, (d) => compareChoiceScene(q, c, labels, d))
}

/** "23 / 31 台が回答" over a bar of the same share; the phones in the room may be unknown. */
export function turnoutScene(answered: number, total: number | undefined, opts: ChartOpts = {}): Scene {
  const d = dims(opts)
  const shapes: Shape[] = []
  const text = total ? format(d.lang, 'surveyChart.turnout', { n: answered, total }) : format(d.lang, 'surveyChart.turnoutCount', { n: answered })
  let y = textBlock(shapes, wrap(text, d.width - 2 * d.pad, d.text), d.pad, d.pad, d.text, 'ink', 700)
  if (total) {
    y += d.gap / 3
    const w = d.width - 2 * d.pad
    shapes.push({ kind: 'rect', x: d.pad, y, w, h: d.bar / 3, fill: 'track', rx: 3 })
    const share = Math.min(1, answered / total)
    if (share > 0) shapes.push({ kind: 'rect', x: d.pad, y, w: share * w, h: d.bar / 3, fill: 'barA', rx: 3 })
    y += d.bar / 3
  }
  return { width: d.width, height: y + d.pad, title: text, shapes }
}
