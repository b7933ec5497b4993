import { describe, expect, it, vi } from 'vitest'
import { startKiosk } from '../helpers/kiosk.ts'
import { HAS_BROWSER, personContext, useBrowser } from './browser.ts'
import { BoardPage, onKiosk, PhonePage } from './pages.ts'
import { waitFor } from '../helpers/wait.ts'

describe.skipIf(!HAS_BROWSER)('when the kiosk restarts mid-session', () => {
  const browser = useBrowser()

  it('the board and the phones recover by themselves, and queued notes arrive once', async () => {
    const first = await startKiosk()
    const links = await first.createSession('再起動')
    const boardCtx = await personContext(browser(), 'board')
    const phoneCtx = await personContext(browser(), 'phone')
    const board = await BoardPage.open(boardCtx, onKiosk(first.url, links.boardUrl))
    const phone = await PhonePage.open(phoneCtx, onKiosk(first.url, links.joinUrl))
    await phone.connected()
    await phone.post('再起動の前')
    await waitFor(() => expect(board.notes()).resolves.toEqual(['再起動の前']))

    await first.close()
    await waitFor(() => expect(board.page.getByTestId('reconnecting').count()).resolves.toBe(1), { timeout: 10_000 })
    await phone.post('止まっている間の意見')
    await waitFor(() => expect(phone.stateOf('止まっている間の意見')).resolves.toMatch(/queued|sending/))

    const second = await startKiosk({ dataDir: first.dataDir, port: first.port, facilitatorToken: first.token })
    try {
      // nobody touches the projector or the phone
      await waitFor(() => expect(phone.stateOf('止まっている間の意見')).resolves.toBe('sent'), { timeout: 20_000 })
      await waitFor(() => expect(board.notes()).resolves.toEqual(['再起動の前', '止まっている間の意見']), { timeout: 20_000 })
      await waitFor(() => expect(board.page.getByTestId('reconnecting').count()).resolves.toBe(0))
      expect(await board.notes()).toHaveLength(2)
    } finally {
      await boardCtx.close()
      await phoneCtx.close()
      await second.close()
    }
  })
})
