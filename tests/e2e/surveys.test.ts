import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { CDPSession, Page } from 'playwright-core'
import { io, type Socket } from 'socket.io-client'
import { HAS_BROWSER, SCREENS, useRoom } from './browser.ts'
import { BoardPage, FacilitatorPage, onKiosk, PhonePage } from './pages.ts'

/**
 * A survey as a facilitator runs it: prepared in the console's agenda (Japanese typed in), made
 * the current activity, run as 事前 with results live on the board, then again as 事後; phones
 * show the survey; the board draws the charts and, with both rounds shown, what changed.
 * One phone answers through its survey form, typing Japanese through an IME; the rest of the
 * room answers over Socket.io.
 */
const compose = (cdp: CDPSession, text: string) => cdp.send('Input.imeSetComposition', { text, selectionStart: text.length, selectionEnd: text.length })
const commitText = (cdp: CDPSession, text: string) => cdp.send('Input.insertText', { text })

describe.skipIf(!HAS_BROWSER)('a survey in real browsers', () => {
  const room = useRoom()
  const sockets: Socket[] = []
  afterAll(() => {
    for (const s of sockets) s.close()
  })
  const ctx = room.person
  const shoot = (name: string, page: Page) => page.screenshot({ path: path.join(SCREENS, `surveys-${name}.png`) })

  it('prepares a survey in the agenda, runs it before and after, and the board shows what changed', { timeout: 180_000 }, async () => {
    const fac = await FacilitatorPage.open(await ctx('console'), `${room.kiosk.url}/f?token=${room.kiosk.token}`)
    await fac.page.setViewportSize({ width: 1366, height: 900 })
    const id = await fac.createSession('DX研修', 'DXが進まないと感じる要因')
    const list = (await (await fetch(`${room.kiosk.url}/api/sessions`, { headers: { authorization: `Bearer ${room.kiosk.token}` } })).json()) as Array<{ id: string; boardUrl: string; joinUrl: string }>
    const links = list.find((s) => s.id === id)!

    await fac.openTab(/^進行表/)
    await fac.page.getByRole('button', { name: 'アンケート・投票を加える' }).click()
    // Typed as a person types Japanese: through the keyboard, as composed text.
    await fac.page.getByLabel('アンケートの題名').pressSequentially('事前・事後アンケート')
    await fac.page.getByLabel('設問文').fill('一番の要因は')
    await fac.page.getByLabel(/選択肢/).fill('人材\n予算\n前例主義')
    await fac.page.getByRole('button', { name: '設問を加える' }).click()
    await fac.page.locator('#q-kind-1').selectOption('text')
    await fac.page.locator('#q-text-1').fill('一言どうぞ')
    await fac.page.getByRole('button', { name: 'アンケートを作る' }).click()
    const item = fac.page.locator('li[data-activity-id^="survey:"]')
    await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(1)
    const surveyId = (await item.getAttribute('data-activity-id'))!.slice('survey:'.length)
    await item.getByRole('button', { name: 'これを表示' }).click()
    await item.getByLabel('結果をすぐ投影する').check()
    await item.getByRole('button', { name: '回答を始める' }).click()

    const board = await BoardPage.open(await ctx('board'), onKiosk(room.kiosk.url, links.boardUrl))
    const phone = await PhonePage.open(await ctx('phone'), onKiosk(room.kiosk.url, links.joinUrl))
    await phone.connected()
    await expect.poll(() => phone.page.getByTestId('survey').textContent(), { timeout: 10_000 }).toContain('事前・事後アンケート')
    await expect.poll(() => phone.page.getByTestId('survey-state').textContent()).toContain('事前の回答を受け付けています')
    // the phone answers through its form: a choice, then Japanese typed through an IME
    const form = phone.page.getByTestId('survey')
    await form.getByRole('radio', { name: '前例主義' }).check()
    await form.getByRole('button', { name: '次へ' }).click()
    const box = form.getByRole('textbox', { name: 'あなたの回答' })
    await box.focus()
    const cdp = await phone.page.context().newCDPSession(phone.page)
    await compose(cdp, 'ぜんれい')
    await commitText(cdp, '前例')
    await compose(cdp, 'しゅぎ')
    await commitText(cdp, '主義をやめたい')
    await expect.poll(() => box.inputValue()).toBe('前例主義をやめたい')
    await form.getByRole('button', { name: '次へ' }).click()
    await form.getByRole('button', { name: '送信' }).click()
    await expect.poll(() => phone.page.getByTestId('survey-state').textContent(), { timeout: 10_000 }).toContain('回答を送りました')
    await shoot('phone-form-390x844', phone.page)

    const answerAll = async (label: string, answers: number[]) => {
      for (const [i, a] of answers.entries()) {
        const s = io(room.kiosk.url, { auth: { session: id, deviceId: `room-${i}` }, transports: ['websocket'], reconnection: false, forceNew: true })
        sockets.push(s)
        await new Promise((r) => s.once('connect', () => r(undefined)))
        const round = label === '事前' ? 1 : 2
        expect(await s.timeout(5_000).emitWithAck('survey:answer', { surveyId, round, answers: [a, null] })).toEqual({ ok: true })
      }
    }
    await answerAll('事前', [0, 0, 1, 0, 2])
    await expect.poll(() => board.page.getByTestId('board-survey').textContent(), { timeout: 10_000 }).toContain('事前・事後アンケート')
    await expect.poll(() => board.page.getByTestId('board-question').first().locator('svg').count(), { timeout: 10_000 }).toBeGreaterThan(0)
    await expect.poll(() => board.page.getByTestId('board-question').first().textContent(), { timeout: 10_000 }).toContain('前例主義')
    await expect.poll(() => fac.page.getByTestId('turnout').textContent(), { timeout: 10_000 }).toMatch(/事前: \d+台中 6台が回答/)
    // the phone's text is in the round's words (the cloud)
    await expect.poll(() => board.page.getByTestId('board-survey').textContent(), { timeout: 10_000 }).toContain('前例')
    await shoot('board-before-1920x1080', board.page)
    // The board speaks of the survey, not of a note round: no "posting open", no note count.
    expect(await board.page.getByTestId('board-phase').textContent()).toContain('進行：アンケート')
    expect(await board.stateChips()).toEqual(['事前：回答受付中'])
    expect(await board.invitation()).toBe('スマホで回答')
    expect(await board.page.getByTestId('note-count').count()).toBe(0)
    expect(await board.page.locator('.head .prompt').count()).toBe(0)

    await item.getByRole('button', { name: '回答を締め切る' }).click()
    await expect.poll(() => phone.page.getByTestId('survey-state').textContent(), { timeout: 10_000 }).toContain('受付は終わりました')
    // between rounds the board stops inviting: the QR goes, and the column says why
    await expect.poll(() => board.invitation()).toBe('いまは回答を受け付けていません')
    expect(await board.stateChips()).toEqual(['いまは回答を受け付けていません'])
    expect(await board.page.getByTestId('join-url').count()).toBe(0)
    // ...and says whose answers the chart shows, and what was asked
    expect(await board.page.getByTestId('board-results-of').textContent()).toBe('事前の結果（6人が回答）')
    await expect.poll(() => board.page.getByTestId('board-question').locator('figcaption').allTextContents()).toEqual([expect.stringMatching(/^(一番の要因は|一言どうぞ)$/)])
    await shoot('board-between-rounds-1920x1080', board.page)
    await item.getByLabel('回の名前').fill('事後')
    await item.getByLabel('結果をすぐ投影する').check()
    await item.getByRole('button', { name: '回答を始める' }).click()
    await expect.poll(() => phone.page.getByTestId('survey-state').textContent(), { timeout: 10_000 }).toContain('事後の回答を受け付けています')
    await answerAll('事後', [2, 2, 2, 1, 2])
    // both rounds shown: the board compares them (both labels in the chart)
    await expect.poll(async () => {
      const text = (await board.page.getByTestId('board-question').first().textContent()) ?? ''
      return text.includes('事前') && text.includes('事後')
    }, { timeout: 10_000 }).toBe(true)
    // every 事後 answer counted on the board (前例主義 now 4 of 5)
    await expect.poll(() => board.page.getByTestId('board-turnout').textContent(), { timeout: 10_000 }).toMatch(/5 \/ \d+ 台が回答/)
    await expect.poll(() => board.page.getByTestId('board-question').first().textContent(), { timeout: 10_000 }).toContain('4人 80%')
    await shoot('board-change-1920x1080', board.page)
    await shoot('console-1366x900', fac.page)
    await shoot('phone-390x844', phone.page)
    for (const c of room.contexts) expect(c.errors).toEqual([])
  })
})
