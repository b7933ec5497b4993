import { mount } from 'svelte'
import '../lib/base.css'
import './phone.css'
import FullPageMessage from '../lib/FullPageMessage.svelte'
import { sessionIdFromPath, validSessionId } from '../lib/page.ts'
import { PhoneSession } from './phone-session.svelte.ts'
import Phone from './Phone.svelte'

const target = document.getElementById('app')!
const id = sessionIdFromPath()

if (validSessionId(id)) {
  const session = new PhoneSession(id)
  session.start()
  mount(Phone, { target, props: { session } })
} else {
  // A mistyped or truncated link: no need to ask the kiosk.
  mount(FullPageMessage, { target, props: { title: 'phone.notFoundTitle', body: 'phone.notFoundBody' } })
}
