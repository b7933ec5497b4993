import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { Ack } from '../../shared/errors.ts'
import { emitAck } from '../helpers/kiosk.ts'
import { HAS_BROWSER, SCREENS, useRoom } from './browser.ts'
import { BoardPage, FacilitatorPage, onKiosk } from './pages.ts'

/**
 * The facilitator tidies a text question's cloud from the console, in Japanese, with the
 * keyboard for part of it: leaves a person's name out, merges 「デジタル化」 into 「DX」 and
 * 「スマートフォン」 into 「スマホ」, sees the lists with their undo, takes one back. The board,
 * showing the 事前 → 事後 comparison at 1920×1080, follows: the name and the merged words are gone
 * from what rose and fell. The lists are the question's, so they are drawn once, after all its
 * rounds, never under each round's cloud. Screens in .test-artifacts/screens/cloud-words-*.
 */

const BEFORE = ['DXの予算が足りない', 'デジタル化とスマホ申請', '田中さん頼みのDX', '紙の申請書が多い', '田中さんに聞けば分かる']
const AFTER = ['スマートフォンで申請', 'デジタル化を進める', 'DXを学ぶ研修', 'オンライン申請を広げる', 'DXの研修をもっと']

describe.skipIf(!HAS_BROWSER)('hiding and merging words from the console', () => {
  const room = useRoom()
  const ctx = room.person
  const shoot = (name: string, page: Page) => page.screenshot({ path: path.join(SCREENS, `cloud-words-${name}.png`) })

  it('leaves a word out, merges two, undoes one, and the board’s comparison follows', { timeout: 180_000 }, async () => {
    const links = await room.kiosk.createSession('DX研修', 'DXが進まないと感じる要因')
    const fac = await room.kiosk.facilitator(links.id)
    const created = await emitAck<Ack<{ surveyId: string }>>(fac, 'survey:create', { title: '事前・事後アンケート', questions: [{ kind: 'text', text: 'DXについて一言' }] })
    if (!created.ok) throw new Error(created.error)
    const { surveyId } = created
    expect(await emitAck(fac, 'agenda:current', { activityId: `survey:${surveyId}` })).toEqual({ ok: true })
    const phones = await Promise.all(BEFORE.map((_, i) => room.kiosk.phone(links.id, { deviceId: `room-${i}` })))
    for (const [label, texts] of [
      ['事前', BEFORE],
      ['事後', AFTER],
    ] as const) {
      const opened = await emitAck<Ack<{ round: number }>>(fac, 'survey:open', { surveyId, label, live: true })
      if (!opened.ok) throw new Error(opened.error)
      for (const [i, text] of texts.entries()) expect(await emitAck(phones[i]!, 'survey:answer', { surveyId, round: opened.round, answers: [text] })).toEqual({ ok: true })
      expect(await emitAck(fac, 'survey:close', { surveyId })).toEqual({ ok: true })
    }

    const board = await BoardPage.open(await ctx('board'), onKiosk(room.kiosk.url, links.boardUrl))
    const change = board.page.getByTestId('board-question')
    await expect.poll(() => change.textContent(), { timeout: 15_000 }).toContain('田中')
    await expect.poll(() => change.textContent()).toContain('スマートフォン')

    const con = await FacilitatorPage.open(await ctx('console'), onKiosk(room.kiosk.url, links.facilitatorUrl))
    await con.openTab(/^進行表/)
    const item = con.page.locator(`li[data-activity-id="survey:${surveyId}"]`)
    // the 事後 round's results (the last one): open its details
    const after = item.locator('details').filter({ hasText: '事後' })
    await after.locator('summary').click()
    const cloud = after.getByTestId('cloud-words')
    // what was left out or merged: the question's, listed once after its rounds
    const edits = item.getByTestId('cloud-edits')

    // leave the name out, with the mouse: it is in 事前's words
    const before = item.locator('details').filter({ hasText: '事前' })
    await before.locator('summary').click()
    const cloudBefore = before.getByTestId('cloud-words')
    await cloudBefore.getByRole('button', { name: /^「田中」.*外す・まとめる$/ }).click()
    await cloudBefore.getByRole('group', { name: '「田中」をどうしますか' }).getByRole('button', { name: '雲から外す' }).click()
    await expect.poll(() => edits.getByTestId('cloud-hidden').textContent()).toContain('田中')

    // merge デジタル化 into DX with the keyboard only: the word's button, then the field, Enter
    const digital = cloud.getByRole('button', { name: /^「デジタル化」.*外す・まとめる$/ })
    await digital.focus()
    await con.page.keyboard.press('Enter')
    const panel = cloud.getByRole('group', { name: '「デジタル化」をどうしますか' })
    await expect.poll(() => panel.getByRole('button', { name: '雲から外す' }).evaluate((el) => el === document.activeElement)).toBe(true)
    await con.page.keyboard.press('Tab')
    await con.page.keyboard.type('DX')
    await con.page.keyboard.press('Enter')
    await expect.poll(() => edits.getByTestId('cloud-merged').textContent()).toContain('デジタル化 → DX')

    // and スマートフォン into スマホ, with the mouse
    await cloud.getByRole('button', { name: /^「スマートフォン」.*外す・まとめる$/ }).click()
    const phonePanel = cloud.getByRole('group', { name: '「スマートフォン」をどうしますか' })
    await phonePanel.getByLabel('まとめる先の言葉').fill('スマホ')
    await phonePanel.getByRole('button', { name: 'まとめる' }).click()
    await expect.poll(() => edits.getByTestId('cloud-merged').textContent()).toContain('スマートフォン → スマホ')
    // merging a word into itself is refused, and said in words
    await cloud.getByRole('button', { name: /^「DX」.*外す・まとめる$/ }).click()
    const dxPanel = cloud.getByRole('group', { name: '「DX」をどうしますか' })
    await dxPanel.getByLabel('まとめる先の言葉').fill('ＤＸ')
    await dxPanel.getByRole('button', { name: 'まとめる' }).click()
    await expect.poll(() => cloud.getByRole('alert').textContent()).toContain('同じ言葉にはまとめられません')
    await con.page.setViewportSize({ width: 1280, height: 800 })
    const toTop = (l: typeof cloud) => l.evaluate((el) => {
      el.scrollIntoView({ block: 'start' })
      window.scrollBy(0, -90) // below the console's sticky bar
    })
    await toTop(after.locator('summary'))
    await shoot('console-merge-1280x800', con.page)
    await dxPanel.getByRole('button', { name: 'やめる' }).click()
    await expect.poll(() => cloud.getByRole('alert').count()).toBe(0)

    // the board: the name gone, the merged words counted as their targets, in the comparison too
    await expect.poll(() => change.textContent(), { timeout: 10_000 }).not.toContain('田中')
    await expect.poll(() => change.textContent()).not.toContain('デジタル化')
    await expect.poll(() => change.textContent()).not.toContain('スマートフォン')
    await expect.poll(() => change.textContent()).toContain('DX')
    await toTop(cloud.getByText('雲の言葉（押すと、外す・まとめる）'))
    await shoot('console-lists-1280x800', con.page)
    await shoot('board-1920x1080', board.page)

    // undo: スマートフォン goes back on its own
    await edits.getByRole('button', { name: '「スマートフォン」を「スマホ」から分ける' }).click()
    await expect.poll(() => edits.getByTestId('cloud-merged').textContent()).not.toContain('スマートフォン')
    await expect.poll(() => change.textContent(), { timeout: 10_000 }).toContain('スマートフォン')
    // and the name goes back in the cloud
    await edits.getByRole('button', { name: '「田中」を雲に戻す' }).click()
    await expect.poll(() => edits.getByTestId('cloud-hidden').count()).toBe(0)
    await expect.poll(() => change.textContent(), { timeout: 10_000 }).toContain('田中')
    for (const c of room.contexts) expect(c.errors).toEqual([])
  })
  it('lists a text question’s hidden and merged words once for all its rounds, each round keeping its own cloud', { timeout: 180_000 }, async () => {
    const links = await room.kiosk.createSession('DX研修（2回目）', 'DXが進まないと感じる要因')
    const fac = await room.kiosk.facilitator(links.id)
    const created = await emitAck<Ack<{ surveyId: string }>>(fac, 'survey:create', { title: '事前・事後アンケート', questions: [{ kind: 'text', text: 'DXについて一言' }] })
    if (!created.ok) throw new Error(created.error)
    const { surveyId } = created
    const phones = await Promise.all(BEFORE.map((_, i) => room.kiosk.phone(links.id, { deviceId: `rounds-${i}` })))
    for (const [label, texts] of [
      ['事前', BEFORE],
      ['事後', AFTER],
    ] as const) {
      const opened = await emitAck<Ack<{ round: number }>>(fac, 'survey:open', { surveyId, label, live: false })
      if (!opened.ok) throw new Error(opened.error)
      for (const [i, text] of texts.entries()) expect(await emitAck(phones[i]!, 'survey:answer', { surveyId, round: opened.round, answers: [text] })).toEqual({ ok: true })
      expect(await emitAck(fac, 'survey:close', { surveyId })).toEqual({ ok: true })
    }
    expect(await emitAck(fac, 'survey:words', { surveyId, question: 0, action: 'hide', word: '田中' })).toMatchObject({ ok: true })
    expect(await emitAck(fac, 'survey:words', { surveyId, question: 0, action: 'merge', word: 'デジタル化', into: 'DX' })).toMatchObject({ ok: true })

    const con = await FacilitatorPage.open(await ctx('console'), onKiosk(room.kiosk.url, links.facilitatorUrl))
    await con.page.setViewportSize({ width: 1280, height: 800 })
    await con.openTab(/^進行表/)
    const item = con.page.locator(`li[data-activity-id="survey:${surveyId}"]`)
    const rounds = ['事前', '事後'].map((label) => item.locator('details').filter({ has: con.page.locator('summary', { hasText: label }) }))
    for (const round of rounds) await round.locator('summary').click()
    // each round has its own cloud, counted with the question's edits: 田中 gone, デジタル化 counted as DX
    for (const round of rounds) {
      await expect.poll(() => round.getByTestId('cloud-words').count()).toBe(1)
      await expect.poll(() => round.getByTestId('cloud-words').getByRole('button', { name: /^「DX」.*外す・まとめる$/ }).count()).toBe(1)
      await expect.poll(() => round.getByTestId('cloud-words').getByRole('button', { name: /^「田中」.*外す・まとめる$/ }).count()).toBe(0)
    }
    await expect.poll(() => item.getByTestId('cloud-words').count()).toBe(2)
    await expect.poll(() => item.getByTestId('cloud-merged').last().textContent()).toContain('デジタル化 → DX')
    // both rounds' clouds and, after them, the list of edits, in one screen
    await item.getByTestId('cloud-merged').last().evaluate((el) => {
      el.scrollIntoView({ block: 'end' })
      window.scrollBy(0, 24)
    })
    await shoot('console-rounds-1280x800-ja', con.page)

    // the lists, each exactly once for the question, titled as the question's, and under no round
    await expect.poll(() => item.getByTestId('cloud-hidden').count()).toBe(1)
    await expect.poll(() => item.getByTestId('cloud-merged').count()).toBe(1)
    await expect.poll(() => item.getByText('外した言葉', { exact: true }).count()).toBe(1)
    await expect.poll(() => item.getByText('まとめた言葉', { exact: true }).count()).toBe(1)
    await expect.poll(() => item.locator('details [data-testid="cloud-hidden"], details [data-testid="cloud-merged"]').count()).toBe(0)
    const edits = item.getByRole('region', { name: 'この設問の言葉のまとめ（すべての回に適用）' })
    await expect.poll(() => edits.getByTestId('cloud-hidden').textContent()).toContain('田中')
    await expect.poll(() => edits.getByTestId('cloud-merged').textContent()).toContain('デジタル化 → DX')

    // the one list's undo still works for every round: 田中 is back in 事前's cloud
    await edits.getByRole('button', { name: '「田中」を雲に戻す' }).click()
    await expect.poll(() => item.getByTestId('cloud-hidden').count()).toBe(0)
    await expect.poll(() => rounds[0]!.getByTestId('cloud-words').getByRole('button', { name: /^「田中」.*外す・まとめる$/ }).count()).toBe(1)
    await expect.poll(() => item.getByTestId('cloud-merged').count()).toBe(1)
    for (const c of room.contexts) expect(c.errors).toEqual([])
  })
})
