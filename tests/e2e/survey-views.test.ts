import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, CDPSession, Page } from 'playwright-core'
import { build } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { ROOT } from '../helpers/kiosk.ts'
import { axeViolations, describeViolations, screenshot, settle } from './audit.ts'
import { HAS_BROWSER, useBrowser } from './browser.ts'

/**
 * The survey charts and the phone's survey form in a real Chromium: the components built by Vite
 * into a small page (tests/e2e/survey-harness), served from 127.0.0.1, at the phone's, the
 * console's and the board's sizes, in Japanese. Screenshots go to .test-artifacts/screens/.
 */
const HARNESS = path.join(ROOT, 'tests', 'e2e', 'survey-harness')
const SCREENS = path.join(ROOT, '.test-artifacts', 'screens')
const SIZES = {
  phone: { width: 390, height: 844 },
  console: { width: 1366, height: 768 },
  board: { width: 1920, height: 1080 },
} as const

let outDir = ''
let server: http.Server | undefined
let base = ''

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }

beforeAll(async () => {
  if (!HAS_BROWSER) return
  fs.mkdirSync(SCREENS, { recursive: true })
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kurumaza-survey-harness-'))
  await build({
    configFile: false,
    root: HARNESS,
    base: './',
    logLevel: 'error',
    plugins: [svelte()],
    server: { fs: { allow: [ROOT] } },
    build: { outDir, emptyOutDir: true, target: 'es2022', minify: false },
  })
  server = http.createServer((req, res) => {
    const file = path.join(outDir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/$/, '/index.html'))
    if (!file.startsWith(outDir) || !fs.existsSync(file)) return res.writeHead(404).end()
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(fs.readFileSync(file))
  })
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
}, 120_000)

afterAll(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()))
  if (outDir) fs.rmSync(outDir, { recursive: true, force: true })
})

async function open(browser: Browser, size: keyof typeof SIZES, query: string): Promise<{ page: Page; errors: string[] }> {
  const ctx = await browser.newContext({ viewport: SIZES[size], locale: 'ja-JP', deviceScaleFactor: 1, hasTouch: size === 'phone', isMobile: size === 'phone' })
  const page = await ctx.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())))
  await page.goto(`${base}?${query}`)
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true)
  return { page, errors }
}

/** The cloud is laid out once d3-cloud has placed every word. */
async function cloudPlaced(page: Page): Promise<number> {
  await expect.poll(() => page.locator('[data-testid="word-cloud"]').getAttribute('data-placed').then(Number)).toBeGreaterThan(0)
  return Number(await page.locator('[data-testid="word-cloud"]').getAttribute('data-placed'))
}

describe.skipIf(!HAS_BROWSER)('survey charts in the browser', () => {
  const browser = useBrowser()

  it.each(['board', 'console', 'phone'] as const)('draws every chart legibly at the %s size (screenshot)', async (size) => {
    const { page, errors } = await open(browser(), size, `view=charts&size=${size}`)
    const placed = await cloudPlaced(page)
    const listed = await page.locator('[data-testid="word-cloud"] li').count()
    expect(placed).toBe(listed) // every word found room
    await settle(page)
    fs.mkdirSync(SCREENS, { recursive: true })
    await page.screenshot({ path: path.join(SCREENS, `survey-charts-${size}-ja.png`), fullPage: true })
    // and each chart alone, to look at closely
    for (const section of await page.locator('section[data-chart]').all()) {
      await section.screenshot({ path: path.join(SCREENS, `survey-chart-${await section.getAttribute('data-chart')}-${size}-ja.png`) })
    }
    // every option written in full, and the numbers on the bars
    const choice = await page.locator('[data-chart="choice"] svg').textContent()
    expect(choice?.replace(/\s/g, '')).toContain('人材・スキルが不足している（特にデジタルに詳しい職員がいない）')
    expect(choice).toContain('12人 39%')
    expect(await page.locator('[data-chart="scale"] svg').textContent()).toContain('平均 2.8')
    expect(await page.locator('[data-chart="turnout"]').textContent()).toContain('23 / 31 台が回答')
    // nothing drawn outside the page's width; on the board no text smaller than 20 px on screen
    const sizes = await page.evaluate(() => {
      const out: Array<{ text: string; h: number; right: number }> = []
      for (const t of document.querySelectorAll('svg text')) {
        const r = t.getBoundingClientRect()
        out.push({ text: t.textContent ?? '', h: r.height, right: r.right })
      }
      return out
    })
    const viewport = SIZES[size].width
    expect(sizes.filter((s) => s.right > viewport + 1).map((s) => s.text)).toEqual([])
    expect(describeViolations(await axeViolations(page))).toEqual([])
    if (size === 'board') expect(sizes.filter((s) => s.h < 20).map((s) => `${s.text} ${s.h.toFixed(1)}`)).toEqual([])
    // the cloud's words do not sit on each other. d3-cloud packs by the glyphs' pixels, so a small
    // word may tuck into a big one's line box: compare the ink (CJK: 0.88 em above the baseline,
    // 0.12 below), not the line boxes
    const boxes = await page.locator('[data-testid="word-cloud"] svg').evaluate((svg) => {
      const r = svg.getBoundingClientRect()
      const scale = r.width / (svg as SVGSVGElement).viewBox.baseVal.width
      return [...svg.querySelectorAll('text')].map((t) => {
        const px = Number(t.getAttribute('font-size')) * scale
        const base = r.top + Number(t.getAttribute('y')) * scale
        const b = t.getBoundingClientRect()
        return { word: t.textContent, left: b.left, right: b.right, top: base - 0.88 * px, bottom: base + 0.12 * px }
      })
    })
    const covered = boxes.flatMap((a, i) =>
      boxes.slice(i + 1).flatMap((b) => {
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left)
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top)
        return w > 1 && h > 1 ? [`${a.word}/${b.word} ${w.toFixed(0)}×${h.toFixed(0)}`] : []
      }),
    )
    expect(covered).toEqual([])
    expect(errors).toEqual([])
    await page.context().close()
  }, 90_000) // a cloud laid out and every chart shot one by one: slow on a loaded 2-core machine

  it.each(['dark', 'contrast'] as const)('draws the board’s %s theme (screenshot)', async (theme) => {
    const { page, errors } = await open(browser(), 'board', `view=charts&size=board&theme=${theme}`)
    await cloudPlaced(page)
    const bg = await page.evaluate(() => getComputedStyle(document.querySelector('.gallery')!).backgroundColor)
    expect(bg).toBe(theme === 'dark' ? 'rgb(32, 36, 43)' : 'rgb(0, 0, 0)')
    await settle(page)
    await page.screenshot({ path: path.join(SCREENS, `survey-charts-board-${theme}-ja.png`), fullPage: true })
    expect(errors).toEqual([])
    await page.context().close()
  })

  it('draws the charts’ SVG strings on a canvas, as the board’s picture does (PNG)', async () => {
    const { page, errors } = await open(browser(), 'board', 'view=png')
    const png = await page.evaluate(() => (window as unknown as { png: string }).png)
    const bytes = Buffer.from(png.replace(/^data:image\/png;base64,/, ''), 'base64')
    fs.writeFileSync(path.join(SCREENS, 'survey-charts-picture-ja.png'), bytes)
    // an image of four charts, 1600 wide, not blank: many different colours were drawn
    expect(bytes.readUInt32BE(16)).toBe(1600)
    expect(bytes.readUInt32BE(20)).toBeGreaterThan(1500)
    const colours = await page.evaluate(async (src) => {
      const img = new Image()
      img.src = src
      await img.decode()
      const c = document.createElement('canvas')
      c.width = img.width
      c.height = img.height
      const ctx = c.getContext('2d')!
      ctx.drawImage(img, 0, 0)
      const d = ctx.getImageData(0, 0, c.width, c.height).data
      const seen = new Set<number>()
      for (let i = 0; i < d.length; i += 4 * 97) seen.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!)
      return seen.size
    }, png)
    expect(colours).toBeGreaterThan(20)
    expect(errors).toEqual([])
    await page.context().close()
  })

  it('lays out the same cloud for the same words, every time', async () => {
    const shots: string[] = []
    for (let i = 0; i < 2; i++) {
      const { page } = await open(browser(), 'console', 'view=charts&size=console')
      await cloudPlaced(page)
      shots.push(await page.locator('[data-testid="word-cloud"] svg').innerHTML())
      await page.context().close()
    }
    expect(shots[0]).toBe(shots[1])
  })
})

/** A real IME composition, as Chrome's own input method drives it (trusted events). */
const compose = (cdp: CDPSession, text: string) => cdp.send('Input.imeSetComposition', { text, selectionStart: text.length, selectionEnd: text.length })
const commit = (cdp: CDPSession, text: string) => cdp.send('Input.insertText', { text })

type W = { submitted: unknown[][]; ack?: (a: { ok: boolean; error?: string }) => void }
const ack = (page: Page, a: { ok: boolean; error?: string }) => page.evaluate((x) => (window as unknown as W).ack!(x), a)
const submitted = (page: Page) => page.evaluate(() => (window as unknown as W).submitted)
const progress = (page: Page) => page.getByTestId('survey-progress').textContent().then((s) => s?.trim())
const status = (page: Page) => page.getByTestId('survey-status').getAttribute('data-status')

describe.skipIf(!HAS_BROWSER)('the survey form on a phone', () => {
  const browser = useBrowser()

  it('is answered one question a screen, skippable, with Japanese typed through an IME, and sent', async () => {
    const { page, errors } = await open(browser(), 'phone', 'view=form')
    const shots = (name: string) => screenshot(page, `survey-form-${name}-phone-ja`)
    expect(await progress(page)).toBe('1 / 5')
    expect(describeViolations(await axeViolations(page))).toEqual([])
    await shots('1-choice')
    // the question is the fieldset's legend; each option is a labelled radio
    const q1 = page.getByRole('group', { name: /DXが進まないと感じる一番の要因/ })
    await q1.getByRole('radio', { name: '前例踏襲の文化' }).check()
    await page.getByRole('button', { name: '次へ' }).click()

    expect(await progress(page)).toBe('2 / 5')
    await page.getByRole('checkbox', { name: 'オンライン申請' }).check()
    await page.getByRole('checkbox', { name: 'データ活用' }).check()
    await shots('2-multi')
    await page.getByRole('button', { name: '次へ' }).click()

    // the scale: a row of big buttons, chosen from the keyboard too
    expect(await progress(page)).toBe('3 / 5')
    await page.getByRole('radio', { name: '3' }).focus()
    await page.keyboard.press('ArrowRight')
    await expect.poll(() => page.getByRole('radio', { name: '4' }).isChecked()).toBe(true)
    expect(describeViolations(await axeViolations(page))).toEqual([])
    await shots('3-scale')
    await page.getByRole('button', { name: '次へ' }).click()

    // text through an IME: while composing, "next" does not take half a word
    expect(await progress(page)).toBe('4 / 5')
    const box = page.getByRole('textbox', { name: 'あなたの回答' })
    await box.focus()
    const cdp = await page.context().newCDPSession(page)
    await compose(cdp, 'ぎょうせいの')
    await page.evaluate(() => document.querySelector('.next')!.dispatchEvent(new MouseEvent('click', { bubbles: true })))
    expect(await progress(page)).toBe('4 / 5')
    await commit(cdp, '行政の')
    await compose(cdp, 'てつづき')
    await commit(cdp, '手続きをオンライン化したい')
    await expect.poll(() => box.inputValue()).toBe('行政の手続きをオンライン化したい')
    expect(describeViolations(await axeViolations(page))).toEqual([])
    await shots('4-text')
    await page.getByRole('button', { name: '次へ' }).click()

    // the last question is skipped
    expect(await progress(page)).toBe('5 / 5')
    await page.getByRole('button', { name: 'とばして次へ' }).click()
    expect(await progress(page)).toBe('回答の確認')
    await expect.poll(() => page.getByRole('heading', { name: '5問中 4問に回答しました' }).isVisible()).toBe(true)
    expect(describeViolations(await axeViolations(page))).toEqual([])
    expect(await page.locator('.review .answer').allTextContents()).toEqual(['前例踏襲の文化', 'オンライン申請、データ活用', '4', '行政の手続きをオンライン化したい', '未回答'])
    await shots('5-review')

    // sending → sent, in words
    await page.getByRole('button', { name: '送信' }).click()
    await expect.poll(() => status(page)).toBe('sending')
    expect(await page.getByTestId('survey-status').textContent()).toContain('送信しています')
    expect(await submitted(page)).toEqual([[2, [1, 3], 4, '行政の手続きをオンライン化したい', null]])
    await ack(page, { ok: true })
    await expect.poll(() => status(page)).toBe('sent')
    expect(await page.getByTestId('survey-status').textContent()).toContain('送信しました')
    await shots('6-sent')

    // changing an answer: back to question 3, clear it, send the change
    await page.getByRole('button', { name: '質問3を直す' }).click()
    expect(await progress(page)).toBe('3 / 5')
    await page.getByRole('button', { name: '選択を取り消す' }).click()
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: /次へ/ }).click()
    await page.getByRole('button', { name: '変更を送信' }).click()
    await expect.poll(() => submitted(page).then((s) => s.length)).toBe(2)
    expect((await submitted(page))[1]).toEqual([2, [1, 3], null, '行政の手続きをオンライン化したい', null])
    await ack(page, { ok: false, error: 'closed' })
    await expect.poll(() => status(page)).toBe('closed')
    expect(await page.getByTestId('survey-status').textContent()).toContain('締め切られました')
    expect(await page.getByRole('button', { name: '変更を送信' }).isDisabled()).toBe(true)
    await shots('7-closed')
    expect(errors).toEqual([])
    await page.context().close()
  })

  it('opens with the answers already given, says a failure in words, and has big targets', async () => {
    const given = encodeURIComponent(JSON.stringify([0, null, 5, '紙の申請書が多すぎる', null]))
    const { page, errors } = await open(browser(), 'phone', `view=form&given=${given}`)
    expect(await page.getByRole('radio', { name: '予算が足りない' }).isChecked()).toBe(true)
    // every control a finger hits is at least 48 px high and wide
    const small = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('button, label.option, label.value, textarea')]
        .map((el) => ({ el, r: el.getBoundingClientRect() }))
        .filter(({ r }) => r.width > 1 && (r.width < 48 || r.height < 48))
        .map(({ el, r }) => `${el.textContent?.trim()} ${Math.round(r.width)}×${Math.round(r.height)}`),
    )
    expect(small).toEqual([])
    for (let i = 0; i < 5; i++) await page.getByRole('button', { name: /次へ/ }).click()
    await page.getByRole('button', { name: '変更を送信' }).click()
    await ack(page, { ok: false, error: 'rate_limited' })
    await expect.poll(() => status(page)).toBe('error')
    expect(await page.getByTestId('survey-status').textContent()).toContain('送信できませんでした（投稿が集中しています）')
    expect(await page.getByRole('button', { name: '変更を送信' }).isEnabled()).toBe(true)
    await screenshot(page, 'survey-form-8-error-phone-ja')
    expect(errors).toEqual([])
    await page.context().close()
  })
})
