import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { BrowserContext, Locator, Page } from 'playwright-core'
import { readGroups, readNotes } from '../../shared/board-doc.ts'
import { createGroup, moveNote } from '../../shared/grouping.ts'
import { newClientId } from '../../shared/ids.ts'
import { emitAck, lastState, ROOMY_LIMITS, useKiosk } from '../helpers/kiosk.ts'
import { screenshot } from './audit.ts'
import { HAS_BROWSER, personContext, useBrowser } from './browser.ts'
import { BoardPage, FacilitatorPage, onKiosk, PhonePage } from './pages.ts'

/** Drag with a finger: touch events through DevTools, which Chromium turns into pointer events. */
async function touchDrag(ctx: BrowserContext, page: Page, from: Locator, to: Locator): Promise<void> {
  const cdp = await ctx.newCDPSession(page)
  const a = (await from.boundingBox())!
  const b = (await to.boundingBox())!
  const start = { x: a.x + a.width / 2, y: a.y + a.height / 2 }
  const end = { x: b.x + b.width / 2, y: b.y + Math.min(b.height / 2, 40) }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [start] })
  for (let i = 1; i <= 10; i++) {
    const p = { x: start.x + ((end.x - start.x) * i) / 10, y: start.y + ((end.y - start.y) * i) / 10 }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [p] })
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] })
  await cdp.detach()
}

describe.skipIf(!HAS_BROWSER)('grouping on a laptop or a tablet (issue 14, part 4)', () => {
  const browser = useBrowser()
  const kiosk = useKiosk({ limits: ROOMY_LIMITS })

  it('lays the 25 ungrouped notes out as a grid, speaks in words, and shows nested names whole', { timeout: 120_000 }, async () => {
    const k = kiosk()
    const links = await k.createSession('まとめる練習', '住民サービスで困っていること')
    const phone = await k.phone(links.id, { deviceId: newClientId() })
    for (let i = 0; i < 25; i++) await emitAck(phone, 'note:create', { id: newClientId(), text: `困りごと ${i + 1}：窓口で何度も同じことを書かされる` })
    const { doc } = await k.board(links, 'token')
    createGroup(doc, 'g-service', '住民サービス', null, 1_000)
    createGroup(doc, 'g-window', '窓口', 'g-service', 2_000)

    const con = await FacilitatorPage.open(await personContext(browser(), 'console'), onKiosk(k.url, links.facilitatorUrl))
    await con.openTab(/^まとめる$/)
    const pool = con.page.locator('[data-zone="ungrouped"]')
    await expect.poll(() => pool.locator('li[data-group-note-id]').count(), { timeout: 10_000 }).toBe(25)
    const height = (await pool.boundingBox())!.height
    console.log(`ungrouped pool of 25 notes: ${Math.round(height)} px tall`)
    expect(height).toBeLessThan(1_400) // 3,650 px as one narrow column
    // Words, not icons.
    const panel = con.page.getByRole('region', { name: 'グループにまとめる' })
    expect(await panel.textContent()).not.toMatch(/[◎◉]/)
    expect(await pool.getByRole('button', { name: '大きく映す' }).count()).toBe(25)
    // Plain words for nesting, and the nested group's name whole: its own name first in a list.
    const window = con.page.locator('[data-group-name="窓口"]')
    expect(await window.getByRole('combobox', { name: 'このグループをほかのグループの中へ' }).count()).toBe(1)
    expect(await window.getByRole('button', { name: 'そこへ移す' }).count()).toBe(1)
    expect(await window.getByRole('heading', { level: 3 }).first().textContent()).toMatch(/住民サービス › 窓口/)
    const options = await pool.locator('li[data-group-note-id]').first().locator('select option').allTextContents()
    expect(options).toEqual(['グループなし', '住民サービス', '窓口（住民サービスの中）'])
    const clipped = await con.page
      .locator('[data-group-id] h3')
      .evaluateAll((hs) => hs.filter((h) => h.scrollWidth > h.clientWidth + 1 || h.scrollHeight > h.clientHeight + 1).map((h) => h.textContent))
    expect(clipped).toEqual([])
    await screenshot(con.page, 'console-grouping-pool-ja')
  })

  it('moves notes and groups with a finger on a tablet', { timeout: 120_000 }, async () => {
    const k = kiosk()
    const links = await k.createSession('タブレットでまとめる', '窓口で困っていること')
    const phone = await k.phone(links.id, { deviceId: newClientId() })
    for (const text of ['書類が多い', '待ち時間が長い', '駐車場が狭い']) await emitAck(phone, 'note:create', { id: newClientId(), text })
    const { doc } = await k.board(links, 'token')
    createGroup(doc, 'g-paper', '書類', null, 1_000)
    createGroup(doc, 'g-window', '窓口', null, 2_000)

    const tablet = await browser().newContext({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP', hasTouch: true, isMobile: false })
    const con = new FacilitatorPage(await tablet.newPage())
    await con.page.goto(onKiosk(k.url, links.facilitatorUrl))
    await con.openTab(/^まとめる$/)
    await con.page.locator('li[data-group-note-id]').first().waitFor()

    // A note, by its handle, into a group.
    const handle = con.groupNote('書類が多い').getByText('つかんで動かす')
    await touchDrag(tablet, con.page, handle, con.page.locator('[data-group-name="書類"]'))
    await expect.poll(() => readNotes(doc).find((n) => n.text === '書類が多い')?.groupId, { timeout: 10_000 }).toBe('g-paper')
    await expect.poll(() => con.groupingStatus()).toBe('「書類が多い」を「書類」に移動しました。')
    // A group, by its handle, into another group.
    await touchDrag(tablet, con.page, con.page.locator('[data-group-name="書類"]').getByText('つかんで動かす').first(), con.page.locator('[data-group-name="窓口"]'))
    await expect.poll(() => readGroups(doc).find((g) => g.id === 'g-paper')?.parentId, { timeout: 10_000 }).toBe('g-window')
    // Touching a note anywhere but its handle still scrolls: the card itself is not captured.
    expect(await con.groupNote('待ち時間が長い').evaluate((li) => getComputedStyle(li).touchAction)).not.toBe('none')
    await screenshot(con.page, 'console-grouping-touch-ja')
    await tablet.close()
  })

  it('keeps the groups on the board when it shows every prompt', { timeout: 120_000 }, async () => {
    const k = kiosk()
    const links = await k.createSession('二つの問い', '困っていること')
    const fac = await k.facilitator(links.id)
    const phone = await k.phone(links.id, { deviceId: newClientId() })
    await emitAck(phone, 'note:create', { id: newClientId(), text: '書類が多い' })
    await emitAck(phone, 'note:create', { id: newClientId(), text: '待ち時間' })
    await emitAck(fac, 'prompt:add', { text: 'やってみたいこと', makeCurrent: true })
    await expect.poll(() => lastState(phone)?.prompt).toBe('やってみたいこと')
    await emitAck(phone, 'note:create', { id: newClientId(), text: '電子申請' })
    const { doc } = await k.board(links, 'token')
    await expect.poll(() => readNotes(doc).length).toBe(3)
    createGroup(doc, 'g-service', '住民サービス', null, 1_000)
    createGroup(doc, 'g-window', '窓口', 'g-service', 2_000)
    moveNote(doc, readNotes(doc).find((n) => n.text === '書類が多い')!.id, 'g-window')
    await emitAck(fac, 'session:update', { showAllPrompts: true })
    const board = await BoardPage.open(await personContext(browser(), 'board'), onKiosk(k.url, links.boardUrl))
    await expect.poll(() => board.areas(), { timeout: 10_000 }).toEqual({
      '困っていること › 住民サービス › 窓口': ['書類が多い'],
      困っていること: ['待ち時間'],
      やってみたいこと: ['電子申請'],
    })
    await screenshot(board.page, 'board-all-prompts-grouped-ja')
  })
})

describe.skipIf(!HAS_BROWSER)('the console and the record (issue 14, part 5)', () => {
  const browser = useBrowser()
  const kiosk = useKiosk({ limits: ROOMY_LIMITS })

  it('shows the board’s picture and print buttons, saves the picture from the console, and puts record paths at the top', { timeout: 120_000 }, async () => {
    const k = kiosk()
    const links = await k.createSession('記録の練習', '今日の気づき')
    const phone = await k.phone(links.id, { deviceId: newClientId() })
    await emitAck(phone, 'note:create', { id: newClientId(), text: '資料が分かりやすかった' })

    const board = await BoardPage.open(await personContext(browser(), 'board'), onKiosk(k.url, links.boardUrl))
    await expect.poll(() => board.noteTexts()).toEqual(['資料が分かりやすかった'])
    // Visible without hovering: a new user sees them.
    const png = board.page.getByRole('button', { name: '画像（PNG）で保存' })
    expect(await png.evaluate((b) => Number(getComputedStyle(b.parentElement!).opacity))).toBe(1)
    expect(await board.page.getByRole('button', { name: '印刷・PDF' }).isVisible()).toBe(true)
    await screenshot(board.page, 'board-record-tools-ja')

    // From the console: the board opens in a new window and saves its picture by itself.
    const consoleCtx = await personContext(browser(), 'console')
    const con = await FacilitatorPage.open(consoleCtx, onKiosk(k.url, links.facilitatorUrl))
    const link = con.exportCard.getByRole('link', { name: 'ボードの画像（PNG）を保存' })
    expect(await link.getAttribute('href')).toMatch(/#save-png$/)
    // (the link carries the LAN address; the test opens the same page on loopback)
    const href = new URL((await link.getAttribute('href'))!)
    const popup = await consoleCtx.newPage()
    const downloading = popup.waitForEvent('download', { timeout: 20_000 })
    await popup.goto(`${k.url}${href.pathname}${href.search}${href.hash}`)
    const download = await downloading
    expect(download.suggestedFilename()).toMatch(/^\d{4}-\d{2}-\d{2}_記録の練習\.png$/)
    const bytes = fs.readFileSync((await download.path())!)
    expect([...bytes.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47])
    await popup.close()
    await screenshot(con.page, 'console-record-tools-ja')

    // Closed: the record files are named at the top of the page, and again after a reload.
    await con.closeSession()
    await expect.poll(() => con.page.getByTestId('banner-record-file').count(), { timeout: 10_000 }).toBe(2)
    await con.page.reload()
    await expect.poll(() => con.page.getByTestId('banner-record-file').allTextContents(), { timeout: 10_000 }).toEqual([
      expect.stringMatching(/records\/\d{4}-\d{2}-\d{2}_記録の練習_\w+\.json$/),
      expect.stringMatching(/records\/\d{4}-\d{2}-\d{2}_記録の練習_\w+\.md$/),
    ])
    const banner = (await con.page.getByTestId('closed-banner').boundingBox())!
    expect(banner.y).toBeLessThan(300)
    await screenshot(con.page, 'console-closed-record-files-ja')
  })

  it('titles copies apart, says which word held a note, and an edit reaches its author’s phone', { timeout: 120_000 }, async () => {
    const k = kiosk()
    const links = await k.createSession('DX研修', '困っていること')
    const consoleCtx = await personContext(browser(), 'console')
    const con = await FacilitatorPage.open(consoleCtx, onKiosk(k.url, links.facilitatorUrl))
    const author = await PhonePage.open(await personContext(browser(), 'phone'), onKiosk(k.url, links.joinUrl))
    await author.connected()

    // A note with a listed word is held, and the console says which word.
    await author.post('課長はバカだと思う')
    await expect.poll(() => con.queue(), { timeout: 10_000 }).toEqual(['課長はバカだと思う'])
    expect(await con.noteItem('課長はバカだと思う').getByTestId('held-for').textContent()).toBe('一覧の言葉 「バカ」 を含むため、承認待ちにしました。')
    await screenshot(con.page, 'console-held-word-ja')

    // The facilitator corrects a note; its author's phone shows the new text and what was sent.
    await author.post('山田さんの対応が遅い')
    const noteId = await con.noteItem('山田さんの対応が遅い').getAttribute('data-note-id')
    const item = con.page.locator(`li[data-note-id="${noteId}"]`)
    await item.getByRole('button', { name: '編集' }).click()
    // One label per field: the inline edit and the paper-note form are told apart.
    expect(await con.page.getByLabel('直した文章（ボードとスマホに出ます）').count()).toBe(1)
    expect(await con.page.getByLabel('紙の付箋に書かれた文章').count()).toBe(1)
    await con.page.getByLabel('直した文章（ボードとスマホに出ます）').fill('担当者の対応が遅い')
    await item.getByRole('button', { name: '保存' }).click()
    await expect.poll(() => author.page.locator('[data-testid="post-text"]').allTextContents(), { timeout: 35_000 }).toContain('担当者の対応が遅い')
    expect(await author.page.getByTestId('post-edited').textContent()).toBe('進行役が文章を直しました（送った文章：山田さんの対応が遅い）')
    await screenshot(author.page, 'phone-note-edited-ja')

    // Duplicate and import: titles that say what they are; the list shows them apart.
    const auth = { authorization: `Bearer ${k.token}`, 'content-type': 'application/json' }
    expect((await fetch(`${k.url}/api/sessions/${links.id}/duplicate`, { method: 'POST', headers: auth })).status).toBe(201)
    const record = await (await fetch(`${k.url}/api/sessions/${links.id}/export?format=json`, { headers: auth })).json()
    record.session.createdAt = '2026-10-01T01:00:00.000Z'
    expect((await fetch(`${k.url}/api/sessions/import`, { method: 'POST', headers: auth, body: JSON.stringify(record) })).status).toBe(201)
    await con.page.goto(`${k.url}/f?token=${k.token}`)
    await expect.poll(() => con.page.locator('li[data-session-id] h3').allTextContents(), { timeout: 10_000 }).toEqual(
      expect.arrayContaining(['DX研修', 'DX研修（複製）', expect.stringMatching(/^DX研修（読み込み \d{4}-\d{2}-\d{2}）$/)]),
    )
    const imported = con.page.locator('li[data-session-id]').filter({ hasText: '（読み込み' })
    expect(await imported.locator('time').getAttribute('datetime')).toBe('2026-10-01T01:00:00.000Z')
    await screenshot(con.page, 'console-sessions-copies-ja')
  })
})
