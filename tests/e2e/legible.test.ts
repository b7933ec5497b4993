import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { createGroup, moveNote } from '../../shared/grouping.ts'
import { newClientId } from '../../shared/ids.ts'
import { emitAck, ROOMY_LIMITS, useKiosk, type ClientSocket, type TestKiosk } from '../helpers/kiosk.ts'
import { waitFor } from '../helpers/wait.ts'
import { screenshot, settle } from './audit.ts'
import { ARTIFACTS, HAS_BROWSER, personContext, useBrowser } from './browser.ts'
import { BoardPage, onKiosk } from './pages.ts'

/**
 * A board legible from the back of the room at any number of notes (issue 14, part 1): at
 * 1920×1080, in Japanese, with the workshop's own sample notes. Every card on screen is
 * measured: text of 20 px or more, nothing cut off, inside the screen; what does not fit goes on
 * pages ("1 / 3"), and every note appears on one of them.
 */
const FIXTURE = fs
  .readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'notes-ja.txt'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'))
  .map((l) => l.replace(/\\n/g, '\n'))

/** n notes from the fixture; past its end, numbered so each is its own note. */
const noteTexts = (n: number): string[] => Array.from({ length: n }, (_, i) => (i < FIXTURE.length ? FIXTURE[i]! : `${FIXTURE[i % FIXTURE.length]!} その${Math.floor(i / FIXTURE.length) + 1}`))

async function postAll(fac: ClientSocket, texts: string[]): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < texts.length; i += 50) {
    const acks = await Promise.all(texts.slice(i, i + 50).map((text) => emitAck<{ ok: boolean; noteId: string }>(fac, 'note:create', { id: newClientId(), text })))
    for (const a of acks) {
      expect(a.ok).toBe(true)
      ids.push(a.noteId)
    }
  }
  return ids
}

interface CardCheck {
  text: string
  /** what the browser measured, for the failure message */
  box: string
  fontPx: number
  clipped: boolean
  outside: boolean
}

/** Every card on screen as the browser drew it. */
function measureCards(page: Page): Promise<CardCheck[]> {
  return page.locator('[data-testid="note-text"]').evaluateAll((cards) =>
    cards.map((card) => {
      const r = card.getBoundingClientRect()
      const el = card as HTMLElement
      return {
        text: (card.textContent ?? '').trim(),
        box: `li ${el.parentElement?.style.width}×${el.parentElement?.style.height} anims ${document.getAnimations().length} ${el.clientWidth}×${el.clientHeight} scroll ${el.scrollWidth}×${el.scrollHeight} at ${getComputedStyle(card).fontSize} pad ${getComputedStyle(card).paddingLeft}`,
        fontPx: parseFloat(getComputedStyle(card).fontSize),
        clipped: el.scrollHeight > el.clientHeight || el.scrollWidth > el.clientWidth || el.hasAttribute('data-clipped'),
        outside: r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight,
      }
    }),
  )
}

/** The page of the wall shown, and how many there are (1 / 1 when there is no page count). */
async function pages(page: Page): Promise<{ page: number; pages: number }> {
  const wall = page.getByTestId('wall')
  return { page: Number(await wall.getAttribute('data-page')), pages: Number(await wall.getAttribute('data-pages')) }
}

/** Wait until the board has all notes and the wall's cards have settled. */
async function boardReady(board: BoardPage, notes: number): Promise<void> {
  await waitFor(async () => expect(Number(await board.page.getByTestId('note-count').getAttribute('data-count'))).toBe(notes), { timeout: 20_000 })
  await waitFor(async () => expect(await board.page.locator('[data-testid="note-text"]').count()).toBeGreaterThan(0), { timeout: 10_000 })
  await settle(board.page)
}

/** Hold each page in turn from the console's side, check every card, and collect the texts. */
async function everyPage(board: BoardPage, fac: ClientSocket, label: string): Promise<{ texts: string[]; pages: number; perPage: number[] }> {
  const { pages: count } = await pages(board.page)
  const texts: string[] = []
  const perPage: number[] = []
  for (let i = 0; i < count; i++) {
    expect(await emitAck(fac, 'session:update', { boardPage: { kind: 'page', index: i } })).toEqual({ ok: true })
    await waitFor(async () => expect((await pages(board.page)).page).toBe(i + 1))
    await settle(board.page)
    const cards = await measureCards(board.page)
    expect(cards.length, `${label} page ${i + 1}`).toBeGreaterThan(0)
    for (const c of cards) {
      expect(c.fontPx, `${label} page ${i + 1}: ${c.text}`).toBeGreaterThanOrEqual(20)
      expect(c.clipped, `${label} page ${i + 1}: cut off: ${c.text} ${c.box}`).toBe(false)
      expect(c.outside, `${label} page ${i + 1}: off screen: ${c.text}`).toBe(false)
    }
    texts.push(...cards.map((c) => shownAs(c.text)))
    perPage.push(cards.length)
  }
  return { texts, pages: count, perPage }
}

/** The note texts as the board shows them (its own line breaks become nothing in textContent). */
const shownAs = (text: string) => text.replace(/\s+/g, '')

describe.skipIf(!HAS_BROWSER)('a board legible from the back of the room (1920×1080, Japanese)', { timeout: 120_000 }, () => {
  const browser = useBrowser()
  const kiosk = useKiosk({ limits: ROOMY_LIMITS })

  async function boardWith(k: TestKiosk, n: number, title: string) {
    const links = await k.createSession(title, '窓口業務で困っていること')
    const fac = await k.facilitator(links.id)
    const ids = await postAll(fac, noteTexts(n))
    const ctx = await personContext(browser(), 'board')
    const board = await BoardPage.open(ctx, onKiosk(k.url, links.boardUrl))
    await boardReady(board, n)
    return { links, fac, ids, ctx, board }
  }

  it('60 notes: every card at 20 px or more, none cut off, pages in words, every note on a page', async () => {
    const { fac, ctx, board } = await boardWith(kiosk(), 60, 'DX研修 第1回')
    // What the room sees first: every card on the screen legible and whole.
    for (const c of await measureCards(board.page)) {
      expect(c.fontPx, c.text).toBeGreaterThanOrEqual(20)
      expect(c.clipped, `cut off: ${c.text} ${c.box}`).toBe(false)
    }
    const first = await pages(board.page)
    expect(first.page).toBe(1)
    if (first.pages > 1) {
      // The pages say where the room is, in words.
      const count = board.page.getByTestId('page-count')
      expect(await count.textContent()).toMatch(new RegExp(`1 / ${first.pages}.*${first.pages}ページ.*秒ごとに次のページ`))
    }
    await screenshot(board.page, 'board-60-ja')
    const seen = await everyPage(board, fac, '60')
    expect(seen.texts.sort()).toEqual(noteTexts(60).map(shownAs).sort())
    // A good share of the wall at once.
    expect(Math.max(...seen.perPage)).toBeGreaterThanOrEqual(24)
    expect(ctx.errors).toEqual([])
    await ctx.close()
  })

  it('250 notes: pages instead of 8 px text, "1 / N" shown, all 250 across the pages', async () => {
    const { fac, ctx, board } = await boardWith(kiosk(), 250, 'DX研修 第2回')
    const first = await pages(board.page)
    expect(first.pages).toBeGreaterThan(1)
    await expect.poll(() => board.page.getByTestId('page-count').textContent()).toContain(`1 / ${first.pages}`)
    await screenshot(board.page, 'board-250-page1-ja')
    const seen = await everyPage(board, fac, '250')
    expect(seen.texts).toHaveLength(250)
    expect(new Set(seen.texts).size).toBe(250)
    expect(seen.texts.sort()).toEqual(noteTexts(250).map(shownAs).sort())
    expect(Math.min(...seen.perPage.slice(0, -1))).toBeGreaterThanOrEqual(30)
    // Held by the facilitator: the board says so.
    expect(await emitAck(fac, 'session:update', { boardPage: { kind: 'page', index: 1 } })).toEqual({ ok: true })
    await waitFor(async () => expect((await pages(board.page)).page).toBe(2))
    expect(await board.page.getByTestId('page-count').textContent()).toMatch(/2 \/ \d+.*ファシリテーターがこのページを表示しています/)
    await screenshot(board.page, 'board-250-page2-held-ja')
    expect(ctx.errors).toEqual([])
    await ctx.close()
  })

  it('turns the pages by itself when nobody holds one', async () => {
    const { ctx, board } = await boardWith(kiosk(), 120, '自動でめくる')
    expect((await pages(board.page)).pages).toBeGreaterThan(1)
    // The clock is the page's own: run it forward instead of waiting 20 seconds.
    await board.page.clock.install()
    await board.page.reload()
    await boardReady(board, 120)
    expect((await pages(board.page)).page).toBe(1)
    await board.page.clock.runFor(21_000)
    await waitFor(async () => expect((await pages(board.page)).page).toBe(2))
    await ctx.close()
  })

  it('groups: headers whole and readable, a group brought to the screen, the QR code small once the room has joined and large on demand', async () => {
    const k = kiosk()
    const { links, fac, ids, ctx, board } = await boardWith(k, 150, 'グループで見る')
    const consoleDoc = (await k.board(links, 'token')).doc
    createGroup(consoleDoc, 'g1', '窓口')
    createGroup(consoleDoc, 'g2', '待ち時間とスマートフォンでの予約', 'g1')
    createGroup(consoleDoc, 'g3', '紙と押印')
    consoleDoc.transact(() => {
      ids.slice(0, 40).forEach((id) => moveNote(consoleDoc, id, 'g2'))
      ids.slice(40, 60).forEach((id) => moveNote(consoleDoc, id, 'g1'))
      ids.slice(60, 130).forEach((id) => moveNote(consoleDoc, id, 'g3'))
    })
    await waitFor(() => expect([...consoleDoc.getMap('notes').values()].filter((n) => (n as { get(k: string): unknown }).get('groupId')).length).toBe(130))
    const keyDoc = (await k.board(links, 'key')).doc
    await waitFor(() => expect(keyDoc.getMap('groups').size).toBe(3))
    await waitFor(() => expect([...keyDoc.getMap('notes').values()].filter((n) => (n as { get(k: string): unknown }).get('groupId')).length).toBe(130))
    await screenshot(board.page, 'board-150-groups-page1-ja')
    await waitFor(async () => expect(await board.page.getByTestId('area-name').count()).toBeGreaterThan(0), { timeout: 10_000 })

    // The room has joined (notes on the board): the QR column is small.
    expect(await board.page.getByTestId('join-panel').getAttribute('data-compact')).toBe('true')

    expect(await emitAck(fac, 'session:update', { boardPage: { kind: 'group', id: 'g3' } })).toEqual({ ok: true })
    await waitFor(async () => expect(await board.page.getByTestId('area-name').allTextContents()).toContain('紙と押印'))
    await settle(board.page)
    const heads = await board.page.locator('.area-head').evaluateAll((hs) =>
      hs.map((h) => {
        const r = h.getBoundingClientRect()
        const el = h as HTMLElement
        return { text: h.textContent ?? '', px: parseFloat(getComputedStyle(h).fontSize), cut: el.scrollWidth > el.clientWidth + 1, outside: r.right > innerWidth || r.bottom > innerHeight }
      }),
    )
    for (const h of heads) {
      expect(h.px, h.text).toBeGreaterThanOrEqual(28)
      expect(h.cut, h.text).toBe(false)
      expect(h.outside, h.text).toBe(false)
    }
    for (const c of await measureCards(board.page)) {
      expect(c.fontPx).toBeGreaterThanOrEqual(20)
      expect(c.clipped, c.text).toBe(false)
    }
    await screenshot(board.page, 'board-150-group-held-ja')
    const nested = await board.page.locator('.area-head').filter({ hasText: '待ち時間とスマートフォンでの予約' }).count()
    expect(await emitAck(fac, 'session:update', { boardPage: { kind: 'group', id: 'g2' } })).toEqual({ ok: true })
    await waitFor(async () => expect(await board.page.getByTestId('area-name').allTextContents()).toContain('窓口 › 待ち時間とスマートフォンでの予約'))
    expect(nested).toBeGreaterThanOrEqual(0)

    // The facilitator brings the QR code back.
    expect(await emitAck(fac, 'session:update', { showJoin: true })).toEqual({ ok: true })
    await waitFor(async () => expect(await board.page.getByTestId('join-panel').getAttribute('data-compact')).toBe('false'))
    await settle(board.page)
    const qr = await board.page.getByRole('img', { name: '参加用のQRコード' }).boundingBox()
    expect(qr!.width).toBeGreaterThanOrEqual(300)
    await screenshot(board.page, 'board-150-qr-large-ja')
    expect(ctx.errors).toEqual([])
    await ctx.close()
  })

  it('the spotlight uses the same cards, large', async () => {
    const { fac, ids, ctx, board } = await boardWith(kiosk(), 20, '大きく映す')
    expect(await emitAck(fac, 'session:update', { spotlight: { kind: 'note', id: ids[14] } })).toEqual({ ok: true })
    await waitFor(async () => expect((await board.spotlight()).map(shownAs)).toEqual([shownAs(noteTexts(20)[14]!)]))
    await settle(board.page)
    const size = await board.page.getByTestId('spotlight-text').evaluate((p) => ({ px: parseFloat(getComputedStyle(p).fontSize), cut: p.scrollHeight > p.clientHeight }))
    expect(size.px).toBeGreaterThanOrEqual(60)
    expect(size.cut).toBe(false)
    await screenshot(board.page, 'board-spotlight-ja')
    await ctx.close()
  })

  it('a phone breaks Japanese lines by the same rules: kinsoku, and phrases kept whole', async () => {
    const k = kiosk()
    const links = await k.createSession('スマホの改行')
    const ctx = await personContext(browser(), 'phone')
    const page = await ctx.newPage()
    await page.goto(onKiosk(k.url, links.joinUrl))
    const style = await page.locator('body').evaluate((b) => ({ lineBreak: getComputedStyle(b).lineBreak, wordBreak: getComputedStyle(b).wordBreak }))
    expect(style).toEqual({ lineBreak: 'strict', wordBreak: 'auto-phrase' })
    await ctx.close()
  })

  it('the PNG holds every page of a 250-note wall', async () => {
    const { ctx, board } = await boardWith(kiosk(), 250, 'PNGの記録')
    const png = await board.savePng()
    expect(png.bytes.subarray(1, 4).toString()).toBe('PNG')
    // width and height from the IHDR chunk: 1920×2 wide, taller than one screen for several pages
    const width = png.bytes.readUInt32BE(16)
    const height = png.bytes.readUInt32BE(20)
    expect(width).toBe(3840)
    expect(height).toBeGreaterThan(2160)
    fs.mkdirSync(path.join(ARTIFACTS, 'screens'), { recursive: true })
    fs.writeFileSync(path.join(ARTIFACTS, 'screens', 'board-250-snapshot-ja.png'), png.bytes)
    await ctx.close()
  })
})
