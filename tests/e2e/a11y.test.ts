import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { readNotes } from '../../shared/board-doc.ts'
import { createGroup, moveNote } from '../../shared/grouping.ts'
import { emitAck, ROOMY_LIMITS, useKiosk } from '../helpers/kiosk.ts'
import { axeViolations, describeViolations, screenshot, WCAG_TAGS } from './audit.ts'
import { ARTIFACTS, HAS_BROWSER, personContext, useBrowser } from './browser.ts'
import { BoardPage, FacilitatorPage, onKiosk, PhonePage } from './pages.ts'

/**
 * Every screen, in every state a workshop walks through, in Japanese and in English, checked by
 * axe-core against WCAG 2.2 A and AA, and photographed as the room sees it
 * (.test-artifacts/screens/<screen>-<state>-<lang>.png).
 */
const ROOMS = {
  ja: {
    locale: 'ja-JP',
    title: 'DX研修 第1回',
    prompt: '窓口業務で困っていること',
    notes: ['紙の申請書が多すぎる', '押印のためだけに来庁してもらっている', '窓口の待ち時間が長い', '電話の問い合わせで手が止まる', 'システムごとにIDとパスワードが違う'],
    pending: '担当者の名前が入った付箋',
    groups: ['紙と押印', '窓口と電話'],
    tabs: { group: /^まとめる$/, vote: /^投票$/, prompts: /^問い$/ },
  },
  en: {
    locale: 'en-US',
    title: 'Digital training, part 1',
    prompt: 'What slows down the front desk?',
    notes: ['Too many paper forms', 'People come in only to stamp a form', 'Long waits at the counter', 'Phone calls keep interrupting work', 'A different password for every system'],
    pending: 'A note with a colleague’s name in it',
    groups: ['Paper and stamps', 'Counter and phone'],
    tabs: { group: /^Group$/, vote: /^Vote$/, prompts: /^Prompts$/ },
  },
} as const

describe.skipIf(!HAS_BROWSER)('every screen meets WCAG 2.2 AA (axe-core), in Japanese and English', () => {
  const browser = useBrowser()
  const kiosk = useKiosk({ limits: ROOMY_LIMITS })

  it('axe finds a problem planted in a page (so an empty result means something)', async () => {
    const ctx = await personContext(browser(), 'phone')
    const page = await ctx.newPage()
    await page.goto(`${kiosk().url}/j/abcdefghjk`)
    await page.evaluate(() => {
      const img = document.createElement('img')
      img.src = 'data:,'
      const low = document.createElement('p')
      low.textContent = 'faint'
      low.style.color = '#ccc'
      document.querySelector('main')?.append(img, low)
    })
    const ids = (await axeViolations(page)).map((v) => v.id)
    expect(ids).toEqual(expect.arrayContaining(['image-alt', 'color-contrast']))
    await ctx.close()
  })

  it.each(Object.keys(ROOMS) as Array<keyof typeof ROOMS>)('a whole workshop in %s: no violations on any screen', { timeout: 180_000 }, async (lang) => {
    const room = ROOMS[lang]
    const k = kiosk()
    const results: Record<string, string[]> = {}
    const check = async (page: BoardPage['page'], name: string): Promise<void> => {
      results[name] = describeViolations(await axeViolations(page))
      await screenshot(page, `${name}-${lang}`)
    }

    const links = await k.createSession(room.title, room.prompt)
    const fac = await k.facilitator(links.id)
    const boardCtx = await personContext(browser(), 'board', room.locale)
    const phoneCtx = await personContext(browser(), 'phone', room.locale)
    const consoleCtx = await personContext(browser(), 'console', room.locale)

    // Before anyone posts.
    const board = await BoardPage.open(boardCtx, onKiosk(k.url, links.boardUrl))
    await board.page.getByTestId('join-url').waitFor()
    await board.page.locator('.empty').waitFor()
    await check(board.page, 'board-empty')
    const phone = await PhonePage.open(phoneCtx, onKiosk(k.url, links.joinUrl))
    await phone.connected()
    await check(phone.page, 'phone-posting')
    const home = await consoleCtx.newPage()
    await home.goto(`${k.url}/f?token=${k.token}`)
    await home.locator(`[data-session-id="${links.id}"]`).first().waitFor()
    await check(home, 'console-home')

    // Notes arrive: two from this phone, three from others.
    await phone.post(room.notes[0])
    await phone.post(room.notes[1])
    const other = await k.phone(links.id)
    for (const [i, text] of room.notes.slice(2).entries()) await emitAck(other, 'note:create', { id: `a11y-${lang}-${i}`, text })
    await expect.poll(() => board.noteTexts(), { timeout: 10_000 }).toHaveLength(room.notes.length)
    await expect.poll(() => phone.stateOf(room.notes[1]), { timeout: 10_000 }).toBe('sent')
    await check(phone.page, 'phone-mine')
    await check(board.page, 'board-notes')
    // The board's other themes, for dim rooms and for low vision.
    for (const theme of ['dark', 'contrast']) {
      await board.page.getByTestId('theme-switch').click()
      await expect.poll(() => board.page.evaluate(() => document.documentElement.dataset.boardTheme)).toBe(theme)
      await check(board.page, `board-notes-${theme}`)
    }
    await board.page.getByTestId('theme-switch').click()

    // One note waits for approval in the console.
    await emitAck(fac, 'session:update', { moderation: 'pre' })
    await emitAck(other, 'note:create', { id: `a11y-${lang}-pending`, text: room.pending })
    const con = await FacilitatorPage.open(consoleCtx, onKiosk(k.url, links.facilitatorUrl))
    await expect.poll(() => con.queue(), { timeout: 10_000 }).toEqual([room.pending])
    await check(con.page, 'console-notes')

    // Grouped, as the facilitator's document says.
    const { doc } = await k.board(links, 'token')
    const idOf = (text: string): string => readNotes(doc).find((n) => n.text === text)!.id
    createGroup(doc, `g1-${lang}`, room.groups[0])
    createGroup(doc, `g2-${lang}`, room.groups[1])
    moveNote(doc, idOf(room.notes[0]), `g1-${lang}`)
    moveNote(doc, idOf(room.notes[1]), `g1-${lang}`)
    moveNote(doc, idOf(room.notes[2]), `g2-${lang}`)
    moveNote(doc, idOf(room.notes[3]), `g2-${lang}`)
    await emitAck(fac, 'session:update', { phase: 'group' })
    await expect.poll(async () => Object.keys(await board.areas()).length, { timeout: 10_000 }).toBe(3)
    await check(board.page, 'board-grouped')
    await con.openTab(room.tabs.group)
    await con.page.locator('[data-group-name]').first().waitFor()
    await check(con.page, 'console-group')

    // Dot voting.
    await emitAck(fac, 'vote:open', { perPhone: 3, maxPerNote: 2, showLive: false })
    await emitAck(fac, 'session:update', { phase: 'vote' })
    await expect.poll(() => phone.ballot.count(), { timeout: 10_000 }).toBe(1)
    await phone.addDot(room.notes[2])
    await expect.poll(() => phone.dotsOn(room.notes[2])).toBe(1)
    await check(phone.page, 'phone-vote')
    await con.openTab(room.tabs.vote)
    await con.page.getByTestId('vote-open').waitFor()
    await check(con.page, 'console-vote')
    for (const text of [room.notes[2], room.notes[2], room.notes[4]]) await emitAck(other, 'vote:cast', { noteId: idOf(text) })
    await emitAck(fac, 'vote:close', {})
    await expect.poll(async () => (await board.results()).length, { timeout: 10_000 }).toBe(2)
    await check(board.page, 'board-results')
    await con.page.getByTestId('console-results').waitFor()
    await check(con.page, 'console-results')

    // The winner on the big screen.
    await emitAck(fac, 'session:update', { spotlight: { kind: 'note', id: idOf(room.notes[2]) } })
    await expect.poll(() => board.spotlight(), { timeout: 10_000 }).toEqual([room.notes[2]])
    await check(board.page, 'board-spotlight')
    await check(con.page, 'console-spotlight')
    await con.openTab(room.tabs.prompts)
    await check(con.page, 'console-prompts')

    // The end: the phone says thank you and keeps the notes it sent.
    const closed = await fetch(`${k.url}/api/sessions/${links.id}/close`, { method: 'POST', headers: { authorization: `Bearer ${k.token}` } })
    expect(closed.status).toBe(200)
    await phone.page.getByTestId('closed').waitFor({ timeout: 10_000 })
    await check(phone.page, 'phone-closed')

    fs.writeFileSync(path.join(ARTIFACTS, `axe-${lang}.json`), JSON.stringify({ tags: WCAG_TAGS, results }, null, 2))
    for (const ctx of [boardCtx, phoneCtx, consoleCtx]) {
      expect(ctx.errors).toEqual([])
      await ctx.close()
    }
    const failures = Object.entries(results).flatMap(([screen, lines]) => lines.map((l) => `${screen}: ${l}`))
    expect(failures).toEqual([])
  })
})
