import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import path from 'node:path'
import { startKiosk, type TestKiosk } from '../helpers/kiosk.ts'
import { ARTIFACTS, HAS_BROWSER, personContext, useBrowser } from './browser.ts'
import { BoardPage, FacilitatorPage, onKiosk, PhonePage } from './pages.ts'
import { waitFor } from '../helpers/wait.ts'

describe.skipIf(!HAS_BROWSER)('the core loop in a real browser', () => {
  const browser = useBrowser()
  let kiosk: TestKiosk
  beforeAll(async () => {
    kiosk = await startKiosk()
  })
  afterAll(async () => {
    await kiosk?.close()
  })

  it('a phone posts a note and the board shows it live', async () => {
    const links = await kiosk.createSession('DX研修', '窓口業務で困っていること')
    const boardCtx = await personContext(browser(), 'board')
    const phoneCtx = await personContext(browser(), 'phone')
    const board = await BoardPage.open(boardCtx, onKiosk(kiosk.url, links.boardUrl))
    await expect.poll(() => board.page.getByRole('heading', { name: 'DX研修' }).count()).toBe(1)
    expect(await board.page.getByText('窓口業務で困っていること').count()).toBeGreaterThan(0)
    expect(await board.joinUrl()).toBe(links.joinUrl)

    const phone = await PhonePage.open(phoneCtx, onKiosk(kiosk.url, links.joinUrl))
    await phone.connected()
    await waitFor(() => expect(board.phoneCount()).resolves.toBe(1))
    await phone.post('紙の申請書が多すぎる')
    await waitFor(() => expect(board.notes()).resolves.toEqual(['紙の申請書が多すぎる']))
    await waitFor(() => expect(phone.stateOf('紙の申請書が多すぎる')).resolves.toBe('sent'))
    await board.page.screenshot({ path: path.join(ARTIFACTS, 'core-board.png') })
    await phone.page.screenshot({ path: path.join(ARTIFACTS, 'core-phone.png') })
    expect(boardCtx.errors).toEqual([])
    expect(phoneCtx.errors).toEqual([])
    await boardCtx.close()
    await phoneCtx.close()
  })

  it('shows hostile notes as literal text everywhere and never runs them', async () => {
    const links = await kiosk.createSession('XSS')
    const ctxs = await Promise.all([personContext(browser(), 'board'), personContext(browser(), 'phone'), personContext(browser(), 'console')])
    const [boardCtx, phoneCtx, consoleCtx] = ctxs
    const dialogs: string[] = []
    for (const ctx of ctxs) ctx.on('page', (p) => p.on('dialog', (d) => (dialogs.push(d.message()), void d.dismiss())))
    const board = await BoardPage.open(boardCtx, onKiosk(kiosk.url, links.boardUrl))
    const phone = await PhonePage.open(phoneCtx, onKiosk(kiosk.url, links.joinUrl))
    const fac = await FacilitatorPage.open(consoleCtx, onKiosk(kiosk.url, links.facilitatorUrl))
    await phone.connected()
    const hostile = ['<img src=x onerror=alert(1)>', '<script>alert(2)</script>', '"><svg onload=alert(3)>']
    for (const text of hostile) {
      await phone.post(text)
      await waitFor(() => expect(phone.stateOf(text)).resolves.toBe('sent'))
    }
    await waitFor(() => expect(board.notes()).resolves.toEqual(hostile))
    await waitFor(() => expect(fac.noteItem('<script>alert(2)</script>').count()).resolves.toBe(1))
    for (const page of [board.page, phone.page, fac.page]) {
      expect(await page.locator('img[src="x"], svg[onload], script:not([src])').count()).toBe(0)
    }
    expect(dialogs).toEqual([])
    for (const ctx of ctxs) await ctx.close()
  })

  it('keeps notes written offline and sends them once when the phone is back', async () => {
    const links = await kiosk.createSession('オフライン')
    const boardCtx = await personContext(browser(), 'board')
    const phoneCtx = await personContext(browser(), 'phone')
    const board = await BoardPage.open(boardCtx, onKiosk(kiosk.url, links.boardUrl))
    const phone = await PhonePage.open(phoneCtx, onKiosk(kiosk.url, links.joinUrl))
    await phone.connected()
    await phoneCtx.setOffline(true)
    await phone.post('電波がないときの意見')
    await phone.post('もう一つ')
    await waitFor(() => expect(phone.stateOf('電波がないときの意見')).resolves.toMatch(/queued|sending/))
    // a reload while offline keeps the queue (it lives in local storage)
    await phoneCtx.setOffline(false)
    await phone.page.reload()
    await waitFor(() => expect(phone.stateOf('もう一つ')).resolves.toBe('sent'), { timeout: 15_000 })
    await waitFor(() => expect(board.notes()).resolves.toEqual(['電波がないときの意見', 'もう一つ']))
    await new Promise((r) => setTimeout(r, 300))
    expect(await board.notes()).toHaveLength(2)
    await boardCtx.close()
    await phoneCtx.close()
  })

  it('a facilitator creates a session in the console and moderates a note off the board', async () => {
    const consoleCtx = await personContext(browser(), 'console')
    const fac = await FacilitatorPage.open(consoleCtx, `${kiosk.url}/f?token=${kiosk.token}`)
    expect(new URL(fac.page.url()).search).toBe('') // the token leaves the address bar
    const id = await fac.createSession('コンソールから', '今日の気づき')
    const boardCtx = await personContext(browser(), 'board')
    const list = (await (await fetch(`${kiosk.url}/api/sessions`, { headers: { authorization: `Bearer ${kiosk.token}` } })).json()) as Array<{ id: string; boardUrl: string; joinUrl: string }>
    const links = list.find((s) => s.id === id)!
    const board = await BoardPage.open(boardCtx, onKiosk(kiosk.url, links.boardUrl))
    const phone = await kiosk.phone(id)
    await phone.timeout(5_000).emitWithAck('note:create', { id: 'e2e-1', text: '消される付箋' })
    await waitFor(() => expect(board.notes()).resolves.toEqual(['消される付箋']))
    await fac.moderate('消される付箋', /^(隠す|Hide)$/)
    await waitFor(() => expect(board.notes()).resolves.toEqual([]))
    await fac.page.screenshot({ path: path.join(ARTIFACTS, 'core-console.png') })
    expect(consoleCtx.errors).toEqual([])
    await consoleCtx.close()
    await boardCtx.close()
  })

  it('gives a phone that opens an unknown session a clear page', async () => {
    const ctx = await personContext(browser(), 'phone')
    const page = await ctx.newPage()
    const res = await page.goto(`${kiosk.url}/j/abcdefghjk`)
    expect(res?.status()).toBe(404)
    expect(await page.getByRole('heading', { name: 'セッションが見つかりません' }).count()).toBe(1)
    await ctx.close()
  })
})
