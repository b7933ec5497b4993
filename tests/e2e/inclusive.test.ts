import { describe, expect, it } from 'vitest'
import type { CDPSession, Page } from 'playwright-core'
import { emitAck, ROOMY_LIMITS, useKiosk } from '../helpers/kiosk.ts'
import { screenshot } from './audit.ts'
import { HAS_BROWSER, personContext, useBrowser } from './browser.ts'
import { BoardPage, FacilitatorPage, onKiosk, PhonePage } from './pages.ts'

/**
 * Usable by everyone in the room: Japanese typed through an IME, phones held by people who
 * rarely use one (large targets, large text, voice, clear states), the session's language set
 * by the facilitator, a board legible from the back, and a console that speaks to screen readers.
 */

/** A real IME composition, as Chrome's own input method would drive it (trusted events). */
async function ime(page: Page): Promise<CDPSession> {
  return page.context().newCDPSession(page)
}
const compose = (cdp: CDPSession, text: string) => cdp.send('Input.imeSetComposition', { text, selectionStart: text.length, selectionEnd: text.length })
const commit = (cdp: CDPSession, text: string) => cdp.send('Input.insertText', { text })
/**
 * The Enter that confirms a conversion: keyCode 229. `typed` adds the character it would type,
 * as Safari's confirming Enter after compositionend would (in a single-line field it submits).
 */
async function imeEnter(cdp: CDPSession, typed = false): Promise<void> {
  await cdp.send('Input.dispatchKeyEvent', { type: typed ? 'keyDown' : 'rawKeyDown', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 229, ...(typed ? { text: '\r' } : {}) })
  await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 229 })
}
/** The same, dispatched by script: compositionstart/update and an Enter keydown marked isComposing. */
function syntheticComposingEnter(page: Page, selector: string, text: string): Promise<boolean> {
  return page.evaluate(
    ([sel, data]) => {
      const el = document.querySelector<HTMLInputElement | HTMLTextAreaElement>(sel)!
      el.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true, data: '' }))
      el.dispatchEvent(new CompositionEvent('compositionupdate', { bubbles: true, data }))
      const enter = new KeyboardEvent('keydown', { bubbles: true, cancelable: true, key: 'Enter', code: 'Enter', isComposing: true, keyCode: 229 })
      return el.dispatchEvent(enter)
    },
    [selector, text] as const,
  )
}

/** Every control a finger has to hit, with its size; hidden ones (screen-reader only) excluded. */
function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = []
    for (const el of document.querySelectorAll<HTMLElement>('button, a[href], input, textarea, select, summary, [role="button"]')) {
      const r = el.getBoundingClientRect()
      const style = getComputedStyle(el)
      if (r.width <= 1 || r.height <= 1 || style.visibility === 'hidden' || el.closest('.visually-hidden')) continue
      if (r.width < 44 || r.height < 44) out.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute('aria-label') || '').trim()}" ${Math.round(r.width)}×${Math.round(r.height)}`)
    }
    return out
  })
}

const noteTexts = (page: Page) => page.locator('li[data-post-id] .text').allTextContents()

describe.skipIf(!HAS_BROWSER)('usable by everyone in the room', () => {
  const browser = useBrowser()
  const kiosk = useKiosk({ limits: ROOMY_LIMITS })

  it('a phone never posts a note while Japanese is being converted', async () => {
    const k = kiosk()
    const links = await k.createSession('IME')
    const ctx = await personContext(browser(), 'phone')
    const phone = await PhonePage.open(ctx, onKiosk(k.url, links.joinUrl))
    await phone.connected()
    await phone.noteBox.focus()
    const cdp = await ime(phone.page)

    await compose(cdp, 'かいぎ')
    await imeEnter(cdp)
    expect(await syntheticComposingEnter(phone.page, '#note-text', 'かいぎ')).toBe(true) // a textarea keeps Enter: no post, no guard needed
    // A press of the button while the conversion is still open does not post it either.
    await phone.page.evaluate(() => document.querySelector<HTMLButtonElement>('button.post')!.click())
    await new Promise((r) => setTimeout(r, 300))
    expect(await noteTexts(phone.page)).toEqual([])
    expect(await phone.page.getByTestId('notice').textContent()).toBe('')

    await commit(cdp, '会議が多い')
    expect(await phone.noteBox.inputValue()).toBe('会議が多い')
    await phone.postButton.click()
    await expect.poll(() => phone.stateOf('会議が多い'), { timeout: 10_000 }).toBe('sent')
    expect(await noteTexts(phone.page)).toEqual(['会議が多い'])
    await ctx.close()
  })

  it('the console’s forms are not submitted by the Enter that confirms a conversion', async () => {
    const k = kiosk()
    const sessions = async () => ((await (await fetch(`${k.url}/api/sessions`, { headers: { authorization: `Bearer ${k.token}` } })).json()) as unknown[]).length
    const before = await sessions()
    const ctx = await personContext(browser(), 'console')
    const page = await ctx.newPage()
    await page.goto(`${k.url}/f?token=${k.token}`)
    const title = page.getByLabel(/^タイトル$/)
    await title.focus()
    const cdp = await ime(page)

    await compose(cdp, 'けんしゅう')
    await imeEnter(cdp)
    await commit(cdp, '研修')
    // Safari's order: the confirming Enter (keyCode 229) arrives after compositionend.
    await imeEnter(cdp, true)
    expect(await syntheticComposingEnter(page, '#session-title', 'けんしゅう')).toBe(false) // the guard cancels it
    await new Promise((r) => setTimeout(r, 300))
    expect(new URL(page.url()).pathname).toBe('/f')
    expect(await sessions()).toBe(before)
    expect(await title.inputValue()).toBe('研修')

    // A plain Enter, once the conversion is done, creates the session.
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/f\/[a-z2-9]{10}$/)
    expect(await sessions()).toBe(before + 1)

    // A group name is also safe while converting.
    const fac = new FacilitatorPage(page)
    await fac.openTab(/まとめる/)
    const groupName = page.getByLabel(/新しいグループの名前/)
    await groupName.focus()
    await compose(cdp, 'まどぐち')
    await commit(cdp, '窓口')
    await imeEnter(cdp, true)
    await new Promise((r) => setTimeout(r, 200))
    expect(await page.locator('[data-group-name]').count()).toBe(0)
    await page.keyboard.press('Enter')
    await page.locator('[data-group-name="窓口"]').waitFor()
    expect(ctx.errors).toEqual([])
    await ctx.close()
  })

  it('says when a note is kept for later, and why one was refused', async () => {
    const k = kiosk()
    const links = await k.createSession('オフライン')
    const fac = await k.facilitator(links.id)
    const ctx = await personContext(browser(), 'phone')
    const phone = await PhonePage.open(ctx, onKiosk(k.url, links.joinUrl))
    await phone.connected()

    await ctx.setOffline(true)
    await expect.poll(() => phone.page.getByTestId('connection').textContent(), { timeout: 10_000 }).toMatch(/再接続しています/)
    await phone.post('電波がない場所で書いた')
    // Seen and heard: the notice is a polite live region, and the note itself says "送信待ち".
    const notice = phone.page.getByTestId('notice')
    expect(await notice.getAttribute('role')).toBe('status')
    await expect.poll(() => notice.textContent()).toMatch(/保存しました。接続が戻ったら自動で送信します。/)
    expect(await notice.isVisible()).toBe(true)
    const item = phone.page.locator('li[data-post-id]').filter({ hasText: '電波がない場所で書いた' })
    expect(await item.getAttribute('data-state')).toBe('queued')
    expect(await item.locator('.state').textContent()).toMatch(/送信待ち/)
    expect(await item.locator('.state').isVisible()).toBe(true)
    await screenshot(phone.page, 'phone-queued-ja')

    // Meanwhile the facilitator closes posting: once back, the note is refused, in words, with a way back.
    await emitAck(fac, 'session:update', { locked: true })
    await ctx.setOffline(false)
    await expect.poll(() => phone.stateOf('電波がない場所で書いた'), { timeout: 15_000 }).toBe('refused')
    expect(await item.locator('.state').textContent()).toMatch(/送信できませんでした：いまは投稿を受け付けていません/)
    await expect.poll(() => notice.textContent()).toMatch(/送信できませんでした：いまは投稿を受け付けていません/)
    // The status line says posting is closed, once, and no longer that ideas are being collected.
    expect(await phone.page.getByTestId('phase').textContent()).toMatch(/意見の受付は締め切りました/)
    expect(await phone.page.getByText(/いまは意見を集めています/).count()).toBe(0)
    await screenshot(phone.page, 'phone-refused-ja')
    expect(await smallTargets(phone.page)).toEqual([])
    await ctx.close()
  })

  it('gives every control on the phone at least 44×44 px, in both languages and at a larger text size', async () => {
    const k = kiosk()
    const links = await k.createSession('大きなボタン', '字が大きくても使えますか')
    const fac = await k.facilitator(links.id)
    const ctx = await personContext(browser(), 'phone')
    const phone = await PhonePage.open(ctx, onKiosk(k.url, links.joinUrl))
    await phone.connected()
    const measure = async (where: string) => {
      const small = await smallTargets(phone.page)
      expect(small, where).toEqual([])
      const wide = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      expect(wide, `${where}: sideways scrolling`).toBeLessThanOrEqual(0)
    }
    const bothLanguages = async (where: string) => {
      await measure(`${where} (ja)`)
      await phone.page.getByRole('button', { name: 'Switch to English' }).click()
      await measure(`${where} (en)`)
      await phone.page.getByRole('button', { name: '日本語に切り替える' }).click()
    }

    await bothLanguages('posting')
    await phone.post('一つ目の意見')
    await expect.poll(() => phone.stateOf('一つ目の意見'), { timeout: 10_000 }).toBe('sent')
    await bothLanguages('with my notes')
    await emitAck(fac, 'vote:open', { perPhone: 3, maxPerNote: 3 })
    await expect.poll(() => phone.ballot.count(), { timeout: 10_000 }).toBe(1)
    await bothLanguages('voting')

    // The phone's own text size, one and a half times larger: everything grows with it.
    const sizeOf = (sel: string) => phone.page.locator(sel).first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize))
    const before = { prompt: await sizeOf('#prompt'), step: await sizeOf('button.step') }
    await phone.page.evaluate(() => (document.documentElement.style.fontSize = '150%'))
    expect(await sizeOf('#prompt')).toBeCloseTo(before.prompt * 1.5, 0)
    expect(await sizeOf('button.step')).toBeCloseTo(before.step * 1.5, 0)
    await bothLanguages('voting, larger text')
    await phone.page.getByRole('button', { name: '付箋を書く' }).click()
    expect(await sizeOf('#note-text')).toBeGreaterThanOrEqual(1.2 * 24)
    await bothLanguages('posting, larger text')

    const closed = await fetch(`${k.url}/api/sessions/${links.id}/close`, { method: 'POST', headers: { authorization: `Bearer ${k.token}` } })
    expect(closed.status).toBe(200)
    await phone.page.getByTestId('closed').waitFor({ timeout: 10_000 })
    await bothLanguages('closed, larger text')
    expect(ctx.errors).toEqual([])
    await ctx.close()
  })

  it('offers voice input only where the browser can listen, and adds what it heard', async () => {
    const k = kiosk()
    const links = await k.createSession('音声')
    // A browser with speech recognition (a stand-in that "hears" on demand).
    const withVoice = await personContext(browser(), 'phone')
    await withVoice.addInitScript(() => {
      class FakeRecognition {
        lang = ''
        onresult: ((e: unknown) => void) | null = null
        onend: (() => void) | null = null
        onerror: ((e: unknown) => void) | null = null
        start() {
          ;(window as unknown as { heard: (t: string) => void; recognitionLang: string }).recognitionLang = this.lang
          ;(window as unknown as { heard: (t: string) => void }).heard = (text: string) => {
            const result = Object.assign([{ transcript: text }], { isFinal: true })
            this.onresult?.({ resultIndex: 0, results: [result] })
            this.onend?.()
          }
        }
        stop() {
          this.onend?.()
        }
        abort() {}
      }
      Object.defineProperty(window, 'SpeechRecognition', { value: FakeRecognition, configurable: true })
    })
    const phone = await PhonePage.open(withVoice, onKiosk(k.url, links.joinUrl))
    await phone.connected()
    await phone.write('駐車場が')
    const mic = phone.page.getByRole('button', { name: '声で入力する' })
    await mic.click()
    expect(await phone.page.getByRole('button', { name: '聞き取りを終える' }).count()).toBe(1)
    expect(await phone.page.evaluate(() => (window as unknown as { recognitionLang: string }).recognitionLang)).toBe('ja-JP')
    await phone.page.evaluate(() => (window as unknown as { heard: (t: string) => void }).heard('足りない'))
    expect(await phone.noteBox.inputValue()).toBe('駐車場が足りない')
    expect(await mic.count()).toBe(1)
    await phone.postButton.click()
    await expect.poll(() => phone.stateOf('駐車場が足りない'), { timeout: 10_000 }).toBe('sent')

    // A browser without it: no button, and nothing else changes.
    const without = await personContext(browser(), 'phone')
    await without.addInitScript(() => {
      for (const name of ['SpeechRecognition', 'webkitSpeechRecognition']) Reflect.deleteProperty(window, name)
    })
    const plain = await PhonePage.open(without, onKiosk(k.url, links.joinUrl))
    await plain.connected()
    expect(await plain.page.getByTestId('voice').count()).toBe(0)
    await plain.post('声なしでも送れる')
    await expect.poll(() => plain.stateOf('声なしでも送れる'), { timeout: 10_000 }).toBe('sent')
    expect([...withVoice.errors, ...without.errors]).toEqual([])
    await withVoice.close()
    await without.close()
  })

  it('phones and the board follow the language the facilitator fixes, and their own switch again when freed', async () => {
    const k = kiosk()
    const links = await k.createSession('言語', '今日の感想')
    const consoleCtx = await personContext(browser(), 'console')
    const phoneCtx = await personContext(browser(), 'phone')
    const boardCtx = await personContext(browser(), 'board', 'en-US')
    const fac = await FacilitatorPage.open(consoleCtx, onKiosk(k.url, links.facilitatorUrl))
    const phone = await PhonePage.open(phoneCtx, onKiosk(k.url, links.joinUrl))
    const board = await BoardPage.open(boardCtx, onKiosk(k.url, links.boardUrl))
    await phone.connected()
    expect(await phone.postButton.textContent()).toBe('送信')
    await expect.poll(() => board.page.getByRole('heading', { name: 'Join from your phone' }).count()).toBe(1)

    const langs = fac.page.getByRole('group', { name: '参加者の画面の言語' })
    await langs.getByRole('radio', { name: /英語（English）/ }).check()
    await expect.poll(() => phone.postButton.textContent(), { timeout: 10_000 }).toBe('Post')
    expect(await phone.page.evaluate(() => document.documentElement.lang)).toBe('en')
    expect(await phone.page.locator('.lang-switch').count()).toBe(0)
    await langs.getByRole('radio', { name: /^日本語$/ }).check()
    await expect.poll(() => board.page.getByRole('heading', { name: 'スマホで参加' }).count(), { timeout: 10_000 }).toBe(1)
    expect(await board.page.locator('.lang-switch').count()).toBe(0)
    await expect.poll(() => phone.postButton.textContent()).toBe('送信')

    // Freed again: each screen goes back to its own choice, and its switch works.
    await langs.getByRole('radio', { name: /各自で選ぶ/ }).check()
    await expect.poll(() => board.page.getByRole('heading', { name: 'Join from your phone' }).count(), { timeout: 10_000 }).toBe(1)
    await phone.page.getByRole('button', { name: 'Switch to English' }).click()
    expect(await phone.postButton.textContent()).toBe('Post')
    for (const ctx of [consoleCtx, phoneCtx, boardCtx]) {
      expect(ctx.errors).toEqual([])
      await ctx.close()
    }
  })

  it('shows the board large enough for the back of the room, in the theme the room needs', async () => {
    const k = kiosk()
    const links = await k.createSession('見やすさ', '遠くから読めますか')
    const ctx = await personContext(browser(), 'board')
    const board = await BoardPage.open(ctx, onKiosk(k.url, links.boardUrl))
    await board.page.getByTestId('join-url').waitFor()
    await board.page.locator('img.qr').evaluate((img: HTMLImageElement) => img.decode())
    // QR code of at least 300 px and a join URL of at least 32 px on a 1080p projector.
    const qr = await board.page.locator('img.qr').evaluate((img) => {
      const r = img.getBoundingClientRect()
      const s = getComputedStyle(img)
      return Math.min(r.width - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight), r.height - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom))
    })
    expect(qr).toBeGreaterThanOrEqual(300)
    const urlPx = await board.page.getByTestId('join-url').evaluate((el) => parseFloat(getComputedStyle(el).fontSize))
    expect(urlPx).toBeGreaterThanOrEqual(32)

    // Thirty notes: at a quarter of the size (the back row, or a photo of the screen) still about 8 px.
    const phone = await k.phone(links.id)
    const typical = ['紙の申請書が多すぎる', '押印のために来庁してもらう', '窓口の待ち時間が長い', '電話対応で作業が止まる', '同じことを何度も書かせている']
    for (let i = 0; i < 30; i++) await emitAck(phone, 'note:create', { id: `legible-${i}`, text: typical[i % typical.length]! })
    await expect.poll(() => board.noteTexts(), { timeout: 10_000 }).toHaveLength(30)
    await board.page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))))
    await screenshot(board.page, 'board-crowded-ja')
    const smallest = await board.page.locator('[data-testid="note-text"]').evaluateAll((ps) => Math.min(...ps.map((p) => parseFloat(getComputedStyle(p).fontSize))))
    expect(smallest).toBeGreaterThanOrEqual(30)

    // The theme: chosen on the board and remembered; without a choice, "more contrast" is honoured.
    const theme = () => board.page.evaluate(() => document.documentElement.dataset.boardTheme)
    expect(await theme()).toBe('light')
    await board.page.getByTestId('theme-switch').click()
    expect(await theme()).toBe('dark')
    await board.page.reload()
    await expect.poll(theme).toBe('dark')
    await board.page.evaluate(() => localStorage.removeItem('kurumaza.boardTheme'))
    await board.page.emulateMedia({ contrast: 'more', reducedMotion: 'reduce' })
    await board.page.reload()
    await expect.poll(theme).toBe('contrast')
    const animation = await board.page.locator('[data-testid="note-text"]').first().evaluate((el) => getComputedStyle(el).animationName)
    expect(animation).toBe('none')
    expect(ctx.errors).toEqual([])
    await ctx.close()
  })

  it('tells a screen-reader user in the console about new notes, without flooding', { timeout: 30_000 }, async () => {
    const k = kiosk()
    const links = await k.createSession('読み上げ')
    const ctx = await personContext(browser(), 'console')
    const fac = await FacilitatorPage.open(ctx, onKiosk(k.url, links.facilitatorUrl))
    const region = fac.page.getByTestId('note-announcer')
    expect(await region.getAttribute('aria-live')).toBe('polite')
    await expect.poll(() => fac.page.getByTestId('phone-count').count()).toBe(1)
    const phone = await k.phone(links.id)
    await new Promise((r) => setTimeout(r, 500))
    await emitAck(phone, 'note:create', { id: 'sr-1', text: '最初の付箋' })
    await expect.poll(() => region.textContent(), { timeout: 5_000 }).toBe('新しい付箋：最初の付箋')
    // A burst right after: one sentence a few seconds later, not five.
    for (let i = 2; i <= 6; i++) await emitAck(phone, 'note:create', { id: `sr-${i}`, text: `${i}枚目の付箋` })
    await new Promise((r) => setTimeout(r, 500))
    expect(await region.textContent()).toBe('新しい付箋：最初の付箋')
    await expect.poll(() => region.textContent(), { timeout: 8_000 }).toBe('新しい付箋が5枚届きました。最新：6枚目の付箋')

    // And the keyboard sees where it is: a visible focus ring on the console's controls.
    await fac.page.keyboard.press('Tab')
    const outline = await fac.page.evaluate(() => {
      const el = document.activeElement as HTMLElement
      const s = getComputedStyle(el)
      return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) }
    })
    expect(outline.style).not.toBe('none')
    expect(outline.width).toBeGreaterThanOrEqual(2)
    expect(ctx.errors).toEqual([])
    await ctx.close()
  })
})
