import { mount } from 'svelte'
import '../lib/base.css'
import './console.css'
import FullPageMessage from '../lib/FullPageMessage.svelte'
import { Facilitator, SessionsHome, takeToken } from '../lib/facilitator.svelte.ts'
import { sessionIdFromPath } from '../lib/page.ts'
import { SessionConsole } from '../lib/session-console.svelte.ts'
import ConsoleApp from './ConsoleApp.svelte'

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
