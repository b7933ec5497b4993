import { readMeta } from '../../shared/board-doc.ts'
import type { VoteResult, VoteTurnout } from '../../shared/protocol.ts'
import { ranking } from '../board/ballot.ts'
import type { Kiosk } from '../context.ts'
import type { LiveSession } from '../sessions/session.ts'
import { facilitatorsRoom, phonesRoom, type KioskServer, type KioskSocket } from './socket.ts'

/**
 * What a vote found, for the people in the room: phones get the ranking when it closes (so
 * "the vote is over" comes with its result), facilitators see how many phones have voted
 * while it runs. Only counts leave here, never who voted for what.
 */
const TURNOUT_EVERY_MS = 1_000

function resultOf(kiosk: Kiosk, session: LiveSession): VoteResult | null {
  const vote = readMeta(session.doc).vote
  if (!vote || vote.open) return null
  return { voteId: vote.id, ranking: ranking(session.doc, kiosk.config.limits.maxRankedOnPhone), voters: kiosk.records.voters(session.row.id, vote.id) }
}

function turnoutOf(kiosk: Kiosk, session: LiveSession): VoteTurnout | null {
  const vote = readMeta(session.doc).vote
  if (!vote) return null
  return { voteId: vote.id, voted: kiosk.records.voters(session.row.id, vote.id), phones: session.phones.size }
}

/** A phone or console that connects after a vote learns where it stands. */
export function greetWithVote(kiosk: Kiosk, session: LiveSession, socket: KioskSocket): void {
  if (socket.data.role === 'phone') {
    const result = resultOf(kiosk, session)
    if (result) socket.emit('vote:result', result)
  } else {
    const turnout = turnoutOf(kiosk, session)
    if (turnout) socket.emit('vote:turnout', turnout)
  }
}

export function attachVoteResults(io: KioskServer, kiosk: Kiosk): () => void {
  const lastVote = new Map<string, string>()
  const pending = new Map<string, NodeJS.Timeout>()

  const sendTurnout = (session: LiveSession) => {
    const turnout = turnoutOf(kiosk, session)
    if (turnout) io.to(facilitatorsRoom(session.row.id)).emit('vote:turnout', turnout)
  }
  const offState = kiosk.sessions.events.state.on((id) => {
    const session = kiosk.sessions.get(id)
    if (!session) return
    const vote = readMeta(session.doc).vote
    const key = vote ? `${vote.id}:${vote.open}` : ''
    if ((lastVote.get(id) ?? '') === key) return
    lastVote.set(id, key)
    io.to(phonesRoom(id)).emit('vote:result', resultOf(kiosk, session))
    sendTurnout(session)
  })
  // Dots arrive in bursts when a vote opens: the console hears the count at most once a second.
  const offVotes = kiosk.sessions.events.votes.on((session) => {
    const id = session.row.id
    if (pending.has(id)) return
    const t = setTimeout(() => {
      pending.delete(id)
      sendTurnout(session)
    }, TURNOUT_EVERY_MS)
    t.unref()
    pending.set(id, t)
  })
  return () => {
    offState()
    offVotes()
    for (const t of pending.values()) clearTimeout(t)
  }
}
