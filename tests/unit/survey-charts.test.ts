import { render } from 'svelte/server'
import { describe, expect, it } from 'vitest'
import ChoiceBars from '../../client/src/lib/survey/ChoiceBars.svelte'
import CompareRounds from '../../client/src/lib/survey/CompareRounds.svelte'
import ScaleChart from '../../client/src/lib/survey/ScaleChart.svelte'
import Turnout from '../../client/src/lib/survey/Turnout.svelte'
import WordCloud from '../../client/src/lib/survey/WordCloud.svelte'
import { choiceScene, scaleScene } from '../../client/src/lib/survey/charts.ts'
import { cloudScene, seeded, wordPx } from '../../client/src/lib/survey/cloud.ts'
import { CHART_SIZES, measure, PALETTES, sceneSvg, type Scene } from '../../client/src/lib/survey/scene.ts'
import { choiceSvg, compareSvg, scaleSvg } from '../../client/src/lib/survey/svg.ts'
import type { Question, SurveyRound } from '../../shared/survey.ts'
import { countWords } from '../../shared/words.ts'

const CHOICE: Question = {
  kind: 'choice',
  text: 'DXが進まないと感じる一番の要因は？',
  options: ['予算が足りない', '人材・スキルが不足している（特にデジタルに詳しい職員がいない）', '前例踏襲の文化', 'その他'],
}
const SCALE: Question = { kind: 'scale', text: 'DXを自分ごととして感じますか', min: 1, max: 5, minLabel: 'まったく感じない', maxLabel: 'とても感じる' }
const TEXT: Question = { kind: 'text', text: 'DXが進まないと感じる要因' }

/** The text of every <text> element, in order. */
const texts = (html: string) => [...html.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!)
const textSizes = (scene: Scene) => scene.shapes.flatMap((s) => (s.kind === 'text' ? [s.px] : []))

describe('choice bars', () => {
  it('writes every option in full and each bar’s count and share', () => {
    const { body } = render(ChoiceBars, { props: { question: CHOICE, counts: [12, 9, 6, 3], size: 'console' } })
    const shown = texts(body).join('')
    for (const o of CHOICE.options!) expect(shown.replace(/\s/g, '')).toContain(o.replace(/\s/g, ''))
    for (const bar of ['12人 40%', '9人 30%', '6人 20%', '3人 10%']) expect(texts(body)).toContain(bar)
    expect(body).toContain('role="img"')
    expect(body).toMatch(/aria-label="DXが進まないと感じる一番の要因は？：予算が足りない 12人 40%/)
  })

  it('gives multiple choice shares of the respondents, and says so', () => {
    const q: Question = { ...CHOICE, kind: 'multi' }
    const { body } = render(ChoiceBars, { props: { question: q, counts: [8, 5, 2, 0], responses: 10, lang: 'en' } })
    expect(texts(body)).toContain('8 · 80%')
    expect(texts(body)).toContain('0 · 0%')
    expect(texts(body).join(' ')).toContain('share of 10 respondents')
  })

  it('sets no text under 24 px at the board size, and wraps long options within the width', () => {
    const scene = choiceScene(CHOICE, [1, 2, 3, 4], { size: 'board' })
    expect(Math.min(...textSizes(scene))).toBeGreaterThanOrEqual(24)
    const phone = choiceScene(CHOICE, [1, 2, 3, 4], { size: 'phone' })
    const longOption = phone.shapes.filter((s) => s.kind === 'text' && CHOICE.options![1]!.includes(s.text))
    expect(longOption.length).toBeGreaterThan(1)
  })
})

describe('scale chart', () => {
  it('shows every value, the end labels and the mean', () => {
    const { body } = render(ScaleChart, { props: { question: SCALE, counts: [1, 4, 3, 2, 0] } })
    const t = texts(body)
    for (const v of ['1', '2', '3', '4', '5']) expect(t).toContain(v)
    expect(t).toContain('まったく感じない')
    expect(t).toContain('とても感じる')
    expect(t).toContain('平均 2.6')
    expect(body).toContain(`stroke="${PALETTES.light.mean}"`)
  })

  it.each(['board', 'console', 'phone'] as const)('sets no number on another at the %s size', (size) => {
    // 10人 32% next to 11人 35% on a phone's narrow columns, under the mean's label
    const scene = scaleScene(SCALE, [3, 10, 11, 5, 2], { size })
    const boxes = scene.shapes.flatMap((s) => {
      if (s.kind !== 'text') return []
      const w = measure(s.px)(s.text)
      const left = s.anchor === 'middle' ? s.x - w / 2 : s.anchor === 'end' ? s.x - w : s.x
      return [{ text: s.text, left, right: left + w, top: s.y - s.px * 0.88, bottom: s.y + s.px * 0.12 }]
    })
    const clashes = boxes.flatMap((a, i) =>
      boxes.slice(i + 1).filter((b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom).map((b) => `${a.text} / ${b.text}`),
    )
    expect(clashes).toEqual([])
  })

  it('says there are no answers instead of a mean of nothing', () => {
    const scene = scaleScene(SCALE, [0, 0, 0, 0, 0], { lang: 'ja' })
    expect(scene.shapes.some((s) => s.kind === 'text' && s.text === 'まだ回答はありません')).toBe(true)
    expect(scene.shapes.some((s) => s.kind === 'line')).toBe(false)
  })
})

describe('comparing two rounds', () => {
  const before: SurveyRound = { round: 1, label: '事前', responses: 10, results: [[6, 3, 1, 0], [1, 4, 3, 2, 0], { answers: ['予算が足りない', '予算と人材'], words: countWords(['予算が足りない', '予算と人材']) }] }
  const after: SurveyRound = { round: 2, label: '事後', responses: 10, results: [[2, 5, 2, 1], [0, 1, 2, 5, 2], { answers: ['職員の意識', '意識を変える'], words: countWords(['職員の意識', '意識を変える']) }] }

  it('puts both rounds’ bars per option, named by the rounds’ labels, with the shift', () => {
    const { body } = render(CompareRounds, { props: { question: CHOICE, index: 0, before, after, size: 'console' } })
    const t = texts(body)
    expect(t.filter((x) => x === '事前')).toHaveLength(4)
    expect(t.filter((x) => x === '事後')).toHaveLength(4)
    expect(t).toContain('6人 60%')
    expect(t).toContain('2人 20%')
    expect(t).toContain('▼ −40ポイント')
    expect(t).toContain('▲ +20ポイント')
  })

  it('calls a shift that rounds to 0 points no change (3.2% → 3.4% is not a rise)', () => {
    const r = (label: string, c: number[]): SurveyRound => ({ round: 1, label, responses: 31, results: [c] })
    const t = texts(compareSvg(CHOICE, 0, r('事前', [30, 0, 0, 1]), r('事後', [28, 0, 0, 1])))
    expect(t).toContain('＝ ±0ポイント')
    expect(t).not.toContain('▲ +0ポイント')
  })

  it('shows the scale’s means with the shift and an arrow', () => {
    const { body } = render(CompareRounds, { props: { question: SCALE, index: 1, before, after } })
    expect(texts(body).join(' ')).toContain('平均 2.6 → 3.8  ▲ +1.2')
    expect(body).toMatch(/<path d="M[\d.]+ [\d.]+ L/) // the arrow head
  })

  it('lists the words that rose and fell', () => {
    const { body } = render(CompareRounds, { props: { question: TEXT, index: 2, before, after, lang: 'en' } })
    const t = texts(body)
    expect(t).toContain('Words that rose')
    expect(t).toContain('▲ 意識')
    expect(t).toContain('▼ 予算')
    expect(t).toContain('100% → 0%')
  })
})

describe('turnout', () => {
  it('says how many phones answered of those in the room, in both languages', () => {
    expect(texts(render(Turnout, { props: { answered: 23, total: 31 } }).body)).toContain('23 / 31 台が回答')
    expect(texts(render(Turnout, { props: { answered: 23, total: 31, lang: 'en' } }).body)).toContain('23 of 31 phones answered')
    expect(texts(render(Turnout, { props: { answered: 1, lang: 'en' } }).body)).toContain('1 phone answered')
  })
})

describe('word cloud', () => {
  it('lists every word with its count before the layout has run (and on the server)', () => {
    const words = countWords(['予算が足りない', '予算と人材', '人材の育成'])
    const { body } = render(WordCloud, { props: { words } })
    expect(body).toContain('data-word="予算" data-count="2"')
    expect(body).toContain('data-word="人材" data-count="2"')
    expect(body).toContain('data-word="育成" data-count="1"')
  })

  it('sizes words by count, never under the size’s smallest, and seeds its layout', () => {
    expect(wordPx(1, 1, 9, { min: 26, max: 120 })).toBe(26)
    expect(wordPx(9, 1, 9, { min: 26, max: 120 })).toBe(120)
    const a = seeded(42)
    const b = seeded(42)
    expect([a(), a(), a()]).toEqual([b(), b(), b()])
    const scene = cloudScene([{ word: 'DX', count: 3, x: 10, y: 20, px: 40 }], [{ word: 'DX', count: 3 }])
    expect(scene.title).toBe('よく出た言葉：DX 3')
  })
})

describe('the standalone SVG', () => {
  it('is the component’s chart with colours and fonts written in, in the theme asked', () => {
    const svg = choiceSvg(CHOICE, [12, 9, 6, 3], { theme: 'dark', size: 'board' })
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(svg).toContain(`fill="${PALETTES.dark.bg}"`)
    expect(svg).toContain(`fill="${PALETTES.dark.barA}"`)
    expect(svg).toContain('font-family="system-ui')
    const { body } = render(ChoiceBars, { props: { question: CHOICE, counts: [12, 9, 6, 3], size: 'board', theme: 'dark' } })
    expect(texts(svg)).toEqual(texts(body))
  })

  it('escapes what people typed', () => {
    const q: Question = { kind: 'choice', text: '<b>&', options: ['<script>', 'a & b'] }
    const svg = choiceSvg(q, [1, 1])
    expect(svg).not.toContain('<script>')
    expect(svg).toContain('&lt;script&gt;')
    expect(sceneSvg({ width: 1, height: 1, title: '"x"', shapes: [] })).toContain('aria-label="&quot;x&quot;"')
  })

  it('draws the scale and the comparison too', () => {
    expect(scaleSvg(SCALE, [1, 1, 1, 1, 1])).toContain('平均 3.0')
    const r = (label: string, c: number[]): SurveyRound => ({ round: 1, label, responses: 5, results: [c] })
    expect(compareSvg(CHOICE, 0, r('事前', [1, 1, 1, 1]), r('事後', [4, 0, 0, 0]))).toContain('▲ +75ポイント')
    expect(CHART_SIZES.board.small).toBeGreaterThanOrEqual(24)
  })
})

describe('charts fitted to the board’s height', () => {
  const TEN: Question = { kind: 'choice', text: '一番の要因は', options: ['人材・スキルが不足している', '予算が足りない', '前例踏襲の文化', '縦割りの組織', '紙と押印の手続き', '庁内システムが古い', '住民の理解が得られない', '幹部の関与が薄い', '成功事例を知らない', 'そもそも必要性を感じない'] }
  const round = (round: number, label: string, counts: number[]): SurveyRound => ({ round, label, responses: 14, results: [counts] })
  const before = round(1, '事前', [3, 1, 3, 1, 1, 1, 1, 1, 1, 1])
  const after = round(2, '事後', [2, 2, 4, 2, 1, 0, 1, 1, 0, 1])
  const compare = (height: number, floor: number) => {
    const svg = compareSvg(TEN, 0, before, after, { size: 'board', width: 1450, height, floor })
    return { height: Number(/height="([\d.]+)"/.exec(svg)![1]), sizes: [...svg.matchAll(/font-size="([\d.]+)"/g)].map((m) => Number(m[1])), t: texts(svg) }
  }

  it('fits ten options of two rounds into the wall at 1080 and at 720, no text under the floor', () => {
    const natural = compareSvg(TEN, 0, before, after, { size: 'board', width: 1450 })
    expect(Number(/height="([\d.]+)"/.exec(natural)![1])).toBeGreaterThan(1080) // what did not fit
    for (const [height, floor] of [
      [600, 20],
      [380, 13],
    ] as const) {
      const c = compare(height, floor)
      expect(c.height).toBeLessThanOrEqual(height)
      expect(Math.min(...c.sizes)).toBeGreaterThanOrEqual(floor)
      expect(c.t.filter((x) => /^\d+人 \d+%$/.test(x))).toHaveLength(20)
      for (const option of TEN.options!) expect(c.t.join('')).toContain(option)
    }
  })

  it('keeps the size’s own text when the chart fits, and shrinks no further than needed', () => {
    const roomy = choiceScene(CHOICE, [1, 2, 3, 4], { size: 'board', height: 2_000, floor: 20 })
    expect(Math.min(...textSizes(roomy))).toBe(CHART_SIZES.board.small)
    const tight = choiceScene(TEN, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { size: 'board', height: 700, floor: 20 })
    expect(tight.height).toBeLessThanOrEqual(700)
    expect(Math.min(...textSizes(tight))).toBeGreaterThanOrEqual(20)
  })
})
