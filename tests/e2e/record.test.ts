import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { readGroups, readNotes } from '../../shared/board-doc.ts'
import { createGroup, moveNote } from '../../shared/grouping.ts'
import { newClientId } from '../../shared/ids.ts'
import type { SessionLinks, SessionSummary } from '../../shared/protocol.ts'
import { emitAck, ROOMY_LIMITS, startKiosk, tempDir, type TestKiosk } from '../helpers/kiosk.ts'
import { ARTIFACTS, HAS_BROWSER, personContext, useBrowser, type Person } from './browser.ts'
import { BoardPage, FacilitatorPage, onKiosk, PhonePage } from './pages.ts'
import { waitFor } from '../helpers/wait.ts'

/**
 * The session record in the screens (docs/RECORD.md): the console's export card and archive,
 * closing with the phones told and the files written, templates, deletion behind a question,
 * import; the board's PNG and its printed page. `npx vite build` first: the kiosk serves dist/.
 */
describe.skipIf(!HAS_BROWSER)('the session record in real browsers', () => {
  const browser = useBrowser()
  let kiosk: TestKiosk
  const contexts: BrowserContext[] = []
  beforeAll(async () => {
    kiosk = await startKiosk({ limits: ROOMY_LIMITS })
  })
  afterAll(async () => {
    for (const ctx of contexts) await ctx.close()
    await kiosk?.close()
  })

  const ctx = async (who: Person) => {
    const c = await personContext(browser(), who)
    contexts.push(c)
    return c
  }
  const api = (p: string, init: RequestInit = {}) =>
    fetch(`${kiosk.url}${p}`, { ...init, headers: { authorization: `Bearer ${kiosk.token}`, 'content-type': 'application/json', ...init.headers } })
  const list = async () => (await (await api('/api/sessions')).json()) as SessionSummary[]
  const consoleOf = async (id?: string) =>
    FacilitatorPage.open(await ctx('console'), `${kiosk.url}/f${id ? `/${id}` : ''}?token=${kiosk.token}`)
  const settled = (page: Page) => page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))))

  /** A session with notes from two phones, one of them hidden by the facilitator. */
  async function sessionWithNotes(title: string, texts: string[], hidden?: string): Promise<SessionLinks> {
    const links = await kiosk.createSession(title, '窓口業務で困っていること')
    const phones = [await kiosk.phone(links.id, { deviceId: newClientId() }), await kiosk.phone(links.id, { deviceId: newClientId() })]
    const fac = await kiosk.facilitator(links.id)
    for (const [i, text] of texts.entries()) await emitAck(phones[i % 2]!, 'note:create', { id: newClientId(), text })
    if (hidden) {
      const ack = await emitAck<{ ok: true; noteId: string }>(phones[0]!, 'note:create', { id: newClientId(), text: hidden })
      await emitAck(fac, 'note:moderate', { noteId: ack.noteId, action: 'hide' })
    }
    return links
  }

  it('saves the record as JSON, Markdown (for minutes) and CSV (for Excel) from the session page', async () => {
    const links = await sessionWithNotes('DX研修 第2回', ['紙の申請書が多すぎる', '=SUM(A1:A2)'], '非表示にされる意見')
    const fac = await consoleOf(links.id)
    await expect.poll(() => fac.exportCard.count()).toBe(1)
    expect(await fac.page.getByTestId('closed-banner').isVisible()).toBe(false)
    const day = /^\d{4}-\d{2}-\d{2}_DX研修_第2回\./

    const json = await fac.exportRecord(/^JSON$/)
    expect(json.name).toMatch(new RegExp(day.source + 'json$'))
    const record = JSON.parse(json.bytes.toString('utf8')) as { version: number; notes: Array<{ text: string }>; counts: { phones: number } }
    expect(record.version).toBe(1)
    expect(record.notes.map((n) => n.text).sort()).toEqual(['=SUM(A1:A2)', '紙の申請書が多すぎる'])
    expect(record.counts.phones).toBe(2)
    await expect.poll(() => fac.page.getByTestId('export-status').textContent()).toContain(json.name)

    const withHidden = await fac.exportRecord(/^JSON$/, { includeHidden: true })
    expect((JSON.parse(withHidden.bytes.toString('utf8')) as { notes: unknown[] }).notes).toHaveLength(3)

    const md = await fac.exportRecord(/Markdown（議事録用）/)
    expect(md.name).toMatch(new RegExp(day.source + 'md$'))
    expect(md.bytes.toString('utf8')).toMatch(/^# DX研修 第2回\n/)
    expect(md.bytes.toString('utf8')).toContain('## 問い: 窓口業務で困っていること')

    const csv = await fac.exportRecord(/CSV（Excel用）/)
    expect(csv.name).toMatch(new RegExp(day.source + 'csv$'))
    // UTF-8 with a BOM, so Excel in Japan opens it without mojibake; a formula is defused.
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    expect(csv.bytes.toString('utf8')).toContain(`"'=SUM(A1:A2)"`)

    const english = await fac.exportRecord(/CSV（Excel用）/, { lang: 'en' })
    expect(english.bytes.toString('utf8').split('\r\n')[0]).toMatch(/Prompt/)

    await fac.exportCard.scrollIntoViewIfNeeded()
    await fac.exportCard.screenshot({ path: path.join(ARTIFACTS, 'record-export-card.png') })
  })

  it('closes a session: phones are told, the record files are written and shown; then reopens it', async () => {
    const links = await sessionWithNotes('閉じる会', ['待ち時間が長い'])
    const fac = await consoleOf(links.id)
    const phone = await PhonePage.open(await ctx('phone'), onKiosk(kiosk.url, links.joinUrl))
    await phone.connected()

    // The question explains what closing does; focus starts on Cancel; Escape takes it back.
    await fac.page.getByRole('button', { name: 'セッションを終了する' }).click()
    const question = fac.dialog('「閉じる会」を終了しますか？')
    await question.waitFor()
    expect(await question.textContent()).toMatch(/スマホ.*記録（JSONとMarkdown）/)
    expect(await fac.page.evaluate(() => document.activeElement?.textContent)).toBe('キャンセル')
    await fac.page.keyboard.press('Escape')
    await expect.poll(() => question.isVisible()).toBe(false)
    expect((await list()).find((s) => s.id === links.id)?.closed).toBe(false)

    await fac.closeSession()
    await phone.page.getByTestId('closed').waitFor({ timeout: 10_000 })
    expect(await phone.page.getByRole('heading', { level: 1 }).textContent()).toBe('このセッションは終了しました')

    // The banner comes with the closed board; the files' paths with the answer to the close,
    // once both are written: wait for that answer.
    await expect.poll(() => fac.recordFiles(), { timeout: 10_000 }).toHaveLength(2)
    const files = await fac.recordFiles()
    for (const file of files) {
      expect(path.dirname(file)).toBe(path.join(kiosk.dataDir, 'records'))
      expect(fs.existsSync(file), file).toBe(true)
    }
    expect(files.map((f) => path.extname(f)).sort()).toEqual(['.json', '.md'])
    expect(fs.readFileSync(files.find((f) => f.endsWith('.md'))!, 'utf8')).toContain('待ち時間が長い')
    expect((await list()).find((s) => s.id === links.id)?.closed).toBe(true)
    await fac.page.screenshot({ path: path.join(ARTIFACTS, 'record-closed-console.png'), fullPage: true })

    await fac.reopenSession()
    await expect.poll(() => fac.closedBanner.count()).toBe(0)
    await phone.page.getByTestId('closed').waitFor({ state: 'detached', timeout: 10_000 })
    await phone.post('再開後の意見')
    await expect.poll(() => phone.stateOf('再開後の意見'), { timeout: 10_000 }).toMatch(/sent|visible/)
  })

  it('lists the archive with date, notes, phones and a closed badge; duplicates a template; deletes only after a question', async () => {
    const kept = await sessionWithNotes('研修アーカイブ「窓口」', ['電話の問い合わせで手が止まる', '押印のために来庁'])
    const done = await sessionWithNotes('終わった研修', ['一件だけ'])
    await api(`/api/sessions/${done.id}/close`, { method: 'POST' })
    const doomed = await kiosk.createSession('消す研修', '')

    const fac = await consoleOf()
    const card = fac.sessionCard('研修アーカイブ「窓口」')
    await card.waitFor()
    expect(await fac.page.getByTestId('archive-status').isVisible()).toBe(false)
    const meta = (await card.locator('.meta').textContent())!.replace(/\s+/g, ' ')
    expect(meta).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 \d{1,2}:\d{2}/)
    expect(meta).toContain('付箋 2枚')
    expect(meta).toContain('投稿した端末 2台')
    expect(await fac.sessionCard('終わった研修').getAttribute('data-closed')).toBe('true')
    expect(await fac.sessionCard('終わった研修').getByText('終了', { exact: true }).isVisible()).toBe(true)
    expect(await card.getAttribute('data-closed')).toBe('false')
    await fac.page.screenshot({ path: path.join(ARTIFACTS, 'record-archive.png'), fullPage: true })

    // The list's own export buttons save the same files.
    const [download] = await Promise.all([fac.page.waitForEvent('download'), card.getByRole('button', { name: /^CSV/ }).click()])
    expect(download.suggestedFilename()).toMatch(/^\d{4}-\d{2}-\d{2}_研修アーカイブ「窓口」\.csv$/)

    // Delete: a question that names the session, focus inside it, Escape keeps everything.
    await fac.sessionCard('消す研修').getByRole('button', { name: '削除' }).click()
    const question = fac.dialog('「消す研修」を削除しますか？')
    await question.waitFor()
    expect(await fac.page.evaluate(() => document.activeElement?.closest('dialog')?.open === true)).toBe(true)
    expect(await question.getByRole('button', { name: '削除する' }).count()).toBe(1)
    await fac.page.screenshot({ path: path.join(ARTIFACTS, 'record-delete-dialog.png') })
    await fac.page.keyboard.press('Escape')
    await expect.poll(() => question.isVisible()).toBe(false)
    expect((await list()).some((s) => s.id === doomed.id)).toBe(true)

    await fac.deleteSession('消す研修')
    await expect.poll(() => fac.sessionCard('消す研修').count()).toBe(0)
    await expect.poll(() => fac.page.getByTestId('archive-status').textContent()).toContain('「消す研修」を削除しました。')
    expect(await fac.page.evaluate(() => document.activeElement?.id)).toBe('sessions-heading')
    expect((await list()).some((s) => s.id === doomed.id)).toBe(false)

    // Close from the list: the same question, then the files' paths in the card.
    await card.getByRole('button', { name: /^終了する$/ }).click()
    await fac.dialog('「研修アーカイブ「窓口」」を終了しますか？').getByRole('button', { name: '終了する' }).click()
    await expect.poll(() => card.getAttribute('data-closed')).toBe('true')
    const paths = (await card.getByTestId('record-file').allTextContents()).map((f) => f.trim())
    expect(paths).toHaveLength(2)
    for (const file of paths) expect(fs.existsSync(file)).toBe(true)
    await card.getByRole('button', { name: /^再開する$/ }).click()
    await expect.poll(() => card.getAttribute('data-closed')).toBe('false')

    // A template: same title and prompt, no notes; the console opens it.
    await card.getByRole('button', { name: 'テンプレートとして複製' }).click()
    await fac.page.waitForURL(/\/f\/[a-z2-9]{10}$/)
    const copyId = new URL(fac.page.url()).pathname.split('/')[2]!
    expect(copyId).not.toBe(kept.id)
    await expect.poll(() => fac.page.getByRole('heading', { level: 1 }).textContent()).toBe('研修アーカイブ「窓口」（複製）')
    const copy = (await list()).find((s) => s.id === copyId)!
    expect(copy).toMatchObject({ title: '研修アーカイブ「窓口」（複製）', prompt: '窓口業務で困っていること', notes: 0, closed: false })
  })

  it('imports a record file as a new session, and says in words why a broken one is refused', async () => {
    const links = await sessionWithNotes('読み込む研修', ['会議が多い', '資料が紙'])
    const dir = tempDir('kurumaza-import-')
    const good = path.join(dir, 'record.json')
    fs.writeFileSync(good, await (await api(`/api/sessions/${links.id}/export?format=json`)).text())
    const notJson = path.join(dir, 'broken.json')
    fs.writeFileSync(notJson, '{ "version": 1, ')
    const notRecord = path.join(dir, 'other.json')
    fs.writeFileSync(notRecord, JSON.stringify({ hello: 'world' }))

    const fac = await consoleOf()
    await fac.importRecord(notJson)
    await expect.poll(() => fac.page.getByTestId('import-error').textContent()).toMatch(/JSONとして読めません/)
    await fac.importRecord(notRecord)
    await expect.poll(() => fac.page.getByTestId('import-error').textContent()).toMatch(/車座の記録ではないか/)
    expect(await fac.page.getByLabel('記録ファイル（JSON）').getAttribute('aria-invalid')).toBe('true')

    await fac.importRecord(good)
    await fac.page.waitForURL(/\/f\/[a-z2-9]{10}$/)
    const id = new URL(fac.page.url()).pathname.split('/')[2]!
    expect(id).not.toBe(links.id)
    await expect.poll(() => fac.noteItem('資料が紙').count(), { timeout: 10_000 }).toBe(1)
    expect(await fac.noteItem('会議が多い').count()).toBe(1)
  })

  it('saves the board as a PNG drawn in the browser, at twice 1920×1080', async () => {
    const links = await sessionWithNotes('PNGの会', ['紙の申請書が多すぎる', '押印のために来庁してもらう', '窓口の待ち時間が長い', 'Wi-Fi が遅い'])
    const { doc } = await kiosk.board(links, 'token')
    await waitFor(() => expect(readNotes(doc)).toHaveLength(4))
    const byText = new Map(readNotes(doc).map((n) => [n.text, n.id]))
    createGroup(doc, 'g-paper', '紙と押印')
    moveNote(doc, byText.get('紙の申請書が多すぎる')!, 'g-paper')
    moveNote(doc, byText.get('押印のために来庁してもらう')!, 'g-paper')
    await waitFor(() => expect(readGroups(kiosk.kiosk.sessions.get(links.id)!.doc)).toHaveLength(1))
    const fac = await kiosk.facilitator(links.id)
    const phones = [await kiosk.phone(links.id, { deviceId: newClientId() }), await kiosk.phone(links.id, { deviceId: newClientId() })]
    await emitAck(fac, 'vote:open', { perPhone: 2, maxPerNote: 2, showLive: true })
    for (const p of phones) await emitAck(p, 'vote:cast', { noteId: byText.get('窓口の待ち時間が長い') })
    await emitAck(phones[0]!, 'vote:cast', { noteId: byText.get('紙の申請書が多すぎる') })

    const board = await BoardPage.open(await ctx('board'), onKiosk(kiosk.url, links.boardUrl))
    await expect.poll(() => board.areas(), { timeout: 10_000 }).toEqual({
      紙と押印: ['紙の申請書が多すぎる', '押印のために来庁してもらう'],
      グループなし: ['窓口の待ち時間が長い', 'Wi-Fi が遅い'],
    })
    // Visible on the projector, quietly, so a new user finds them (issue 14).
    const tools = board.page.getByRole('group', { name: /^(記録|Record)$/ })
    expect(await tools.evaluate((el) => getComputedStyle(el).opacity)).toBe('1')

    const png = await board.savePng()
    expect(png.name).toMatch(/^\d{4}-\d{2}-\d{2}_PNGの会\.png$/)
    expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    expect(png.bytes.subarray(12, 16).toString('ascii')).toBe('IHDR')
    expect({ width: png.bytes.readUInt32BE(16), height: png.bytes.readUInt32BE(20) }).toEqual({ width: 3840, height: 2160 })
    fs.writeFileSync(path.join(ARTIFACTS, 'board-snapshot.png'), png.bytes)
    expect((contexts.at(-1) as BrowserContext & { errors: string[] }).errors).toEqual([])
  })

  it('prints the board on white paper: cards with borders, groups together, a small join URL and no QR code', async () => {
    const links = await sessionWithNotes('印刷の会', ['紙の申請書が多すぎる', '押印のために来庁してもらう', '窓口の待ち時間が長い'])
    const { doc } = await kiosk.board(links, 'token')
    await waitFor(() => expect(readNotes(doc)).toHaveLength(3))
    createGroup(doc, 'g-paper', '紙と押印')
    for (const n of readNotes(doc).filter((n) => n.text !== '窓口の待ち時間が長い')) moveNote(doc, n.id, 'g-paper')

    const board = await BoardPage.open(await ctx('board'), onKiosk(kiosk.url, links.boardUrl))
    await expect.poll(() => board.areas(), { timeout: 10_000 }).toMatchObject({ 紙と押印: ['紙の申請書が多すぎる', '押印のために来庁してもらう'] })
    await settled(board.page)
    const qr = board.page.getByRole('img', { name: /参加用のQRコード|QR code to join/ })
    expect(await qr.isVisible()).toBe(true)
    const sheet = board.page.getByTestId('print-sheet')
    expect(await sheet.isVisible()).toBe(false)

    await board.page.emulateMedia({ media: 'print' })
    expect(await board.page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(255, 255, 255)')
    expect(await qr.isVisible()).toBe(false)
    expect(await sheet.isVisible()).toBe(true)
    const look = await sheet.evaluate((el) => {
      const card = el.querySelector('[data-print-note]')!
      const area = el.querySelector('section')!
      return {
        ink: getComputedStyle(el).color,
        cardBorder: getComputedStyle(card).borderTopStyle,
        cardBg: getComputedStyle(card).backgroundColor,
        areaBreak: getComputedStyle(area).breakInside,
        animations: document.getAnimations().length,
        text: el.textContent ?? '',
      }
    })
    expect(look).toMatchObject({ ink: 'rgb(17, 17, 17)', cardBorder: 'solid', cardBg: 'rgb(255, 255, 255)', areaBreak: 'avoid', animations: 0 })
    expect(look.text).toContain('紙と押印')
    expect(look.text).toContain(new URL(links.joinUrl).pathname)

    const pdf = path.join(ARTIFACTS, 'board-print.pdf')
    await board.page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true })
    expect(fs.readFileSync(pdf).subarray(0, 5).toString('ascii')).toBe('%PDF-')
    try {
      execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', pdf, path.join(ARTIFACTS, 'board-print')])
    } catch {
      // poppler-utils is not installed: the PDF is still there to open by hand.
    }
    await board.page.emulateMedia({ media: 'screen' })
    expect(await qr.isVisible()).toBe(true)
  })
})
