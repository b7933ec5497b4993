import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { emitAck, ROOMY_LIMITS, useKiosk } from '../helpers/kiosk.ts'
import { ERROR_CODES } from '../../shared/errors.ts'

const EVENTS = ['note:create', 'note:mine', 'session:update', 'note:moderate'] as const

/** Anything JSON-ish a hostile client could put in a payload, strings with nasty characters included. */
const nastyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom('\u202E', '\u200B', '\uD800', '\uDC00', '__proto__', 'constructor', '<script>alert(1)</script>', '../../etc/passwd', ''),
)
const payload = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    nastyString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(nastyString, fc.constantFrom('id', 'text', 'ids', 'noteId', 'action', 'locked', 'title')), tie('value'), { maxKeys: 4 }),
  ),
})).value

describe('random payloads at every event', () => {
  const kiosk = useKiosk({ limits: ROOMY_LIMITS })

  it('always answers with a known error or ok, stays up, and a phone never changes the board', async () => {
    const links = await kiosk().createSession()
    const phone = await kiosk().phone(links.id)
    const live = kiosk().kiosk.sessions.get(links.id)!
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...EVENTS), payload, async (event, body) => {
        const before = Y.encodeStateVector(live.doc)
        const notesBefore = live.doc.getMap('notes').size
        const ack = await emitAck<{ ok: boolean; error?: string }>(phone, event, body)
        expect(typeof ack.ok).toBe('boolean')
        if (!ack.ok) {
          expect(ERROR_CODES).toContain(ack.error)
          expect(Y.encodeStateVector(live.doc)).toEqual(before)
        } else {
          // the only thing a phone can add is one note of its own
          expect(['note:create', 'note:mine']).toContain(event)
          if (event === 'note:create') expect(live.doc.getMap('notes').size).toBeLessThanOrEqual(notesBefore + 1)
        }
        if (event === 'session:update' || event === 'note:moderate') expect(ack).toEqual({ ok: false, error: 'unauthorized' })
      }),
      { numRuns: 300 },
    )
    expect((await fetch(`${kiosk().url}/healthz`)).status).toBe(200)
  })

  it('keeps the facilitator events safe from malformed payloads too', async () => {
    const links = await kiosk().createSession('固定')
    const fac = await kiosk().facilitator(links.id)
    const live = kiosk().kiosk.sessions.get(links.id)!
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('session:update', 'note:moderate'), payload, async (event, body) => {
        const before = Y.encodeStateVector(live.doc)
        const ack = await emitAck<{ ok: boolean; error?: string }>(fac, event, body)
        if (!ack.ok) {
          expect(ERROR_CODES).toContain(ack.error)
          expect(Y.encodeStateVector(live.doc)).toEqual(before)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('closes a connection that sends a frame far beyond any note, and stays up', async () => {
    const links = await kiosk().createSession()
    const phone = await kiosk().phone(links.id)
    const closed = new Promise<string>((resolve) => phone.once('disconnect', (reason) => resolve(reason)))
    phone.emit('note:create', { id: 'big', text: 'x'.repeat(200_000) }, () => {})
    expect(await closed).toBe('transport close')
    const again = await kiosk().phone(links.id)
    expect((await emitAck<{ ok: boolean }>(again, 'note:create', { id: 'small', text: 'still here' })).ok).toBe(true)
  })

  it('answers too_long, not a disconnect, to 10,000 emoji', async () => {
    const links = await kiosk().createSession()
    const phone = await kiosk().phone(links.id)
    expect(await emitAck(phone, 'note:create', { id: 'emoji', text: '😀'.repeat(10_000) })).toEqual({ ok: false, error: 'too_long' })
  })
})

describe('hostile traffic below the event layer', () => {
  const kiosk = useKiosk()

  it('closes a raw Socket.io socket that sends invalid UTF-8, and stays up', async () => {
    const links = await kiosk().createSession()
    const { default: WebSocket } = await import('ws')
    const ws = new WebSocket(`${kiosk().url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`)
    await new Promise((r) => ws.once('open', r))
    const code = new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)))
    // a text frame whose bytes are not UTF-8
    ws.send(Buffer.from([0x34, 0x30, 0xff, 0xfe]), { binary: false })
    expect(await code).toBe(1007)
    const phone = await kiosk().phone(links.id)
    expect((await emitAck<{ ok: boolean }>(phone, 'note:create', { id: 'after-utf8', text: 'ok' })).ok).toBe(true)
  })

  it('refuses a Socket.io handshake from another site', async () => {
    const links = await kiosk().createSession()
    await expect(kiosk().phone(links.id, { extraHeaders: { Origin: 'http://evil.example' } })).rejects.toBeTruthy()
    await expect(kiosk().phone(links.id, { extraHeaders: { Origin: kiosk().url } })).resolves.toBeTruthy()
  })

  it('drops a huge update from a read-only board and closes one over the frame limit', async () => {
    const links = await kiosk().createSession('無傷')
    const reader = await kiosk().board(links, 'key')
    const writer = await kiosk().board(links, 'token')
    // ~1 MB of nested maps written into the reader's own copy: sent, and dropped by the server
    reader.doc.transact(() => {
      let m = reader.doc.getMap('meta')
      for (let i = 0; i < 200; i++) {
        const child = new Y.Map<unknown>()
        m.set(`deep${i}`, child)
        m = child as typeof m
      }
      m.set('blob', 'x'.repeat(1_000_000))
    })
    const { default: WebSocket } = await import('ws')
    const key = new URL(links.boardUrl).searchParams.get('key')
    const raw = new WebSocket(`${kiosk().url.replace('http', 'ws')}/yjs/${links.id}?key=${key}`)
    await new Promise((r) => raw.once('open', r))
    const closed = new Promise<number>((resolve) => raw.once('close', (c) => resolve(c)))
    raw.send(Buffer.alloc(3 * 1024 * 1024, 1))
    expect(await closed).toBe(1009)
    await new Promise((r) => setTimeout(r, 200))
    expect(writer.doc.getMap('meta').get('title')).toBe('無傷')
    expect(writer.doc.getMap('meta').has('deep0')).toBe(false)
    expect((await fetch(`${kiosk().url}/healthz`)).status).toBe(200)
  })

  it.each(['/j/' + 'a'.repeat(5_000), '/b/..%2F..%2Fetc%2Fpasswd', '/api/sessions/%00/join', '/qr/' + 'z'.repeat(300) + '.svg'])(
    'answers 404 to the overlong or path-like %s',
    async (p) => {
      const res = await fetch(`${kiosk().url}${p.slice(0, 300)}`)
      expect(res.status).toBe(404)
    },
  )
})
