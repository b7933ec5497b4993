import { mount } from 'svelte'
import '../lib/base.css'
import './console.css'
import FullPageMessage from '../lib/FullPageMessage.svelte'
import { addMessages } from '../lib/i18n.ts'
import { VOTE_MESSAGES } from '../lib/i18n-vote.ts'
import { CONSOLE_MESSAGES } from '../lib/i18n-console.ts'
import { Facilitator, SessionsHome, takeToken } from './facilitator.svelte.ts'
import { sessionIdFromPath } from '../lib/page.ts'
import { SessionConsole } from './session-console.svelte.ts'
import ConsoleApp from './ConsoleApp.svelte'

addMessages(CONSOLE_MESSAGES)
addMessages(VOTE_MESSAGES)

const target = document.getElementById('app')!
const token = takeToken()
const id = sessionIdFromPath()

if (!token) {
  mount(FullPageMessage, { target, props: { title: 'console.noTokenTitle', body: 'console.noTokenBody' } })
} else {
  const facilitator = new Facilitator(token)
  if (id === undefined) {
    const home = new SessionsHome(facilitator)
    void home.load()
    mount(ConsoleApp, { target, props: { facilitator, view: { kind: 'home', home } } })
  } else {
    const session = new SessionConsole(facilitator, id)
    session.start()
    mount(ConsoleApp, { target, props: { facilitator, view: { kind: 'session', session } } })
  }
}
