import { expect, vi } from 'vitest'
import type { BrowserContext, Locator, Page } from 'playwright-core'

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
    return this.page.getByLabel(/あなたの意見|Your note/)
  }

  get postButton(): Locator {
    return this.page.getByRole('button', { name: /^(送信|Post)$/ })
  }

  /** Wait until the phone is connected to the kiosk. */
  async connected(): Promise<void> {
    await vi.waitFor(async () => expect(await this.page.getByTestId('connection').textContent()).toMatch(/接続中|Connected/), { timeout: 10_000 })
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
}
