import { fail } from '../../shared/errors.ts'
import { readMeta } from '../../shared/board-doc.ts'
import type { VoteSettings } from '../../shared/board.ts'
import type { Ballot, MyDots } from '../../shared/protocol.ts'
import { ballotNotes as groupedNotes, notesInScope } from '../board/ballot.ts'
import { addDots, noteStatus } from '../board/rules.ts'
import type { Kiosk } from '../context.ts'
import type { Change, LiveSession } from '../sessions/session.ts'
import { rows } from '../store/rows.ts'
import { voteCastSchema } from '../../shared/schemas.ts'
import { onVoteChange, perSessionThrottle } from './session-watch.ts'
import { handler, phonesRoom, type KioskServer, type KioskSocket } from './socket.ts'

/**
 * Dot voting. Each phone's dots are kept in the database (so its budget holds across
 * reconnects and restarts); the board shows only the totals, so the vote is anonymous.
 * A dot and the board's total change together in one transaction.
 */
function myDots(kiosk: Kiosk, session: LiveSession, voteId: string, perPhone: number, phoneKey: string): MyDots {
  const mine = kiosk.records.myDots(session.id, voteId, phoneKey)
  const used = Object.values(mine).reduce((a, b) => a + b, 0)
  return { mine, remaining: Math.max(0, perPhone - used) }
}

type BallotBase = Omit<Ballot, 'mine' | 'remaining'>

/**
 * The notes on the ballot are those visible when the vote opened (less any hidden or deleted
 * since): notes posted during the vote are not on it. So the ballot does not change, and is not
 * sent again to every phone, each time someone posts while the room votes. Kept in memory; after
 * a restart the set is taken afresh from the visible notes.
 */
const ballotNotes = new WeakMap<LiveSession, { voteId: string; ids: Set<string> }>()

function onBallot(session: LiveSession, vote: Pick<VoteSettings, 'id' | 'promptIds'>): Set<string> {
  let entry = ballotNotes.get(session)
  if (entry?.voteId !== vote.id) {
    // Only the prompts the vote covers (what the board showed when it opened).
    entry = { voteId: vote.id, ids: new Set(notesInScope(session.doc, vote).map((n) => n.id)) }
    ballotNotes.set(session, entry)
  }
  return entry.ids
}

/** The part of the open vote's ballot that is the same for every phone, or null when none is open. */
function ballotBase(session: LiveSession): BallotBase | null {
  const vote = readMeta(session.doc).vote
  if (!vote?.open) return null
  const notes = groupedNotes(session.doc, onBallot(session, vote))
  return { voteId: vote.id, open: true, perPhone: vote.perPhone, maxPerNote: vote.maxPerNote, notes }
}

/** What one phone sees of the open vote, or null when none is open. */
export function ballotFor(kiosk: Kiosk, session: LiveSession, phoneKey: string, base = ballotBase(session)): Ballot | null {
  if (!base) return null
  return { ...base, ...myDots(kiosk, session, base.voteId, base.perPhone, phoneKey) }
}

/** One dot placed (+1) or taken back (-1): the note's total on the board and the phone's ballot row together. */
const moveDot = (sessionId: string, voteId: string, phoneKey: string, noteId: string, dotsAfter: number, delta: 1 | -1): Change<void> => ({
  apply: (doc) => addDots(doc, noteId, delta),
  rows: () => [rows.dots(sessionId, voteId, phoneKey, noteId, dotsAfter)],
})

export function registerVoteHandlers(socket: KioskSocket, session: LiveSession, kiosk: Kiosk): void {
  const change = (delta: 1 | -1) =>
    handler(kiosk, (payload) => {
      const parsed = voteCastSchema.safeParse(payload)
      if (!parsed.success) return fail('invalid')
      const { noteId } = parsed.data
      const { phoneKey } = socket.data
      // One phone's dots are changed one at a time, each checked against the stored ballot.
      return session.queue(phoneKey, async () => {
        const vote = readMeta(session.doc).vote
        if (!vote?.open) return fail('no_vote')
        const before = myDots(kiosk, session, vote.id, vote.perPhone, phoneKey)
        const onNote = before.mine[noteId] ?? 0
        if (delta === 1) {
          if (noteStatus(session.doc, noteId) !== 'visible' || !onBallot(session, vote).has(noteId)) return fail('not_found')
          if (before.remaining < 1 || onNote >= vote.maxPerNote) return fail('over_budget')
        } else if (onNote < 1) return fail('not_found')
        // Fresh device ids from one address do not make fresh budgets.
        const spend = { kind: 'vote', session: session.id, scope: vote.id, address: socket.data.address, phoneKey, adds: delta === 1 } as const
        if (socket.data.role === 'phone' && !kiosk.allowance.take(spend)) return fail('rate_limited')
        await session.commit(moveDot(session.id, vote.id, phoneKey, noteId, onNote + delta, delta))
        return { ok: true as const, ...myDots(kiosk, session, vote.id, vote.perPhone, phoneKey) }
      })
    })
  socket.on('vote:cast', change(1))
  socket.on('vote:retract', change(-1))
}

/**
 * Keeps phones' ballots current: everyone gets one when a vote opens or closes, and again
 * (at most once a second) when the notes on it change while it is open.
 */
export function attachBallots(io: KioskServer, kiosk: Kiosk): () => void {
  const lastNotes = new Map<string, string>()

  const sendAll = async (session: LiveSession) => {
    const room = phonesRoom(session.id)
    // The notes are read once for everyone. Phones that have not voted yet (all of them when a
    // vote opens) get one broadcast, which Socket.io encodes once instead of once per phone.
    const base = ballotBase(session)
    if (!base) {
      io.to(room).emit('vote:ballot', null)
      return
    }
    const sockets = await io.in(room).fetchSockets()
    const voted: Array<{ id: string; ballot: Ballot }> = []
    for (const s of sockets) {
      const dots = myDots(kiosk, session, base.voteId, base.perPhone, s.data.phoneKey)
      if (Object.keys(dots.mine).length > 0) voted.push({ id: s.id, ballot: { ...base, ...dots } })
    }
    io.to(room)
      .except(voted.map((v) => v.id))
      .emit('vote:ballot', { ...base, mine: {}, remaining: base.perPhone })
    for (const v of voted) io.to(v.id).emit('vote:ballot', v.ballot)
  }
  const notesSignature = (session: LiveSession) =>
    (ballotBase(session)?.notes ?? []).map((n) => `${n.noteId}\u0000${n.text}\u0000${n.group ?? ''}`).join('\u0001')

  const offVote = onVoteChange(kiosk, (session, vote) => {
    if (vote?.open) onBallot(session, vote)
    lastNotes.set(session.id, notesSignature(session))
    void sendAll(session)
  })
  const resend = perSessionThrottle(1_000, (session) => {
    const sig = notesSignature(session)
    if (sig === lastNotes.get(session.id)) return
    lastNotes.set(session.id, sig)
    void sendAll(session)
  })
  const offNotes = kiosk.sessions.events.notes.on((session) => {
    if (readMeta(session.doc).vote?.open) resend.poke(session)
  })
  return () => {
    offVote()
    offNotes()
    resend.stop()
  }
}
