import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { startKiosk, type TestKiosk } from '../helpers/kiosk.ts'
import { ARTIFACTS, HAS_BROWSER, personContext, useBrowser } from './browser.ts'
import { BoardPage, FacilitatorPage, onKiosk, PhonePage } from './pages.ts'

/**
 * One whole round of a workshop, as the room lives it: a facilitator at the console, the
 * projector, and two people with their own phones. Collect with pre-moderation, group the notes
 * (with the keyboard, no dragging), dot-vote, and talk about the winner on the big screen.
 */
describe.skipIf(!HAS_BROWSER)('a workshop round in real browsers', () => {
  const browser = useBrowser()
  let kiosk: TestKiosk
  const contexts: Array<BrowserContext & { errors: string[] }> = []
  beforeAll(async () => {
    kiosk = await startKiosk()
  })
  afterAll(async () => {
    for (const ctx of contexts) await ctx.close()
    await kiosk?.close()
  })

  /** Screenshots once the pages' own animations have finished, so they show what the room sees. */
  const shoot = async (stage: string, pages: Record<string, { page: Page }>) => {
    for (const [who, p] of Object.entries(pages)) {
      await p.page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))))
      await p.page.screenshot({ path: path.join(ARTIFACTS, `workshop-${stage}-${who}.png`) })
    }
  }

  it('collects, moderates, groups, votes and spotlights the winner', { timeout: 120_000 }, async () => {
    const ctx = async (who: 'phone' | 'board' | 'console') => {
      const c = await personContext(browser(), who)
      contexts.push(c)
      return c
    }

    // The facilitator creates the session in the console and turns on pre-moderation.
    const fac = await FacilitatorPage.open(await ctx('console'), `${kiosk.url}/f?token=${kiosk.token}`)
    const id = await fac.createSession('DX研修 第1回', '窓口業務で困っていること')
    const list = (await (await fetch(`${kiosk.url}/api/sessions`, { headers: { authorization: `Bearer ${kiosk.token}` } })).json()) as Array<{
      id: string
      boardUrl: string
      joinUrl: string
    }>
    const links = list.find((s) => s.id === id)!
    await fac.preModeration()
    await expect.poll(() => fac.page.getByRole('heading', { name: /承認待ち 0件/ }).count()).toBe(1)

    const board = await BoardPage.open(await ctx('board'), onKiosk(kiosk.url, links.boardUrl))
    const aki = await PhonePage.open(await ctx('phone'), onKiosk(kiosk.url, links.joinUrl))
    const ben = await PhonePage.open(await ctx('phone'), onKiosk(kiosk.url, links.joinUrl))
    await aki.connected()
    await ben.connected()
    expect(await aki.prompt()).toBe('窓口業務で困っていること')

    // Both phones post; nothing reaches the board before the facilitator approves it.
    const paper = '紙の申請書が多すぎる'
    const stamp = '押印のために来庁してもらう'
    const wait = '窓口の待ち時間が長い'
    const phoneCalls = '電話の問い合わせで手が止まる'
    await aki.post(paper)
    await aki.post(wait)
    await ben.post(stamp)
    await ben.post(phoneCalls)
    await expect.poll(() => fac.queue(), { timeout: 10_000 }).toEqual([paper, wait, stamp, phoneCalls])
    expect(await board.notes()).toEqual([])
    for (const text of [paper, wait, stamp, phoneCalls]) await fac.approve(text)
    await expect.poll(() => board.notes(), { timeout: 10_000 }).toEqual([paper, wait, stamp, phoneCalls])
    await expect.poll(() => aki.page.getByText('ボードに表示中').count()).toBe(2)

    // Grouping, with the keyboard path only: every move is announced.
    await fac.setPhase(/まとめる/)
    await fac.createGroup('紙と押印')
    await fac.createGroup('窓口')
    await fac.moveToGroup(paper, '紙と押印')
    await expect.poll(() => fac.groupingStatus()).toBe(`「${paper}」を「紙と押印」に移動しました。`)
    await fac.moveToGroup(stamp, '紙と押印')
    await fac.moveToGroup(wait, '窓口')
    await fac.moveToGroup(phoneCalls, '窓口')
    await expect.poll(() => fac.groupingStatus()).toBe(`「${phoneCalls}」を「窓口」に移動しました。`)
    await expect.poll(() => board.areas(), { timeout: 10_000 }).toEqual({ 紙と押印: [paper, stamp], 窓口: [wait, phoneCalls] })
    expect(await board.phase()).toBe('group')
    expect(await aki.phase()).toBe('group')
    // Nest one group in another; then try the impossible by dragging: refused in words, nothing moves.
    await fac.nestGroup('紙と押印', '窓口')
    await expect.poll(() => fac.groupingStatus()).toBe('グループ「紙と押印」を「窓口」の中に入れました。')
    await expect.poll(() => board.areas()).toEqual({ 窓口: [wait, phoneCalls], '窓口 › 紙と押印': [paper, stamp] })
    await fac.dragGroup('窓口', '紙と押印')
    await expect.poll(() => fac.groupingStatus()).toBe('「窓口 › 紙と押印」は「窓口」の中にあるので、そこには入れられません。')
    // Ctrl+Z takes back the nesting.
    await fac.page.keyboard.press('Control+z')
    await expect.poll(() => board.areas()).toEqual({ 紙と押印: [paper, stamp], 窓口: [wait, phoneCalls] })
    expect(await fac.groupingStatus()).toBe('元に戻しました。')
    await shoot('grouping', { console: fac, board, phone: aki })

    // Dot voting: two dots each, at most two on one note, counts hidden until the close.
    await fac.openVote({ perPhone: 2, maxPerNote: 2, showLive: false })
    await expect.poll(() => aki.ballot.count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => ben.ballot.count(), { timeout: 10_000 }).toBe(1)
    expect(await aki.dotsLeft()).toBe(2)
    await aki.addDot(wait)
    await expect.poll(() => aki.dotsOn(wait)).toBe(1)
    await aki.addDot(wait)
    await expect.poll(() => aki.dotsLeft()).toBe(0)
    // Over budget: refused kindly, and nothing changes.
    await aki.addDot(paper)
    await expect.poll(() => aki.voteNotice()).toMatch(/もう票が残っていません/)
    expect(await aki.dotsOn(paper)).toBe(0)
    await ben.addDot(wait)
    await expect.poll(() => ben.dotsOn(wait)).toBe(1)
    await ben.addDot(paper)
    await expect.poll(() => ben.dotsLeft()).toBe(0)
    await expect.poll(() => fac.voteTotal()).toBe(4)
    expect(await fac.results()).toEqual([
      { text: wait, votes: 3 },
      { text: paper, votes: 1 },
    ])
    expect(await board.results()).toEqual([]) // not shown live
    await shoot('voting', { console: fac, board, phone: aki })

    await fac.closeVote()
    await expect.poll(() => board.results(), { timeout: 10_000 }).toEqual([
      { text: wait, votes: 3, rank: 1 },
      { text: paper, votes: 1, rank: 2 },
    ])
    // The phones go back to posting.
    await expect.poll(() => aki.ballot.count()).toBe(0)
    expect(await aki.noteBox.count()).toBe(1)
    await shoot('results', { console: fac, board, phone: aki })

    // The winner, large on the projector, and off again.
    await fac.spotlight(wait)
    await expect.poll(() => board.spotlight(), { timeout: 10_000 }).toEqual([wait])
    await shoot('spotlight', { console: fac, board, phone: ben })
    await fac.spotlightOff()
    await expect.poll(() => board.spotlight()).toEqual([])

    for (const c of contexts) expect(c.errors).toEqual([])
  })
})
