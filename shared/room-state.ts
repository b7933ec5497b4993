import type { Phase } from './board.ts'

/**
 * What state the room is in, derived in one place from the session's settings, so the phone,
 * the board and the console never disagree (one saying "we are collecting" while another says
 * "posting is closed"). Every screen renders its status words from this and nothing else.
 */
export interface RoomInputs {
  closed: boolean
  locked: boolean
  phase: Phase
  /** reveal mode: notes are still face down on the board */
  faceDown: boolean
  /** the current or last vote; null before the first one */
  vote: { open: boolean } | null
}

/** Whether a phone may post: `locked` by the facilitator or a countdown, `closed` for good. */
export type Posting = 'open' | 'locked' | 'closed'

/**
 * Where the room is with a vote: `coming` (the vote phase, none open yet), `open`, `over`
 * (closed, its result is shown), or `none` (no vote is the subject now).
 */
export type VoteStage = 'none' | 'coming' | 'open' | 'over'

/** The one sentence each screen leads with; the screens word it in their own language. */
export const HEADLINES = ['closed', 'voteOpen', 'voteComing', 'voteOver', 'faceDown', 'collect', 'collectLocked', 'reveal', 'group', 'discuss'] as const
export type Headline = (typeof HEADLINES)[number]

export interface RoomState {
  posting: Posting
  vote: VoteStage
  headline: Headline
  /** said after the headline: posting is still open in a later phase, or it is locked */
  postingNote: 'stillOpen' | 'locked' | null
  /** what the board's join column invites people to do, if anything */
  invite: 'post' | 'vote' | 'none' | 'closed'
  /** notes are face down on the board */
  faceDown: boolean
}

export function roomState(input: RoomInputs): RoomState {
  const posting: Posting = input.closed ? 'closed' : input.locked ? 'locked' : 'open'
  const vote = voteStage(input)
  const headline = headlineOf(input, posting, vote)
  const postingNote =
    posting === 'closed' || headline === 'collectLocked'
      ? null
      : posting === 'locked'
        ? 'locked'
        : headline === 'collect'
          ? null
          : 'stillOpen'
  const invite = posting === 'closed' ? 'closed' : vote === 'open' ? 'vote' : posting === 'open' ? 'post' : 'none'
  return { posting, vote, headline, postingNote, invite, faceDown: input.faceDown && !input.closed }
}

function voteStage({ closed, phase, vote }: RoomInputs): VoteStage {
  if (closed) return vote ? 'over' : 'none'
  if (vote?.open) return 'open'
  if (phase === 'vote') return vote ? 'over' : 'coming'
  if (phase === 'discuss' && vote) return 'over'
  return 'none'
}

function headlineOf(input: RoomInputs, posting: Posting, vote: VoteStage): Headline {
  if (posting === 'closed') return 'closed'
  if (vote === 'open') return 'voteOpen'
  if (vote === 'coming') return 'voteComing'
  if (vote === 'over') return 'voteOver'
  if (input.phase === 'collect') return posting === 'locked' ? 'collectLocked' : 'collect'
  // Notes still face down: nobody is "looking at the notes" yet, whatever the phase says.
  if (input.faceDown) return 'faceDown'
  // (the vote phase was answered above, by its vote stage)
  return input.phase === 'vote' ? 'voteComing' : input.phase
}
