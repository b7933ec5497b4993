import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { Ack } from '../../shared/errors.ts'
import { emitAck, type ClientSocket } from '../helpers/kiosk.ts'
import { ARTIFACTS, HAS_BROWSER, SCREENS, useRoom } from './browser.ts'
import { BoardPage, onKiosk } from './pages.ts'

/**
 * The board's survey charts where they must be read: on the projector (a 10-option comparison
 * fits 1920×1080 and 1280×720, its text never under the legible floor), in the board's PNG and on
 * its printed page (every question's chart, the same as the board's; a hidden round in neither).
 * `npx vite build` first: the kiosk serves dist/. Screenshots in .test-artifacts/screens/.
 */

const TEN = ['人材・スキルが不足している', '予算が足りない', '前例踏襲の文化', '縦割りの組織', '紙と押印の手続き', '庁内システムが古い', '住民の理解が得られない', '幹部の関与が薄い', '成功事例を知らない', 'そもそも必要性を感じない']
const QUESTIONS = [
  { kind: 'choice', text: 'DXが進まないと感じる一番の要因は', options: TEN },
  { kind: 'scale', text: 'DXの必要性を感じる', minLabel: '感じない', maxLabel: '強く感じる' },
  { kind: 'text', text: '一言どうぞ' },
]
const BEFORE = [0, 0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 2]
const AFTER = [1, 1, 2, 2, 2, 2, 3, 3, 6, 7, 9, 0, 0, 4]
const WORDS_BEFORE = ['前例主義をやめたい', '紙の申請書が多すぎる', '予算がない']
const WORDS_AFTER = ['データで決めたい', 'オンライン申請を増やしたい', '前例主義をやめたい']

/** The light theme's bar colours (lib/survey/scene.ts PALETTES): the later round's and the earlier's. */
const LIGHT_BARS = { after: [0x00, 0x72, 0xb2], before: [0x56, 0xb4, 0xe9] } as const

/** The dim room's wall and its later round's bars. */
const DARK = { bg: [0x20, 0x24, 0x2b], after: [0x56, 0xb4, 0xe9] } as const

/** Decode a PNG in the page and count the pixels of each colour asked (±6 per channel). */
async function countColours(page: Page, png: Buffer, colours: Record<string, readonly number[]>): Promise<{ width: number; height: number; counts: Record<string, number> }> {
  return page.evaluate(
    async ({ src, colours }) => {
      const img = new Image()
      img.src = src
      await img.decode()
      const c = document.createElement('canvas')
      c.width = img.width
      c.height = img.height
      const ctx = c.getContext('2d')!
      ctx.drawImage(img, 0, 0)
      const d = ctx.getImageData(0, 0, c.width, c.height).data
      const counts: Record<string, number> = Object.fromEntries(Object.keys(colours).map((k) => [k, 0]))
      for (let i = 0; i < d.length; i += 4) {
        for (const [k, [r, g, b]] of Object.entries(colours)) {
          if (Math.abs(d[i]! - r!) <= 6 && Math.abs(d[i + 1]! - g!) <= 6 && Math.abs(d[i + 2]! - b!) <= 6) counts[k]!++
        }
      }
      return { width: img.width, height: img.height, counts }
    },
    { src: `data:image/png;base64,${png.toString('base64')}`, colours },
  )
}

/** Every text of the board's charts: its box on screen and its font size there. */
function chartTexts(page: Page) {
  return page.locator('[data-testid="board-question"]').evaluate((fig) => {
    const out: Array<{ text: string; top: number; bottom: number; left: number; right: number; px: number }> = []
    for (const svg of fig.querySelectorAll('svg')) {
      const scale = svg.getBoundingClientRect().width / (svg as SVGSVGElement).viewBox.baseVal.width
      for (const t of svg.querySelectorAll('text')) {
        const r = t.getBoundingClientRect()
        out.push({ text: t.textContent ?? '', top: r.top, bottom: r.bottom, left: r.left, right: r.right, px: Number(t.getAttribute('font-size')) * scale })
      }
    }
    return out
  })
}

describe.skipIf(!HAS_BROWSER)('survey charts on the projector, in its picture and on paper', () => {
  const room = useRoom()

  /** A session whose board shows a 3-question survey run as 事前 and 事後, both rounds shown. */
  async function comparedSurvey(): Promise<{ board: BoardPage; fac: ClientSocket; surveyId: string; phones: ClientSocket[] }> {
    const links = await room.kiosk.createSession('DX推進研修', '')
    const fac = await room.kiosk.facilitator(links.id)
    const created = await emitAck<Ack<{ surveyId: string }>>(fac, 'survey:create', { title: '事前・事後アンケート', questions: QUESTIONS })
    if (!created.ok) throw new Error(created.error)
    const { surveyId } = created
    expect(await emitAck(fac, 'agenda:current', { activityId: `survey:${surveyId}` })).toEqual({ ok: true })
    const phones = await Promise.all(BEFORE.map((_, i) => room.kiosk.phone(links.id, { deviceId: `room-${i}` })))
    for (const [round, label, choices, words] of [
      [1, '事前', BEFORE, WORDS_BEFORE],
      [2, '事後', AFTER, WORDS_AFTER],
    ] as const) {
      expect(await emitAck(fac, 'survey:open', { surveyId, label, live: true })).toEqual({ ok: true, round })
      for (const [i, p] of phones.entries()) {
        expect(await emitAck(p, 'survey:answer', { surveyId, round, answers: [choices[i], (i % 5) + 1, words[i % words.length]] })).toEqual({ ok: true })
      }
      expect(await emitAck(fac, 'survey:close', { surveyId })).toEqual({ ok: true })
    }
    const ctx = await room.person('board')
    const board = await BoardPage.open(ctx, onKiosk(room.kiosk.url, links.boardUrl))
    // both rounds on the board, the first question (the ten options) on screen
    await expect.poll(() => board.page.locator('[data-testid="board-question"][data-index="0"]').textContent(), { timeout: 15_000 }).toContain('事後')
    await expect.poll(() => board.page.locator('[data-testid="board-question"]').textContent()).toContain(`${AFTER.filter((a) => a === 2).length}人`)
    return { board, fac, surveyId, phones }
  }

  it('fits a comparison of ten options on the wall at 1920×1080 and 1280×720 (and under a live round’s turnout), text never under the floor', { timeout: 120_000 }, async () => {
    const { board, fac, surveyId, phones } = await comparedSurvey()
    for (const [w, h, floor, live] of [
      [1920, 1080, 20, false],
      [1280, 720, 13, false],
      // a third round answering live: its turnout above, the last two rounds compared below
      [1920, 1080, 20, true],
    ] as const) {
      if (live) {
        expect(await emitAck(fac, 'survey:open', { surveyId, label: '1か月後', live: true })).toEqual({ ok: true, round: 3 })
        for (const [i, p] of phones.slice(0, 5).entries()) expect(await emitAck(p, 'survey:answer', { surveyId, round: 3, answers: [i, 3, null] })).toEqual({ ok: true })
        await expect.poll(() => board.page.getByTestId('board-turnout').textContent(), { timeout: 10_000 }).toContain('5 / 14')
        await expect.poll(() => board.page.locator('[data-testid="board-question"][data-index="0"]').textContent(), { timeout: 25_000 }).toContain('1か月後')
      }
      await board.page.setViewportSize({ width: w, height: h })
      // drawn again for the new size: the chart's width follows its box
      await expect.poll(() => board.page.locator('[data-testid="board-question"] svg').evaluate((svg, w) => (svg as SVGSVGElement).viewBox.baseVal.width < w, w)).toBe(true)
      await expect
        .poll(async () => {
          const texts = await chartTexts(board.page)
          return texts.filter((t) => t.bottom > h || t.right > w || t.top < 0 || t.left < 0).map((t) => t.text)
        })
        .toEqual([])
      const texts = await chartTexts(board.page)
      // every option, both rounds' numbers and each shift are written
      for (const option of TEN) expect(texts.map((t) => t.text).join('')).toContain(option)
      expect(texts.filter((t) => /^\d+人 \d+%$/.test(t.text))).toHaveLength(20)
      expect(texts.filter((t) => /ポイント$/.test(t.text))).toHaveLength(10)
      expect(texts.filter((t) => t.px < floor - 0.01).map((t) => `${t.text} ${t.px.toFixed(1)}px`)).toEqual([])
      // nothing of the chart under the question's page count ("1 / 3") or off the wall
      const chartBottom = await board.page.locator('[data-testid="board-question"] svg').evaluate((svg) => svg.getBoundingClientRect().bottom)
      const pagesTop = await board.page.getByTestId('board-survey-page').evaluate((p) => p.getBoundingClientRect().top)
      expect(chartBottom).toBeLessThanOrEqual(pagesTop)
      expect(pagesTop).toBeLessThan(h)
      await board.page.screenshot({ path: path.join(SCREENS, `survey-board-compare10-${w}x${h}${live ? '-live' : ''}-ja.png`) })
    }
    await board.page.setViewportSize({ width: 1920, height: 1080 })
  })

  it('puts every question’s chart in the board’s PNG, and none of a hidden round', { timeout: 120_000 }, async () => {
    const { board, fac, surveyId } = await comparedSurvey()
    const png = await board.savePng()
    fs.writeFileSync(path.join(SCREENS, 'survey-board-picture-ja.png'), png.bytes)
    const seen = await countColours(board.page, png.bytes, LIGHT_BARS)
    // 1920 wide at 2×, taller than one screen: three questions' charts one under another
    expect(seen.width).toBe(3840)
    expect(seen.height).toBeGreaterThan(2160)
    // both rounds' bars were drawn (a notes-only picture has neither colour)
    expect(seen.counts.after).toBeGreaterThan(20_000)
    expect(seen.counts.before).toBeGreaterThan(20_000)

    // the dim room's theme: the picture in its colours, the charts in the dark palette
    await board.page.getByTestId('theme-switch').click()
    await expect.poll(() => board.page.getByTestId('theme-switch').getAttribute('data-theme')).toBe('dark')
    await board.page.screenshot({ path: path.join(SCREENS, 'survey-board-1920x1080-dark-ja.png') })
    const dark = await board.savePng()
    fs.writeFileSync(path.join(SCREENS, 'survey-board-picture-dark-ja.png'), dark.bytes)
    // (the dark theme's later round is the light theme's earlier one: sky blue on a dark wall)
    const darkSeen = await countColours(board.page, dark.bytes, { lightAfter: LIGHT_BARS.after, bg: DARK.bg, darkAfter: DARK.after })
    expect(darkSeen.counts.lightAfter).toBe(0)
    expect(darkSeen.counts.darkAfter).toBeGreaterThan(20_000)
    expect(darkSeen.counts.bg).toBeGreaterThan(darkSeen.width * darkSeen.height * 0.5)
    await board.page.getByTestId('theme-switch').click()
    await board.page.getByTestId('theme-switch').click()
    await expect.poll(() => board.page.getByTestId('theme-switch').getAttribute('data-theme')).toBe('light')

    // the facilitator hides the rounds again: the board has no counts, and neither has the picture
    expect(await emitAck(fac, 'survey:reveal', { surveyId, round: 1, shown: false })).toEqual({ ok: true })
    expect(await emitAck(fac, 'survey:reveal', { surveyId, round: 2, shown: false })).toEqual({ ok: true })
    await expect.poll(() => board.page.getByTestId('board-survey').textContent(), { timeout: 10_000 }).toContain('結果はこのあと公開します')
    const hidden = await board.savePng()
    fs.writeFileSync(path.join(SCREENS, 'survey-board-picture-hidden-ja.png'), hidden.bytes)
    const none = await countColours(board.page, hidden.bytes, LIGHT_BARS)
    expect(none).toMatchObject({ width: 3840, height: 2160, counts: { after: 0, before: 0 } })
    expect(room.contexts.at(-1)!.errors).toEqual([])
  })

  it('prints every question’s chart, the same as the board’s, and none of a hidden round', { timeout: 120_000 }, async () => {
    const { board, fac, surveyId } = await comparedSurvey()
    await board.page.screenshot({ path: path.join(SCREENS, 'survey-board-1920x1080-ja.png') })
    await board.page.emulateMedia({ media: 'print' })
    const sheet = board.page.getByTestId('print-survey')
    expect(await sheet.isVisible()).toBe(true)
    const charts = sheet.locator('figure[data-print-chart]')
    expect(await charts.evaluateAll((fs) => fs.map((f) => f.getAttribute('data-print-chart')))).toEqual(['compare', 'compare', 'compare'])
    // the board's chart of the first question, on paper: the same words and numbers
    const onPaper = (await charts.first().locator('svg').textContent()) ?? ''
    for (const option of TEN) expect(onPaper).toContain(option)
    expect(onPaper).toContain('事前')
    expect(onPaper).toContain('事後')
    expect(onPaper).toContain(`${AFTER.filter((a) => a === 2).length}人`)
    expect(await sheet.textContent()).toContain('DXの必要性を感じる')
    // each chart within the page's width
    const width = await sheet.evaluate((el) => el.getBoundingClientRect().width)
    for (const box of await charts.locator('svg').evaluateAll((svgs) => svgs.map((s) => s.getBoundingClientRect().width))) expect(box).toBeLessThanOrEqual(width + 1)

    // as on A4 landscape (297 mm at 96 dpi, less the sheet's margins), to look at
    await board.page.setViewportSize({ width: 1032, height: 703 })
    await board.page.screenshot({ path: path.join(SCREENS, 'survey-print-ja.png'), fullPage: true })
    await board.page.setViewportSize({ width: 1920, height: 1080 })
    const pdf = path.join(ARTIFACTS, 'survey-print.pdf')
    await board.page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true })
    expect(fs.readFileSync(pdf).subarray(0, 5).toString('ascii')).toBe('%PDF-')
    try {
      execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '2', pdf, path.join(SCREENS, 'survey-print-ja')])
    } catch {
      // poppler-utils is not installed: the PDF is still there to open by hand.
    }

    expect(await emitAck(fac, 'survey:reveal', { surveyId, round: 1, shown: false })).toEqual({ ok: true })
    expect(await emitAck(fac, 'survey:reveal', { surveyId, round: 2, shown: false })).toEqual({ ok: true })
    await expect.poll(() => sheet.textContent(), { timeout: 10_000 }).toContain('結果はこのあと公開します')
    expect(await charts.count()).toBe(0)
    expect(await sheet.locator('svg').count()).toBe(0)
    await board.page.emulateMedia({ media: 'screen' })
    expect(room.contexts.at(-1)!.errors).toEqual([])
  })
})
