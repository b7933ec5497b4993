/**
 * The word cloud's layout, by d3-cloud (a spiral placement that needs a canvas to measure
 * glyphs, so it runs in the browser). Horizontal words only: Japanese set sideways is hard to
 * read from the back of a room. The layout's randomness is seeded from the words themselves, so
 * the same answers give the same cloud on the board, in the console and in the picture.
 */
import cloud from 'd3-cloud'
import type { WordCount } from '../../../../shared/survey.ts'
import './chart-words.ts'
import { format, type Lang } from '../i18n.ts'
import { CHART_FONT, CHART_SIZES, sceneSvg, type ChartSize, type Role, type Scene } from './scene.ts'
import type { Theme } from '../../board/themes.ts'

/** Smallest and largest word per size, px (the board's smallest is legible at 1080 lines). */
export const CLOUD_PX: Record<ChartSize, { min: number; max: number; height: number }> = {
  board: { min: 30, max: 130, height: 760 },
  console: { min: 15, max: 60, height: 380 },
  phone: { min: 14, max: 44, height: 300 },
}

export interface PlacedWord {
  word: string
  count: number
  /** centre of the word's baseline, from the chart's top left */
  x: number
  y: number
  px: number
}

export interface CloudOpts {
  size?: ChartSize
  width?: number
  height?: number
}

/** A small seeded generator (mulberry32): the same seed, the same sequence. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function hash(s: string): number {
  let h = 2166136261
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619)
  return h >>> 0
}

/** Font size by count: the square root, so a word said twice as often is not twice as tall. */
export function wordPx(count: number, lo: number, hi: number, px: { min: number; max: number }): number {
  if (hi <= lo) return Math.round((px.min + px.max) / 2)
  return Math.round(px.min + (px.max - px.min) * Math.sqrt((count - lo) / (hi - lo)))
}

const dimsOf = (o: CloudOpts) => {
  const size = o.size ?? 'board'
  return { size, width: o.width ?? CHART_SIZES[size].width, height: o.height ?? CLOUD_PX[size].height }
}

/**
 * Place the words (most frequent first, as countWords returns them). Words d3-cloud cannot fit
 * are retried smaller, up to three times, so the most frequent ones are never the ones lost.
 */
export async function layoutCloud(words: readonly WordCount[], opts: CloudOpts = {}): Promise<PlacedWord[]> {
  const d = dimsOf(opts)
  if (words.length === 0) return []
  const counts = words.map((w) => w.count)
  const lo = Math.min(...counts)
  const hi = Math.max(...counts)
  let shrink = 1
  let placed: PlacedWord[] = []
  for (let attempt = 0; attempt < 4; attempt++) {
    const px = { min: CLOUD_PX[d.size].min, max: Math.max(CLOUD_PX[d.size].min, CLOUD_PX[d.size].max * shrink) }
    const input = words.map((w) => ({ text: w.word, size: wordPx(w.count, lo, hi, px), count: w.count }))
    const seed = hash(`${d.width}x${d.height}:${words.map((w) => `${w.word}\u0000${w.count}`).join('\u0001')}`)
    const out = await new Promise<Array<{ text?: string; size?: number; x?: number; y?: number; count: number }>>((resolve) => {
      cloud<{ text: string; size: number; count: number }>()
        .size([d.width, d.height])
        .words(input)
        // Japanese words have no spaces: two set side by side read as one (紙予算), so the gap
        // grows with the word
        .padding((w) => Math.round(4 + w.size * 0.12))
        .rotate(0)
        .font(CHART_FONT)
        .fontWeight(700)
        .fontSize((w) => w.size)
        .random(seeded(seed))
        .timeInterval(Infinity)
        .on('end', (tags) => resolve(tags))
        .start()
    })
    placed = out.map((t) => ({ word: t.text ?? '', count: t.count, px: t.size ?? px.min, x: (t.x ?? 0) + d.width / 2, y: (t.y ?? 0) + d.height / 2 }))
    if (placed.length === words.length) break
    shrink *= 0.8
  }
  return placed
}

const ROLES: Role[] = ['word1', 'word2', 'word3', 'word4']

/** The placed words as a scene; the title lists the words with their counts. */
export function cloudScene(placed: readonly PlacedWord[], words: readonly WordCount[], opts: CloudOpts & { lang?: Lang } = {}): Scene {
  const d = dimsOf(opts)
  const title = format(opts.lang ?? 'ja', 'surveyChart.wordsTitle', { words: words.map((w) => `${w.word} ${w.count}`).join('、') })
  return {
    width: d.width,
    height: d.height,
    title,
    shapes: placed.map((p, i) => ({ kind: 'text', x: p.x, y: p.y, text: p.word, px: p.px, fill: ROLES[i % ROLES.length]!, weight: 700, anchor: 'middle' })),
  }
}

/** The cloud as a standalone SVG (for the board's picture and print); in the browser only. */
export async function wordCloudSvg(words: readonly WordCount[], opts: CloudOpts & { lang?: Lang; theme?: Theme } = {}): Promise<string> {
  return sceneSvg(cloudScene(await layoutCloud(words, opts), words, opts), opts.theme)
}
