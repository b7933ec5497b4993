import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { docs as yjsRooms } from '@y/websocket-server/utils'
import { notesMap, readMeta, readNotes } from '../../shared/board-doc.ts'
import { newClientId } from '../../shared/ids.ts'
import { emitAck, tryUpgrade, useKiosk } from '../helpers/kiosk.ts'
import { waitFor } from '../helpers/wait.ts'

describe('who may open the board over y-websocket', () => {
  const kiosk = useKiosk()
  const yjsUrl = (id: string, query = '') => `${kiosk().url.replace('http', 'ws')}/yjs/${id}${query}`

  it('refuses the session id alone, which every phone has', async () => {
    const links = await kiosk().createSession()
    expect(await tryUpgrade(yjsUrl(links.id))).toBe(401)
  })

  it('refuses a wrong key and a wrong token', async () => {
    const links = await kiosk().createSession()
    expect(await tryUpgrade(yjsUrl(links.id, '?key=AAAAAAAAAAAAAAAAAAAAAA'))).toBe(401)
    expect(await tryUpgrade(yjsUrl(links.id, '?token=nope'))).toBe(401)
  })

  it("refuses one session's key on another session", async () => {
    const a = await kiosk().createSession()
    const b = await kiosk().createSession()
    const keyOfA = new URL(a.boardUrl).search
    expect(await tryUpgrade(yjsUrl(b.id, keyOfA))).toBe(401)
    expect(await tryUpgrade(yjsUrl(a.id, keyOfA))).toBe(101)
  })

  it('refuses unknown and malformed session ids before any document exists', async () => {
    const roomsBefore = yjsRooms.size
    expect(await tryUpgrade(yjsUrl('abcdefghjk', `?token=${kiosk().token}`))).toBe(404)
    expect(await tryUpgrade(yjsUrl('..%2F..%2Fetc', `?token=${kiosk().token}`))).toBe(404)
    expect(await tryUpgrade(`${kiosk().url.replace('http', 'ws')}/elsewhere`)).toBe(404)
    expect(yjsRooms.size).toBe(roomsBefore)
    expect(yjsRooms.has('abcdefghjk')).toBe(false)
  })

  it('refuses a page from another site (cross-site WebSocket hijacking) but allows its own origin', async () => {
    const links = await kiosk().createSession()
    const key = new URL(links.boardUrl).search
    expect(await tryUpgrade(yjsUrl(links.id, key), { Origin: 'http://evil.example' })).toBe(403)
    expect(await tryUpgrade(yjsUrl(links.id, key), { Origin: kiosk().url })).toBe(101)
  })

  it("drops a read-only board's changes on the server", async () => {
    const links = await kiosk().createSession('元のタイトル')
    const reader = await kiosk().board(links, 'key')
    const writer = await kiosk().board(links, 'token')
    // the read-only client changes its own copy; nobody else may see it
    reader.doc.transact(() => {
      reader.doc.getMap('meta').set('title', 'hijacked')
      const fake = new Y.Map<unknown>()
      fake.set('text', 'injected')
      fake.set('createdAt', Date.now())
      fake.set('status', 'visible')
      notesMap(reader.doc).set('fake', fake)
    })
    // a legitimate change after it shows the server processed both connections' traffic
    const phone = await kiosk().phone(links.id)
    await emitAck(phone, 'note:create', { id: newClientId(), text: 'real note' })
    await waitFor(() => expect(readNotes(writer.doc).map((n) => n.text)).toEqual(['real note']))
    expect(readMeta(writer.doc).title).toBe('元のタイトル')
    const live = kiosk().kiosk.sessions.get(links.id)!
    expect(readMeta(live.doc).title).toBe('元のタイトル')
    expect(notesMap(live.doc).has('fake')).toBe(false)
  })

  it("applies the facilitator's changes and shows them to read-only boards", async () => {
    const links = await kiosk().createSession('前')
    const reader = await kiosk().board(links, 'key')
    const writer = await kiosk().board(links, 'token')
    writer.doc.getMap('meta').set('title', '後')
    await waitFor(() => expect(readMeta(reader.doc).title).toBe('後'))
  })

  it('publishes the number of connected phones (not tabs, not facilitators) in the board awareness', async () => {
    const links = await kiosk().createSession()
    const { provider } = await kiosk().board(links)
    const phones = () =>
      [...provider.awareness.getStates().values()].map((s) => (s as { kurumaza?: { phones: number } }).kurumaza?.phones).find((n) => n !== undefined)
    const a = await kiosk().phone(links.id, { deviceId: 'phone-a' })
    await kiosk().phone(links.id, { deviceId: 'phone-b' })
    const secondTab = await kiosk().phone(links.id, { deviceId: 'phone-b' })
    await kiosk().facilitator(links.id)
    await waitFor(() => expect(phones()).toBe(2))
    a.close()
    secondTab.close()
    await waitFor(() => expect(phones()).toBe(1))
  })
})
