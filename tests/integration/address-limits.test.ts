import { describe, expect, it } from 'vitest'
import type { Ack } from '../../shared/errors.ts'
import { LIMITS } from '../../shared/limits.ts'
import type { SessionLinks } from '../../shared/protocol.ts'
import { emitAck, kioskForTest, type TestKiosk } from '../helpers/kiosk.ts'
import { waitFor } from '../helpers/wait.ts'

/** A session with one note on the ballot of an open vote; returns the note's id. */
async function openVoteOnOneNote(kiosk: TestKiosk, perPhone: number): Promise<{ links: SessionLinks; noteId: string }> {
  const links = await kiosk.createSession()
  const fac = await kiosk.facilitator(links.id)
  const note = await emitAck<Ack<{ noteId: string }>>(fac, 'note:create', { id: 'paper-1', text: '紙の付箋' })
  if (!note.ok) throw new Error(`note: ${note.error}`)
  expect(await emitAck(fac, 'vote:open', { perPhone, maxPerNote: perPhone, showLive: true })).toMatchObject({ ok: true })
  return { links, noteId: note.noteId }
}

/** One phone per device id: connect, place a dot, leave. */
async function castFrom(kiosk: TestKiosk, links: SessionLinks, noteId: string, deviceIds: string[], localAddress?: string): Promise<Array<Ack<object>>> {
  const out: Array<Ack<object>> = []
  // A few at a time, as a script would, without holding 150 connections open at once.
  for (let i = 0; i < deviceIds.length; i += 15) {
    const batch = await Promise.all(
      deviceIds.slice(i, i + 15).map(async (deviceId) => {
        const phone = await kiosk.phone(links.id, { deviceId, localAddress })
        const ack = await emitAck<Ack<object>>(phone, 'vote:cast', { noteId })
        phone.close()
        return ack
      }),
    )
    out.push(...batch)
  }
  return out
}

const dots = async (kiosk: TestKiosk, links: SessionLinks, noteId: string) => {
  const { doc } = await kiosk.board(links, 'token')
  return () => doc.getMap('votes').get(noteId)
}

describe('per-phone budgets are held per network address too', () => {
  it('refuses dots from fresh device ids past the allowance of one address; the board stays bounded and other addresses still vote', async () => {
    // 127.0.0.1 counts as a network address here (it is exempt by default); 127.0.0.2 is another.
    const kiosk = await kioskForTest({ loopbackExempt: false, limits: { maxConnectionsPerAddress: 1_000 } as never })
    const { links, noteId } = await openVoteOnOneNote(kiosk, 1)
    const ids = Array.from({ length: 150 }, (_, i) => `stuffer-${i}`)
    const acks = await castFrom(kiosk, links, noteId, ids)
    const ok = acks.filter((a) => a.ok).length
    expect(ok).toBe(LIMITS.maxPhonesPerAddress)
    expect(acks.filter((a) => !a.ok && a.error === 'rate_limited')).toHaveLength(150 - LIMITS.maxPhonesPerAddress)
    const onBoard = await dots(kiosk, links, noteId)
    await waitFor(() => expect(onBoard()).toBe(LIMITS.maxPhonesPerAddress))

    // A phone already counted at that address keeps its rights: it may take its dot back and place it again.
    const known = await kiosk.phone(links.id, { deviceId: 'stuffer-0' })
    expect(await emitAck(known, 'vote:retract', { noteId })).toMatchObject({ ok: true })
    expect(await emitAck(known, 'vote:cast', { noteId })).toMatchObject({ ok: true })

    // Another address is not held back by the first.
    const elsewhere = await castFrom(kiosk, links, noteId, ['other-room-1', 'other-room-2'], '127.0.0.2')
    expect(elsewhere).toEqual([expect.objectContaining({ ok: true }), expect.objectContaining({ ok: true })])
    await waitFor(() => expect(onBoard()).toBe(LIMITS.maxPhonesPerAddress + 2))
  }, 120_000) // 150 phones one after another, on a machine that may be busy

  it('limits how fast one address places and takes back dots, whatever the device ids', async () => {
    const kiosk = await kioskForTest({
      loopbackExempt: false,
      limits: { budgetActionsBurstPerAddress: 5, budgetActionsPerMinutePerAddress: 1 } as never,
    })
    const { links, noteId } = await openVoteOnOneNote(kiosk, 1)
    const phone = await kiosk.phone(links.id, { deviceId: 'busy-phone' })
    const answers: string[] = []
    for (let i = 0; i < 4; i++) {
      const cast = await emitAck<Ack<object>>(phone, 'vote:cast', { noteId })
      const back = await emitAck<Ack<object>>(phone, 'vote:retract', { noteId })
      answers.push(cast.ok ? 'ok' : cast.error, back.ok ? 'ok' : back.error)
    }
    // Five actions, then the address waits: the dot it could not take back is still placed.
    expect(answers).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'rate_limited', 'over_budget', 'rate_limited'])
    // A budget already spent is answered as such, not as a rate (the phone learns something true).
    const other = await kiosk.phone(links.id, { deviceId: 'calm-phone', localAddress: '127.0.0.2' })
    expect(await emitAck(other, 'vote:cast', { noteId })).toMatchObject({ ok: true })
    expect(await emitAck(other, 'vote:cast', { noteId })).toEqual({ ok: false, error: 'over_budget' })
  })

  it('leaves clients on the kiosk itself (loopback) out of the per-address limits, as the contract says', async () => {
    const kiosk = await kioskForTest()
    const { links, noteId } = await openVoteOnOneNote(kiosk, 1)
    const n = LIMITS.maxPhonesPerAddress + 10
    const acks = await castFrom(kiosk, links, noteId, Array.from({ length: n }, (_, i) => `bench-${i}`))
    expect(acks.every((a) => a.ok)).toBe(true)
    const onBoard = await dots(kiosk, links, noteId)
    await waitFor(() => expect(onBoard()).toBe(n))
  })
})
