import { expect, vi } from 'vitest'
import fs from 'node:fs'
import type { BrowserContext, Download, Locator, Page } from 'playwright-core'
import { waitFor } from '../helpers/wait.ts'

/**
 * Page objects, one per person in the room. They find things by role and label, as a person
 * (or a screen reader) would, so a test reads as what someone does.
 */

/** The kiosk's links carry its LAN address; tests reach it on loopback. */
export function onKiosk(kioskUrl: string, link: string): string {
  const u = new URL(link)
  return `${kioskUrl}${u.pathname}${u.search}`
}

export class PhonePage {
  constructor(readonly page: Page) {}

  static async open(ctx: BrowserContext, url: string): Promise<PhonePage> {
    const page = await ctx.newPage()
    await page.goto(url)
    return new PhonePage(page)
  }

  get noteBox(): Locator {
    return this.page.getByLabel(/^(あなたの意見|Your note)$/)
  }

  get postButton(): Locator {
    return this.page.getByRole('button', { name: /^(送信|Post)$/ })
  }

  /** Wait until the phone is connected to the kiosk. */
  async connected(): Promise<void> {
    await waitFor(async () => expect(await this.page.getByTestId('connection').textContent()).toMatch(/接続中|Connected/), { timeout: 10_000 })
  }

  async write(text: string): Promise<void> {
    await this.noteBox.fill(text)
  }

  async post(text: string): Promise<void> {
    await this.write(text)
    await this.postButton.click()
  }

  /** The states of this phone's notes, by text: queued, sending, sent or refused. */
  async myNotes(): Promise<Array<{ text: string; state: string }>> {
    return this.page.locator('li[data-post-id]').evaluateAll((items) =>
      items.map((li) => ({ text: li.querySelector('[data-testid="post-text"]')?.textContent ?? li.textContent ?? '', state: li.getAttribute('data-state') ?? '' })),
    )
  }

  async stateOf(text: string): Promise<string | undefined> {
    return (await this.myNotes()).find((n) => n.text.includes(text))?.state
  }

  // ---- facilitation (issue 3): prompt, phase, countdown, dot voting ----

  async prompt(): Promise<string> {
    return ((await this.page.getByTestId('prompt').textContent()) ?? '').trim()
  }

  async phase(): Promise<string | null> {
    return this.page.getByTestId('phase').getAttribute('data-phase')
  }

  /** The one line that says what state the room is in (issue 14). */
  async statusLine(): Promise<string> {
    return ((await this.page.getByTestId('phase').textContent()) ?? '').replace(/\s+/g, '').trim()
  }

  /** The voting screen, shown while a vote is open. */
  get ballot(): Locator {
    return this.page.getByRole('region', { name: /^(投票|Vote)$/ })
  }

  ballotNote(text: string): Locator {
    return this.page.locator('li[data-ballot-note-id]').filter({ hasText: text })
  }

  async addDot(text: string): Promise<void> {
    await this.ballotNote(text).getByRole('button', { name: /1票入れる|Add a dot/ }).click()
  }

  async removeDot(text: string): Promise<void> {
    await this.ballotNote(text).getByRole('button', { name: /1票取り消す|Take a dot back/ }).click()
  }

  /** This phone's dots on a note, as the kiosk last answered. */
  async dotsOn(text: string): Promise<number> {
    return Number(await this.ballotNote(text).getAttribute('data-mine'))
  }

  async dotsLeft(): Promise<number> {
    return Number(await this.page.getByTestId('dots-left').getAttribute('data-remaining'))
  }

  /** Why the last dot was refused, in words ('' when it was not). */
  async voteNotice(): Promise<string> {
    return ((await this.page.getByTestId('vote-notice').textContent()) ?? '').trim()
  }
}

export class BoardPage {
  constructor(readonly page: Page) {}

  static async open(ctx: BrowserContext, url: string): Promise<BoardPage> {
    const page = await ctx.newPage()
    await page.goto(url)
    return new BoardPage(page)
  }

  get noteList(): Locator {
    return this.page.getByRole('list', { name: /付箋|Notes/ })
  }

  /** The texts of the notes on the board, in order. */
  async notes(): Promise<string[]> {
    return this.page.locator('li[data-note-id]').evaluateAll((items) => items.map((li) => (li.textContent ?? '').trim()))
  }

  async phoneCount(): Promise<number> {
    return Number(await this.page.getByTestId('phone-count').getAttribute('data-count'))
  }

  async joinUrl(): Promise<string> {
    return ((await this.page.getByTestId('join-url').textContent()) ?? '').trim()
  }

  // ---- facilitation (issue 3): groups, votes, spotlight, timer, phase ----

  /** The notes' own texts in board order (without dots or ranks). */
  async noteTexts(): Promise<string[]> {
    return this.page.locator('li[data-note-id] [data-testid="note-text"]').evaluateAll((ps) => ps.map((p) => (p.textContent ?? '').trim()))
  }

  /** Notes by the heading of the area they sit in ("親 › 子", or the ungrouped area's name). */
  async areas(): Promise<Record<string, string[]>> {
    return this.page.locator('li[data-note-id]').evaluateAll((items) => {
      const out: Record<string, string[]> = {}
      for (const li of items) {
        const head = li.getAttribute('aria-describedby')
        const name = head ? (document.getElementById(head)?.querySelector('[data-testid="area-name"]')?.textContent ?? '') : ''
        const text = li.querySelector('[data-testid="note-text"]')?.textContent ?? ''
        ;(out[name.trim()] ??= []).push(text.trim())
      }
      return out
    })
  }

  /** The results view, in its order: most dots first. */
  async results(): Promise<Array<{ text: string; votes: number; rank: number }>> {
    return this.page.locator('[data-testid="results"] li[data-note-id]').evaluateAll((items) =>
      items.map((li) => ({
        text: (li.querySelector('[data-testid="note-text"]')?.textContent ?? '').trim(),
        votes: Number(li.getAttribute('data-votes')),
        rank: Number(li.getAttribute('data-rank')),
      })),
    )
  }

  /** What is shown large over the board (empty when nothing is). */
  async spotlight(): Promise<string[]> {
    return this.page
      .getByRole('region', { name: /大きく表示|Spotlight/ })
      .locator('[data-testid="spotlight-text"]')
      .evaluateAll((ps) => ps.map((p) => (p.textContent ?? '').trim()))
  }

  async phase(): Promise<string | null> {
    return this.page.getByTestId('board-phase').getAttribute('data-phase')
  }

  /** What the join column invites the room to do (or says instead). */
  async invitation(): Promise<string> {
    return ((await this.page.getByTestId('join-heading').textContent()) ?? '').trim()
  }

  /** The board's state words under the heading: posting, face down, the vote. */
  async stateChips(): Promise<string[]> {
    return (await this.page.getByTestId('board-state').locator('.chip').allTextContents()).map((c) => c.trim())
  }

  // ---- the record (issue 4): picture and print ----

  /** Save the wall as a PNG from the board's own (normally invisible) button, with the keyboard. */
  async savePng(): Promise<{ name: string; bytes: Buffer }> {
    const button = this.page.getByRole('button', { name: /画像（PNG）で保存|Save as PNG/ })
    await button.focus()
    const [download] = await Promise.all([this.page.waitForEvent('download'), button.press('Enter')])
    return downloaded(download)
  }
}

export class FacilitatorPage {
  constructor(readonly page: Page) {}

  static async open(ctx: BrowserContext, url: string): Promise<FacilitatorPage> {
    const page = await ctx.newPage()
    await page.goto(url)
    return new FacilitatorPage(page)
  }

  /** Create a session from the console's form; returns its id once its page is open. */
  async createSession(title: string, prompt: string): Promise<string> {
    await this.page.getByLabel(/^(タイトル|Title)$/).fill(title)
    await this.page.getByLabel(/問い|Prompt/).first().fill(prompt)
    await this.page.getByRole('button', { name: /^(作成|Create)$/ }).click()
    await this.page.waitForURL(/\/f\/[a-z2-9]{10}$/)
    return new URL(this.page.url()).pathname.split('/')[2]!
  }

  noteItem(text: string): Locator {
    return this.page.locator('li[data-note-id]').filter({ hasText: text })
  }

  async moderate(text: string, action: RegExp): Promise<void> {
    await this.noteItem(text).getByRole('button', { name: action }).click()
  }

  // ---- facilitation (issue 3) ----

  async openTab(name: RegExp): Promise<void> {
    await this.page.getByRole('tab', { name }).click()
  }

  async setPhase(name: RegExp): Promise<void> {
    await this.page.getByRole('navigation', { name: /進行|Facilitation/ }).getByRole('button', { name }).click()
  }

  /** The top bar's word for posting: open, closed, or the session ended. */
  async postingState(): Promise<string> {
    return ((await this.page.getByTestId('posting-state').textContent()) ?? '').trim()
  }

  /** The top bar's word for the vote, with its turnout. */
  async voteState(): Promise<string> {
    return ((await this.page.getByTestId('vote-state').textContent()) ?? '').trim()
  }

  async preModeration(): Promise<void> {
    await this.page.getByRole('radio', { name: /承認してから表示する|Approve before showing/ }).check()
  }

  /** The notes waiting for approval, by text. */
  async queue(): Promise<string[]> {
    return this.page.getByTestId('queue').locator('li[data-note-id] .text').allTextContents()
  }

  async approve(text: string): Promise<void> {
    await this.moderate(text, /^(承認|Approve)$/)
  }

  async createGroup(name: string): Promise<void> {
    await this.openTab(/まとめる|Group/)
    await this.page.getByLabel(/新しいグループの名前|New group name/).fill(name)
    await this.page.getByRole('button', { name: /^(グループを作る|Create group)$/ }).click()
    await this.page.locator('[data-group-name]').filter({ has: this.page.getByRole('heading', { name }) }).first().waitFor()
  }

  groupNote(text: string): Locator {
    return this.page.locator('li[data-group-note-id]').filter({ hasText: text })
  }

  /** Without dragging: the note's "Move to group" select, then its Move button from the keyboard. */
  async moveToGroup(text: string, group: string | null): Promise<void> {
    const note = this.groupNote(text)
    await note.getByRole('combobox', { name: /グループへ移動|Move to group/ }).selectOption({ label: group ?? 'グループなし' })
    await note.getByRole('button', { name: /^(移動|Move)$/ }).press('Enter')
  }

  /** Without dragging: a group's "Put inside" select and button. */
  async nestGroup(name: string, inside: string | null): Promise<void> {
    const box = this.page.locator(`[data-group-name="${name}"]`).first()
    await box.getByRole('combobox', { name: /ほかのグループの中へ|Put this group inside/ }).first().selectOption(inside === null ? { index: 0 } : { label: inside })
    await box.getByRole('button', { name: /^(そこへ移す|Move it there)$/ }).first().press('Enter')
  }

  /** With a mouse: drag a group (by its heading) onto another group, moving in steps as a hand does. */
  async dragGroup(name: string, onto: string): Promise<void> {
    const from = this.page.locator(`[data-group-name="${name}"]`).first().getByRole('heading', { name }).first()
    const box = this.page.locator(`[data-group-name="${onto}"]`).first()
    const to = box.getByRole('heading', { name: onto })
    // Both in view: the heading just under the sticky bar, the target below it.
    await from.evaluate((el) => window.scrollBy(0, el.getBoundingClientRect().top - 120))
    const a = (await from.boundingBox())!
    const b = (await to.boundingBox())!
    const at = { x: b.x + Math.min(40, b.width / 2), y: b.y + b.height / 2 }
    await this.page.mouse.move(a.x + Math.min(30, a.width / 2), a.y + a.height / 2)
    await this.page.mouse.down()
    await this.page.mouse.move(at.x, at.y, { steps: 8 })
    // The browser sends dragover as the pointer moves: keep it moving a little until the group
    // lights up as the place to drop, then let go.
    await waitFor(async () => {
      await this.page.mouse.move(at.x + Math.random() * 4, at.y + Math.random() * 2)
      expect(await box.evaluate((el) => el.classList.contains('over'))).toBe(true)
    })
    await this.page.mouse.up()
  }

  /** What the grouping view's live region last said. */
  async groupingStatus(): Promise<string> {
    return ((await this.page.getByTestId('grouping-status').textContent()) ?? '').trim()
  }

  async openVote(opts: { perPhone: number; maxPerNote: number; showLive?: boolean }): Promise<void> {
    await this.openTab(/^(投票|Vote)$/)
    await this.page.getByLabel(/1人あたりの票数|Dots per phone/).fill(String(opts.perPhone))
    await this.page.getByLabel(/1枚に入れられる上限|Most dots on one note/).fill(String(opts.maxPerNote))
    await this.page.getByLabel(/途中経過をボードに表示する|Show counts on the board/).setChecked(opts.showLive === true)
    await this.page.getByRole('button', { name: /^(投票を始める|Start the vote)$/ }).click()
    await this.page.getByTestId('vote-open').waitFor()
  }

  async closeVote(): Promise<void> {
    await this.page.getByRole('button', { name: /^(投票を締め切る|Close the vote)$/ }).click()
  }

  /** Dots placed so far, as the console shows them. */
  async voteTotal(): Promise<number> {
    return Number(await this.page.getByTestId('vote-total').getAttribute('data-total'))
  }

  /** The console's results list, most dots first. */
  async results(): Promise<Array<{ text: string; votes: number }>> {
    return this.page.locator('li[data-result-note-id]').evaluateAll((items) =>
      items.map((li) => ({ text: (li.querySelector('.text')?.textContent ?? '').trim(), votes: Number(li.getAttribute('data-votes')) })),
    )
  }

  /** Spotlight a note from whichever list shows it (notes, grouping or results). */
  async spotlight(text: string): Promise<void> {
    await this.page
      .locator('li[data-note-id], li[data-group-note-id], li[data-result-note-id]')
      .filter({ hasText: text })
      .getByRole('button', { name: /大きく映す|Spotlight/ })
      .click()
  }

  async spotlightOff(): Promise<void> {
    await this.page.getByRole('button', { name: /大きく映すのをやめる|Stop spotlight/ }).click()
  }

  // ---- the record and the archive (issue 4) ----

  get exportCard(): Locator {
    return this.page.getByRole('region', { name: /記録の書き出し|Export the record/ })
  }

  /** Press one of the export card's buttons (JSON, Markdown, CSV) and take the file it saves. */
  async exportRecord(format: RegExp, opts: { includeHidden?: boolean; lang?: 'ja' | 'en' } = {}): Promise<{ name: string; bytes: Buffer }> {
    const card = this.exportCard
    await card.getByRole('checkbox', { name: /非表示・承認待ちの付箋も含める|Include hidden/ }).setChecked(opts.includeHidden === true)
    if (opts.lang) await card.getByRole('radio', { name: opts.lang === 'ja' ? /^(日本語|Japanese)/ : /English/ }).check()
    const [download] = await Promise.all([this.page.waitForEvent('download'), card.getByRole('button', { name: format }).click()])
    return downloaded(download)
  }

  /** The question asked before closing or deleting. */
  dialog(name: RegExp | string): Locator {
    return this.page.getByRole('dialog', { name })
  }

  /** Close the session from its page, answering the question; resolves once the page says it is closed. */
  async closeSession(): Promise<void> {
    await this.page.getByRole('button', { name: /^(セッションを終了する|Close the session)$/ }).click()
    await this.dialog(/を終了しますか|^Close “/).getByRole('button', { name: /^(終了する|Close it)$/ }).click()
    await this.closedBanner.waitFor()
  }

  async reopenSession(): Promise<void> {
    await this.page.getByTestId('close-card').getByRole('button', { name: /^(再開する|Reopen)$/ }).click()
  }

  get closedBanner(): Locator {
    return this.page.getByTestId('closed-banner').filter({ hasText: /終了|closed/ })
  }

  /** The paths of the record files the kiosk wrote, as the page shows them. */
  async recordFiles(): Promise<string[]> {
    return (await this.page.getByTestId('record-file').allTextContents()).map((f) => f.trim())
  }

  /** A session in the archive list, by its title. */
  sessionCard(title: string): Locator {
    return this.page.locator('li[data-session-id]').filter({ has: this.page.getByRole('heading', { name: title }) })
  }

  /** Delete from the archive list: the button, then "削除する" in the question that names the session. */
  async deleteSession(title: string): Promise<void> {
    await this.sessionCard(title).getByRole('button', { name: /^(削除|Delete)$/ }).click()
    await this.dialog(new RegExp(title)).getByRole('button', { name: /^(削除する|Yes, delete)$/ }).click()
  }

  /** Import a record file from the home page; the console opens the new session. */
  async importRecord(file: string): Promise<void> {
    await this.page.getByLabel(/記録ファイル（JSON）|Record file \(JSON\)/).setInputFiles(file)
  }
}

async function downloaded(download: Download): Promise<{ name: string; bytes: Buffer }> {
  const file = await download.path()
  return { name: download.suggestedFilename(), bytes: fs.readFileSync(file) }
}
