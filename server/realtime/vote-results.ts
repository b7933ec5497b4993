import { readMeta } from '../../shared/board-doc.ts'
import type { VoteResult, VoteTurnout } from '../../shared/protocol.ts'
import { ranking } from '../board/ballot.ts'
import type { Kiosk } from '../context.ts'
import type { LiveSession } from '../sessions/session.ts'
import { onVoteChange, perSessionThrottle } from './session-watch.ts'
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
  const sendTurnout = (session: LiveSession) => {
    const turnout = turnoutOf(kiosk, session)
    if (turnout) io.to(facilitatorsRoom(session.row.id)).emit('vote:turnout', turnout)
  }
  const offVote = onVoteChange(kiosk, (session) => {
    io.to(phonesRoom(session.id)).emit('vote:result', resultOf(kiosk, session))
    sendTurnout(session)
  })
  // Dots arrive in bursts when a vote opens: the console hears the count at most once a second.
  const turnout = perSessionThrottle(TURNOUT_EVERY_MS, sendTurnout)
  const offVotes = kiosk.sessions.events.votes.on((session) => turnout.poke(session))
  return () => {
    offVote()
    offVotes()
    turnout.stop()
  }
}
