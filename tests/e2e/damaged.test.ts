import Database from 'better-sqlite3'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { emitAck, startKiosk } from '../helpers/kiosk.ts'
import { waitFor } from '../helpers/wait.ts'
import { ARTIFACTS, HAS_BROWSER, personContext, useBrowser } from './browser.ts'
import { FacilitatorPage, onKiosk } from './pages.ts'

describe.skipIf(!HAS_BROWSER)('a session with a stored change that cannot be read', () => {
  const browser = useBrowser()

  it('tells the facilitator in the console what could not be read, and shows the rest of the board', async () => {
    const first = await startKiosk()
    const links = await first.createSession('壊れた記録の会')
    const phone = await first.phone(links.id)
    expect(await emitAck(phone, 'note:create', { id: 'kept', text: '読める付箋' })).toMatchObject({ ok: true })
    await first.close()
    const db = new Database(path.join(first.dataDir, 'kurumaza.sqlite'))
    db.prepare('INSERT INTO updates (session_id, data) VALUES (?, ?)').run(links.id, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]))
    db.close()

    const kiosk = await startKiosk({ dataDir: first.dataDir, facilitatorToken: first.token })
    const ctx = await personContext(browser(), 'console')
    try {
      const facilitator = await FacilitatorPage.open(ctx, onKiosk(kiosk.url, links.facilitatorUrl))
      const banner = facilitator.page.getByRole('alert').filter({ hasText: '1件の変更が読み取れませんでした' })
      await waitFor(() => expect(banner.count()).resolves.toBe(1), { timeout: 15_000 })
      expect(await banner.textContent()).toContain('削除せず')
      await facilitator.page.screenshot({ path: path.join(ARTIFACTS, 'console-damaged.png') })
      await waitFor(() => expect(facilitator.noteItem('読める付箋').count()).resolves.toBe(1))
      await banner.getByRole('button', { name: '閉じる' }).click()
      await waitFor(() => expect(banner.count()).resolves.toBe(0))
      expect(ctx.errors).toEqual([])
    } finally {
      await ctx.close()
      await kiosk.close()
    }
  }, 90_000)
})
