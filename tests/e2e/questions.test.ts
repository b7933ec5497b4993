import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import { io } from 'socket.io-client'
import { axeViolations } from './audit.ts'
import { HAS_BROWSER, SCREENS, useRoom } from './browser.ts'
import { BoardPage, FacilitatorPage, onKiosk, PhonePage } from './pages.ts'

/**
 * Questions to the speaker, as a new user would try them: the facilitator opens questions in the
 * console, five phones ask and agree, the facilitator puts the top question on the big screen,
 * marks it answered and closes questions; the board stays legible with 30 questions; the record
 * ranks them. Screenshots in Japanese at the sizes of the room go to .test-artifacts/screens/.
 */

/** A phone's questions panel. */
class PhoneQuestions {
  constructor(readonly phone: PhonePage) {}
  get page(): Page {
    return this.phone.page
  }
  async ask(text: string): Promise<void> {
    await this.page.getByLabel('質問を書く（匿名）').fill(text)
    await this.page.getByRole('button', { name: '質問する' }).click()
  }
  item(text: string): Locator {
    return this.page.getByTestId('question-list').locator('li').filter({ hasText: text })
  }
  async agree(text: string): Promise<void> {
    await this.item(text).getByRole('button', { name: /賛同/ }).click()
  }
  async votes(text: string): Promise<number> {
    return Number(await this.item(text).getByTestId('question-votes').textContent())
  }
  async state(): Promise<string> {
    return ((await this.page.getByTestId('questions-state').textContent()) ?? '').trim()
  }
  async mine(): Promise<string[]> {
    return this.page.getByTestId('my-questions').locator('li').allInnerTexts()
  }
}

/** The console's questions tab. */
class ConsoleQuestions {
  constructor(readonly fac: FacilitatorPage) {}
  get page(): Page {
    return this.fac.page
  }
  async open(): Promise<void> {
    await this.fac.openTab(/^質問/)
  }
  async mode(name: '締め切り' | '受付中' | '承認制'): Promise<void> {
    await this.page.getByRole('group', { name: '質問の受け付け' }).getByRole('radio', { name }).check()
  }
  item(text: string): Locator {
    return this.page.locator('li[data-question-id]').filter({ hasText: text })
  }
  async act(text: string, action: RegExp): Promise<void> {
    await this.item(text).getByRole('button', { name: action }).click()
  }
  async openOrder(): Promise<string[]> {
    return this.page.getByTestId('console-question-open').locator('li .text').allInnerTexts()
  }
  async answered(): Promise<string[]> {
    const list = this.page.getByTestId('console-question-answered')
    return (await list.count()) ? list.locator('li .text').allInnerTexts() : []
  }
}

/** The board's question wall. */
class BoardQuestions {
  constructor(readonly board: BoardPage) {}
  get page(): Page {
    return this.board.page
  }
  async state(): Promise<string> {
    return ((await this.page.getByTestId('question-state').textContent()) ?? '').trim()
  }
  async now(): Promise<string> {
    const now = this.page.getByTestId('question-now')
    return (await now.count()) ? ((await now.textContent()) ?? '').replace(/\s+/g, '') : ''
  }
  async top(): Promise<Array<{ text: string; votes: number }>> {
    return this.page.getByTestId('question-top').locator('li').evaluateAll((items) =>
      items.map((li) => ({ text: li.querySelector('.text')?.textContent ?? '', votes: Number((li.querySelector('.votes')?.textContent ?? '').replace(/\D/g, '')) })),
    )
  }
  /** The smallest font size of any question text on the wall, in CSS px. */
  async smallestText(): Promise<number> {
    return this.page
      .getByTestId('question-wall')
      .locator('.text, .now-text')
      .evaluateAll((els) => Math.min(...els.map((e) => parseFloat(getComputedStyle(e).fontSize))))
  }
}

describe.skipIf(!HAS_BROWSER)('questions to the speaker in real browsers', () => {
  const room = useRoom()

  const shoot = async (name: string, page: Page, fullPage = false) => {
    await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))))
    await page.screenshot({ path: path.join(SCREENS, `questions-${name}.png`), fullPage })
  }

  it('opens questions, phones ask and agree, the top one goes on the screen, is answered, and questions close', { timeout: 180_000 }, async () => {
    const ctx = room.person
    const fac = await FacilitatorPage.open(await ctx('console'), `${room.kiosk.url}/f?token=${room.kiosk.token}`)
    await fac.page.setViewportSize({ width: 1366, height: 768 })
    const id = await fac.createSession('DX推進 講演会', '講演への感想をどうぞ')
    const list = (await (await fetch(`${room.kiosk.url}/api/sessions`, { headers: { authorization: `Bearer ${room.kiosk.token}` } })).json()) as Array<{ id: string; boardUrl: string; joinUrl: string }>
    const links = list.find((s) => s.id === id)!
    const console_ = new ConsoleQuestions(fac)
    await console_.open()
    await console_.mode('受付中')
    await expect.poll(() => fac.page.getByTestId('console-questions-state').textContent()).toMatch(/すぐに参加者の一覧/)

    const board = new BoardQuestions(await BoardPage.open(await ctx('board'), onKiosk(room.kiosk.url, links.boardUrl)))
    await expect.poll(() => board.state(), { timeout: 10_000 }).toBe('質問受付中')
    const phones: PhoneQuestions[] = []
    for (let i = 0; i < 5; i++) {
      const p = await PhonePage.open(await ctx('phone'), onKiosk(room.kiosk.url, links.joinUrl))
      await p.connected()
      phones.push(new PhoneQuestions(p))
    }
    expect(await phones[0]!.state()).toBe('受付中：質問と賛同ができます')

    const cost = '費用対効果をどう評価するべきでしょうか'
    const elderly = '高齢者のデジタル活用をどう考えればよいですか'
    const staff = '職員の研修時間はどう確保していますか'
    await phones[0]!.ask(cost)
    await phones[1]!.ask(elderly)
    await phones[2]!.ask(staff)
    for (const p of phones) await expect.poll(() => p.item(staff).count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => phones[0]!.mine()).toEqual([expect.stringContaining('一覧に掲載中')])

    // The room agrees: four with the cost question, two with the elderly one, one with staff.
    for (const p of phones.slice(0, 4)) await p.agree(cost)
    for (const p of phones.slice(3, 5)) await p.agree(elderly)
    await phones[4]!.agree(staff)
    // A second tap takes the agreement back, a third gives it again: still counted once.
    await phones[4]!.agree(staff)
    await expect.poll(() => phones[4]!.votes(staff)).toBe(0)
    await phones[4]!.agree(staff)
    await expect.poll(() => phones[4]!.votes(staff)).toBe(1)
    await expect.poll(() => phones[0]!.votes(cost), { timeout: 10_000 }).toBe(4)
    await expect.poll(() => board.top(), { timeout: 10_000 }).toEqual([
      { text: cost, votes: 4 },
      { text: elderly, votes: 2 },
      { text: staff, votes: 1 },
    ])
    await expect.poll(() => console_.openOrder()).toEqual([cost, elderly, staff])

    // The facilitator puts the top question on the big screen.
    await console_.act(cost, /^大きく表示$/)
    await expect.poll(() => board.now(), { timeout: 10_000 }).toContain(cost)
    await expect.poll(() => phones[2]!.page.getByTestId('question-now').textContent()).toContain(cost)
    await shoot('phone-390x844', phones[3]!.page)
    await shoot('phone-390-full', phones[0]!.page, true)
    await shoot('console-1366x768', fac.page)
    await shoot('board-1920x1080', board.page)
    // The board speaks of the questions, not of a note round: no note prompt, no "posting open".
    expect(await board.page.getByTestId('board-phase').textContent()).toContain('進行：講演者への質問')
    expect(await board.board.stateChips()).toEqual([])
    expect(await board.board.invitation()).toBe('スマホで質問')
    expect(await board.page.locator('.head .prompt').count()).toBe(0)
    expect(await board.page.getByTestId('note-count').count()).toBe(0)
    // WCAG 2.2 A/AA on the three screens as they are now (axe-core)
    for (const page of [phones[3]!.page, fac.page, board.page]) expect(await axeViolations(page)).toEqual([])

    // Answered: off the big screen, into the answered list; the asker's phone says so.
    await console_.act(cost, /回答済みにする/)
    await expect.poll(() => board.now(), { timeout: 10_000 }).toBe('')
    await expect.poll(() => console_.answered()).toEqual([cost])
    await expect.poll(() => phones[0]!.mine(), { timeout: 10_000 }).toEqual([expect.stringContaining('回答済み')])
    await expect.poll(() => phones[1]!.item(cost).getByTestId('question-answered').count()).toBe(1)
    expect((await board.top()).map((q) => q.text)).toEqual([elderly, staff])
    await shoot('console-answered-1366x768', fac.page)

    // Closed: phones can no longer ask, and every screen says so in words.
    await console_.mode('締め切り')
    await expect.poll(() => board.state(), { timeout: 10_000 }).toBe('質問は締め切りました')
    await expect.poll(() => phones[0]!.state()).toBe('締め切り：いまは質問を受け付けていません')
    expect(await phones[0]!.page.getByLabel('質問を書く（匿名）').count()).toBe(0)
    await shoot('phone-closed-390x844', phones[0]!.page)

    // The record ranks them, the answered one marked.
    const md = await (await fetch(`${room.kiosk.url}/api/sessions/${id}/export?format=md`, { headers: { authorization: `Bearer ${room.kiosk.token}` } })).text()
    expect(md).toContain(`- 1位：${cost}（賛同4） ✓ 回答済み`)
    expect(md).toContain(`- 2位：${elderly}（賛同2）`)
    expect(md).toContain(`- 3位：${staff}（賛同1）`)
    for (const c of room.contexts) expect(c.errors).toEqual([])
  })

  it('keeps every question on the board legible with 30 of them, the top ones first', { timeout: 120_000 }, async () => {
    const res = await fetch(`${room.kiosk.url}/api/sessions`, { method: 'POST', headers: { authorization: `Bearer ${room.kiosk.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ title: '30問の講演会' }) })
    const links = (await res.json()) as { id: string; boardUrl: string }
    const fac = io(room.kiosk.url, { auth: { session: links.id, token: room.kiosk.token }, transports: ['websocket'], forceNew: true })
    try {
      await fac.emitWithAck('session:update', { questions: 'open', questionsOnBoard: true })
      const lengths = [12, 25, 40, 60, 90, 140]
      const ids: string[] = []
      for (let i = 0; i < 30; i++) {
        const base = `質問${i + 1}：住民サービスのデジタル化で、窓口の職員と住民の双方にとって本当に使いやすい仕組みとは何でしょうか。`
        const text = base.repeat(3).slice(0, lengths[i % lengths.length])
        const ack = (await fac.emitWithAck('question:ask', { id: `q-${i}`, text })) as { ok: boolean; questionId: string }
        expect(ack.ok).toBe(true)
        ids.push(ack.questionId)
      }
      // counts from 30 phones (sockets of the test's own), so the ranking is visible
      const voters = await Promise.all(Array.from({ length: 30 }, (_, i) => io(room.kiosk.url, { auth: { session: links.id, deviceId: `voter-${i}` }, transports: ['websocket'], forceNew: true })))
      try {
        await Promise.all(voters.flatMap((v, i) => ids.slice(0, 30 - i).filter((_, j) => j % 3 === i % 3).map((questionId) => v.emitWithAck('question:upvote', { questionId, on: true }))))
      } finally {
        for (const v of voters) v.close()
      }
      await fac.emitWithAck('question:moderate', { questionId: ids[5], action: 'highlight' })
      const ctx = await room.person('board')
      const board = new BoardQuestions(await BoardPage.open(ctx, onKiosk(room.kiosk.url, links.boardUrl)))
      await expect.poll(() => board.now(), { timeout: 10_000 }).toContain('質問6')
      await expect.poll(async () => (await board.top()).length, { timeout: 10_000 }).toBeGreaterThan(0)
      // let the fitting settle (it tries a few sizes), then check the floor and the order
      await expect.poll(() => board.page.getByTestId('question-top').getAttribute('data-step')).not.toBeNull()
      await board.page.waitForTimeout(500)
      expect(await board.smallestText()).toBeGreaterThanOrEqual(20)
      const top = await board.top()
      const votes = top.map((q) => q.votes)
      expect(votes).toEqual([...votes].sort((a, b) => b - a))
      // what does not fit is on further pages, and the board says which places are on screen
      const pages = board.page.getByTestId('question-pages')
      if (top.length < 29) {
        expect(await pages.getAttribute('data-from')).toBe('1')
        expect(await pages.getAttribute('data-to')).toBe(String(top.length))
        expect(await pages.getAttribute('data-total')).toBe('29')
        expect(await pages.textContent()).toContain(`1〜${top.length}番目を表示中`)
      } else expect(await pages.count()).toBe(0)
      // nothing on the wall is cut off: every shown question lies inside the list
      const clipped = await board.page.getByTestId('question-top').evaluate((ol) => {
        const box = ol.getBoundingClientRect()
        return [...ol.children].filter((li) => {
          const r = li.getBoundingClientRect()
          return r.bottom > box.bottom + 1 || r.right > box.right + 1
        }).length
      })
      expect(clipped).toBe(0)
      await board.page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))))
      await board.page.screenshot({ path: path.join(SCREENS, 'questions-board-30-1920x1080.png') })
      if (top.length < 29) {
        // the next page comes by itself after 20 s, starting where the first ended
        await expect.poll(() => pages.getAttribute('data-from'), { timeout: 30_000, interval: 500 }).toBe(String(top.length + 1))
        expect(await board.smallestText()).toBeGreaterThanOrEqual(20)
        await board.page.screenshot({ path: path.join(SCREENS, 'questions-board-30-page2-1920x1080.png') })
      }
      expect(ctx.errors).toEqual([])
    } finally {
      fac.close()
    }
  })

  it('keeps a question asked offline and sends it once when the phone is back', { timeout: 90_000 }, async () => {
    const links = await room.kiosk.createSession('電波の弱い会場')
    const fac = io(room.kiosk.url, { auth: { session: links.id, token: room.kiosk.token }, transports: ['websocket'], forceNew: true })
    try {
      await fac.emitWithAck('session:update', { questions: 'open' })
      const ctx = await room.person('phone')
      const phone = new PhoneQuestions(await PhonePage.open(ctx, onKiosk(room.kiosk.url, links.joinUrl)))
      await phone.phone.connected()
      await expect.poll(() => phone.state()).toBe('受付中：質問と賛同ができます')
      await ctx.setOffline(true)
      await phone.ask('電波がないときの質問')
      const mine = phone.page.getByTestId('my-questions').locator('li')
      await expect.poll(() => mine.first().getAttribute('data-state')).toMatch(/queued|sending/)
      // a reload while offline keeps it (it lives in local storage)
      await ctx.setOffline(false)
      await phone.page.reload()
      await expect.poll(() => mine.first().getAttribute('data-status'), { timeout: 20_000 }).toBe('visible')
      expect(await mine.first().innerText()).toContain('一覧に掲載中')
      await expect.poll(() => phone.item('電波がないときの質問').count(), { timeout: 10_000 }).toBe(1)
      const record = (await (await fetch(`${room.kiosk.url}/api/sessions/${links.id}/export?format=json&includeHidden=true`, { headers: { authorization: `Bearer ${room.kiosk.token}` } })).json()) as { questions: Array<{ text: string }> }
      expect(record.questions.map((q) => q.text)).toEqual(['電波がないときの質問'])
    } finally {
      fac.close()
    }
  })
})
