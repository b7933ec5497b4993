import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { io, type Socket } from 'socket.io-client'
import { HAS_BROWSER, SCREENS, useRoom } from './browser.ts'
import { BoardPage, FacilitatorPage, onKiosk, PhonePage } from './pages.ts'

/**
 * The day this product was made for, end to end, as a new facilitator runs it from the console:
 * an agenda prepared ahead (a 5-question survey, a note round, questions to the speaker), the
 * survey run as 事前 with its results hidden until revealed, the note round, the questions, the
 * same survey again as 事後, and the projector showing what changed. Five phones: one a real
 * browser answering through its form, four over Socket.io. Every step leaves a screenshot of the
 * three screens (phone 390×844, console 1280×800, board 1920×1080), in Japanese.
 */
const SURVEY = {
  title: 'DXについてのアンケート',
  questions: [
    { kind: 'choice', text: 'DXが進まないと感じる一番の要因は', options: '人材・スキルの不足\n予算の不足\n前例主義\n庁内の理解' },
    { kind: 'multi', text: 'ふだん使っている道具', options: 'チャット\nクラウドストレージ\n紙の回覧' },
    { kind: 'scale', text: 'DXは自分の仕事に関係がある' },
    { kind: 'text', text: 'DXと聞いて思い浮かぶこと' },
    { kind: 'choice', text: '今日の研修に期待すること', options: '事例を知りたい\n仲間を作りたい\n特にない' },
  ],
} as const

describe.skipIf(!HAS_BROWSER)('the workshop day: 事前 survey, notes, questions, 事後 survey', () => {
  const room = useRoom()
  const sockets: Socket[] = []
  afterAll(() => {
    for (const s of sockets) s.close()
  })
  const ctx = room.person
  const shoot = async (step: string, pages: Record<string, Page>) => {
    for (const [who, page] of Object.entries(pages)) {
      await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))))
      await page.screenshot({ path: path.join(SCREENS, `day-${step}-${who}-ja.png`) })
    }
  }

  it('runs the agenda and the board shows what changed between 事前 and 事後', { timeout: 300_000 }, async () => {
    const fac = await FacilitatorPage.open(await ctx('console'), `${room.kiosk.url}/f?token=${room.kiosk.token}`)
    const id = await fac.createSession('DX推進ワークショップ', '窓口業務で困っていること')
    const list = (await (await fetch(`${room.kiosk.url}/api/sessions`, { headers: { authorization: `Bearer ${room.kiosk.token}` } })).json()) as Array<{ id: string; boardUrl: string; joinUrl: string }>
    const links = list.find((s) => s.id === id)!

    // ---- the agenda, prepared ahead: the survey first, then the note round, then questions
    await fac.openTab(/^進行表/)
    await fac.page.getByRole('button', { name: 'アンケート・投票を加える' }).click()
    await fac.page.getByLabel('アンケートの題名').fill(SURVEY.title)
    for (const [i, q] of SURVEY.questions.entries()) {
      if (i > 0) await fac.page.getByRole('button', { name: '設問を加える' }).click()
      await fac.page.locator(`#q-kind-${i}`).selectOption(q.kind)
      await fac.page.locator(`#q-text-${i}`).fill(q.text)
      if ('options' in q) await fac.page.locator(`#q-options-${i}`).fill(q.options)
    }
    await fac.page.getByRole('button', { name: 'アンケートを作る' }).click()
    const survey = fac.page.locator('li[data-activity-id^="survey:"]')
    await expect.poll(() => survey.count(), { timeout: 10_000 }).toBe(1)
    const surveyId = (await survey.getAttribute('data-activity-id'))!.slice('survey:'.length)
    await survey.getByRole('button', { name: /を上へ/ }).click()
    await fac.page.getByRole('button', { name: '質問の受付を加える' }).click()
    await fac.page.getByLabel('質問の時間の題名').fill('講師への質問')
    await fac.page.getByRole('button', { name: '加える', exact: true }).click()
    const agenda = () => fac.page.getByTestId('agenda').locator('li .text').allTextContents()
    await expect.poll(agenda, { timeout: 10_000 }).toEqual([
      expect.stringContaining(SURVEY.title),
      expect.stringContaining('窓口業務で困っていること'),
      expect.stringContaining('講師への質問'),
    ])

    // ---- 事前: the survey on every screen, its results hidden until the facilitator shows them
    await survey.getByRole('button', { name: 'これを表示' }).click()
    await survey.getByRole('button', { name: '回答を始める' }).click()
    const board = await BoardPage.open(await ctx('board'), onKiosk(room.kiosk.url, links.boardUrl))
    const phone = await PhonePage.open(await ctx('phone'), onKiosk(room.kiosk.url, links.joinUrl))
    await phone.connected()
    const crowd: Socket[] = []
    for (let i = 0; i < 4; i++) {
      const s = io(room.kiosk.url, { auth: { session: id, deviceId: `day-phone-${i}` }, transports: ['websocket'], reconnection: false, forceNew: true })
      sockets.push(s)
      crowd.push(s)
      await new Promise((r) => s.once('connect', () => r(undefined)))
    }
    await expect.poll(() => board.invitation(), { timeout: 10_000 }).toBe('スマホで回答')
    expect(await board.stateChips()).toEqual(['事前：回答受付中'])
    await expect.poll(() => phone.page.getByTestId('survey-state').textContent(), { timeout: 10_000 }).toContain('事前の回答を受け付けています')
    expect(await phone.page.locator('footer').textContent()).toContain('回答は匿名で集計されます')
    expect(await fac.page.getByTestId('activity-state').textContent()).toBe(`アンケート「${SURVEY.title}」：事前の回答受付中`)

    // the real phone answers every question through its form, one question a screen
    const form = phone.page.getByTestId('survey')
    await form.getByRole('radio', { name: '前例主義' }).check()
    await form.getByRole('button', { name: '次へ' }).click()
    await form.getByRole('checkbox', { name: 'チャット' }).check()
    await form.getByRole('checkbox', { name: '紙の回覧' }).check()
    await form.getByRole('button', { name: '次へ' }).click()
    await form.getByRole('radio', { name: '2', exact: true }).check()
    await form.getByRole('button', { name: '次へ' }).click()
    await form.getByRole('textbox', { name: 'あなたの回答' }).fill('ペーパーレスと電子申請')
    await form.getByRole('button', { name: '次へ' }).click()
    await form.getByRole('button', { name: 'とばして次へ' }).click()
    await expect.poll(() => form.textContent()).toContain('5問中 4問に回答しました')
    await form.getByRole('button', { name: '送信' }).click()
    await expect.poll(() => phone.page.getByTestId('survey-state').textContent(), { timeout: 10_000 }).toContain('回答を送りました')

    const answer = async (round: number, rows: unknown[][]) => {
      for (const [i, answers] of rows.entries()) {
        expect(await crowd[i]!.timeout(5_000).emitWithAck('survey:answer', { surveyId, round, answers })).toEqual({ ok: true })
      }
    }
    await answer(1, [
      [2, [0], 1, '紙の申請書', 0],
      [0, [2], 2, '前例主義をやめること', 1],
      [2, [0, 2], 1, null, 2],
      [1, [1], 3, 'ペーパーレス', 0],
    ])
    await expect.poll(() => fac.page.getByTestId('turnout').textContent(), { timeout: 10_000 }).toMatch(/事前: \d+台中 5台が回答/)
    // hidden until revealed: the board shows the turnout only, says so, and draws no chart
    await expect.poll(() => board.page.getByTestId('board-turnout').textContent(), { timeout: 10_000 }).toContain('5 / 5 台が回答')
    expect(await board.page.getByTestId('board-turnout').textContent()).toContain('結果はあとで公開します')
    expect(await board.page.getByTestId('board-question').count()).toBe(0)
    await shoot('1-before-answering', { phone: phone.page, console: fac.page, board: board.page })

    await survey.getByRole('button', { name: '回答を締め切る' }).click()
    await expect.poll(() => board.invitation(), { timeout: 10_000 }).toBe('いまは回答を受け付けていません')
    await expect.poll(() => board.page.getByTestId('board-survey').textContent()).toContain('結果はこのあと公開します')
    await survey.locator('details summary', { hasText: '事前' }).click()
    await survey.getByRole('button', { name: '結果を投影' }).click()
    await expect.poll(() => board.page.getByTestId('board-results-of').textContent(), { timeout: 10_000 }).toBe('事前の結果（5人が回答）')
    await expect.poll(() => board.page.getByTestId('board-question').first().textContent(), { timeout: 10_000 }).toContain('前例主義')
    await shoot('2-before-shown', { phone: phone.page, console: fac.page, board: board.page })

    // ---- the note round: the board and the phones turn to the prompt
    await fac.page.locator('li[data-activity-id^="notes:"]').getByRole('button', { name: 'これを表示' }).click()
    await expect.poll(() => board.invitation(), { timeout: 10_000 }).toBe('スマホで参加')
    expect(await fac.page.getByTestId('activity-state').count()).toBe(0) // a note round words itself (posting, phases)
    expect(await board.stateChips()).toContain('投稿受付中')
    await expect.poll(() => phone.prompt(), { timeout: 10_000 }).toBe('窓口業務で困っていること')
    await phone.post('紙の申請書が多すぎる')
    const notes = ['押印が残っている手続きを全部洗い出したい', '窓口の待ち時間をスマホで見えるようにしたい', '部署ごとにDXへの温度差がある']
    for (const [i, text] of notes.entries()) {
      expect(await crowd[i]!.timeout(5_000).emitWithAck('note:create', { id: `day-note-${i}`, text })).toMatchObject({ ok: true })
    }
    await expect.poll(() => board.notes(), { timeout: 10_000 }).toHaveLength(4)
    await shoot('3-notes', { phone: phone.page, console: fac.page, board: board.page })

    // ---- questions to the speaker
    await fac.page.locator('li[data-activity-id^="questions:"]').getByRole('button', { name: 'これを表示' }).click()
    await expect.poll(() => board.invitation(), { timeout: 10_000 }).toBe('スマホで質問')
    await expect.poll(() => fac.page.getByTestId('activity-state').textContent()).toBe('「講師への質問」：質問受付中')
    expect(await board.page.getByTestId('board-phase').textContent()).toContain('講演者への質問')
    expect(await crowd[0]!.timeout(5_000).emitWithAck('question:ask', { id: 'day-q-1', text: '他の自治体の事例を教えてください' })).toMatchObject({ ok: true })
    await expect.poll(() => board.page.getByTestId('question-top').textContent(), { timeout: 10_000 }).toContain('他の自治体の事例を教えてください')
    await shoot('4-questions', { phone: phone.page, console: fac.page, board: board.page })

    // ---- 事後: the same survey again, shown live, and what changed
    await fac.openTab(/^進行表/)
    await survey.getByRole('button', { name: 'これを表示' }).click()
    // after a 事前, the next round is named 事後 without typing
    expect(await survey.getByLabel('回の名前').inputValue()).toBe('事後')
    await survey.getByLabel('結果をすぐ投影する').check()
    await survey.getByRole('button', { name: '回答を始める' }).click()
    await expect.poll(() => phone.page.getByTestId('survey-state').textContent(), { timeout: 10_000 }).toContain('事後の回答を受け付けています')
    await expect.poll(() => board.stateChips(), { timeout: 10_000 }).toEqual(['事後：回答受付中'])
    await answer(2, [
      [0, [0, 1], 4, 'クラウドとチャット', 0],
      [0, [1], 5, '住民サービスの向上', 0],
      [1, [0, 1], 4, null, 1],
      [0, [0], 5, 'ペーパーレス', 0],
    ])
    // the real phone changed its mind on the first question, and skips the rest this time
    await form.getByRole('radio', { name: '人材・スキルの不足' }).check()
    for (let i = 0; i < SURVEY.questions.length; i++) await form.getByRole('button', { name: /^(次へ|とばして次へ)$/ }).click()
    await expect.poll(() => form.textContent()).toContain('5問中 1問に回答しました')
    await form.getByRole('button', { name: '送信' }).click()
    await expect.poll(() => fac.page.getByTestId('turnout').textContent(), { timeout: 10_000 }).toMatch(/事後: \d+台中 5台が回答/)
    await survey.getByRole('button', { name: '回答を締め切る' }).click()
    // both rounds shown: the first question compares them, the shift written beside the bars
    await expect.poll(() => board.page.getByTestId('board-results-of').textContent(), { timeout: 10_000 }).toBe('事前と事後の比較')
    await expect.poll(async () => {
      const text = (await board.page.getByTestId('board-question').first().textContent()) ?? ''
      return text.includes('事前') && text.includes('事後') && text.includes('ポイント')
    }, { timeout: 10_000 }).toBe(true)
    await shoot('5-after-compared', { phone: phone.page, console: fac.page, board: board.page })

    // ---- the record keeps both rounds and the change
    const md = await fac.exportRecord(/Markdown/)
    const text = md.bytes.toString('utf8')
    expect(text).toContain(SURVEY.title)
    expect(text).toContain('事前')
    expect(text).toContain('事後')
    expect(text).toContain('紙の申請書が多すぎる')
    expect(text).toContain('他の自治体の事例を教えてください')
    for (const c of room.contexts) expect(c.errors).toEqual([])
  })
})
