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
  /**
   * The agenda's current activity when it is not a note round: a survey, with where its round is
   * (`coming`: none opened yet, `open`, `closed`), or questions to the speaker (taken or not).
   * Absent or null: a note round, worded from the settings above.
   */
  activity?: RoomActivity | null
}

export type RoomActivity = { kind: 'survey'; round: 'coming' | 'open' | 'closed' } | { kind: 'questions'; open: boolean }

/** Whether a phone may post: `locked` by the facilitator or a countdown, `closed` for good. */
export type Posting = 'open' | 'locked' | 'closed'

/**
 * Where the room is with a vote: `coming` (the vote phase, none open yet), `open`, `over`
 * (closed, its result is shown), or `none` (no vote is the subject now).
 */
export type VoteStage = 'none' | 'coming' | 'open' | 'over'

/** The one sentence each screen leads with; the screens word it in their own language. */
export const HEADLINES = [
  'closed',
  'voteOpen',
  'voteComing',
  'voteOver',
  'faceDown',
  'collect',
  'collectLocked',
  'reveal',
  'group',
  'discuss',
  'surveyComing',
  'surveyOpen',
  'surveyClosed',
  'questionsOpen',
  'questionsClosed',
] as const
export type Headline = (typeof HEADLINES)[number]

export interface RoomState {
  /** what the room is doing: a note round (posting, voting…), a survey, or questions to the speaker */
  activity: 'notes' | 'survey' | 'questions'
  posting: Posting
  vote: VoteStage
  headline: Headline
  /** said after the headline: posting is still open in a later phase, or it is locked (note rounds only) */
  postingNote: 'stillOpen' | 'locked' | null
  /** what the board's join column invites people to do, if anything */
  invite: 'post' | 'vote' | 'none' | 'closed'
  /** notes are face down on the board */
  faceDown: boolean
}

export function roomState(input: RoomInputs): RoomState {
  const posting: Posting = input.closed ? 'closed' : input.locked ? 'locked' : 'open'
  const vote = voteStage(input)
  // The agenda's current activity is what the room is doing: a survey or questions lead the
  // sentence (phones show that activity instead of the note composer), a note round words itself.
  const activity = input.closed || !input.activity ? 'notes' : input.activity.kind
  const headline = input.activity && activity !== 'notes' ? activityHeadline(input.activity) : headlineOf(input, posting, vote)
  const postingNote =
    activity !== 'notes' || posting === 'closed' || headline === 'collectLocked'
      ? null
      : posting === 'locked'
        ? 'locked'
        : headline === 'collect'
          ? null
          : 'stillOpen'
  const invite = posting === 'closed' ? 'closed' : vote === 'open' ? 'vote' : posting === 'open' ? 'post' : 'none'
  return { activity, posting, vote, headline, postingNote, invite, faceDown: input.faceDown && !input.closed }
}

function activityHeadline(activity: RoomActivity): Headline {
  if (activity.kind === 'questions') return activity.open ? 'questionsOpen' : 'questionsClosed'
  return activity.round === 'open' ? 'surveyOpen' : activity.round === 'closed' ? 'surveyClosed' : 'surveyComing'
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
