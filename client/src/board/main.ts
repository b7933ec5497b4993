import { mount } from 'svelte'
import '../lib/base.css'
import './themes.css'
import FullPageMessage from '../lib/FullPageMessage.svelte'
import { addMessages } from '../lib/i18n.ts'
import { BOARD_MESSAGES } from '../lib/i18n-board.ts'
import { BoardRoom } from '../lib/board-room.svelte.ts'
import { JoinInfo } from './join-info.svelte.ts'
import { sessionIdFromPath, validSessionId } from '../lib/page.ts'
import BoardApp from './BoardApp.svelte'

addMessages(BOARD_MESSAGES)

const target = document.getElementById('app')!
const id = sessionIdFromPath()
const key = new URLSearchParams(location.search).get('key')

if (!validSessionId(id)) {
  mount(FullPageMessage, { target, props: { tone: 'dark', title: 'board.notFoundTitle', body: 'board.notFoundBody' } })
} else if (!key) {
  // Without its key the kiosk would refuse the board anyway: say so before trying.
  mount(FullPageMessage, { target, props: { tone: 'dark', title: 'board.refusedTitle', body: 'board.refusedBody' } })
} else {
  const room = new BoardRoom(id, { key })
  const join = new JoinInfo(id)
  room.start()
  void join.load()
  mount(BoardApp, { target, props: { room, join } })
  void keepScreenOn()
}

/** A projector that dims mid-workshop is no use; the Wake Lock API exists only on secure origins. */
async function keepScreenOn(): Promise<void> {
  const request = async (): Promise<void> => {
    try {
      await navigator.wakeLock?.request('screen')
    } catch {
      // Not allowed (plain http on the LAN, or battery saver): the facilitator's settings decide.
    }
  }
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void request()
  })
  await request()
}
