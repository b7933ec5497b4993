import { describe, expect, it } from 'vitest'
import { PHASES } from '../../shared/board.ts'
import { roomState, type RoomActivity, type RoomInputs } from '../../shared/room-state.ts'

const ACTIVITIES: Array<RoomActivity | null> = [
  null,
  { kind: 'survey', round: 'coming' },
  { kind: 'survey', round: 'open' },
  { kind: 'survey', round: 'closed' },
  { kind: 'questions', open: true },
  { kind: 'questions', open: false },
]

/** Every combination of the settings a room can be in: 2 × 2 × 5 × 2 × 3 × 6 = 720. */
function allRooms(): RoomInputs[] {
  const out: RoomInputs[] = []
  for (const closed of [false, true])
    for (const locked of [false, true])
      for (const phase of PHASES)
        for (const faceDown of [false, true])
          for (const vote of [null, { open: true }, { open: false }])
            for (const activity of ACTIVITIES) out.push({ closed, locked, phase, faceDown, vote, activity })
  return out
}

const label = (r: RoomInputs) => JSON.stringify(r)

describe('the room state every screen renders from', () => {
  const rooms = allRooms()

  it('covers every combination', () => {
    expect(rooms).toHaveLength(720)
  })

  it.each(rooms.map((r) => [label(r), r] as const))('agrees with itself: %s', (_, input) => {
    const s = roomState(input)
    // Posting: open exactly when neither locked nor closed.
    expect(s.posting).toBe(input.closed ? 'closed' : input.locked ? 'locked' : 'open')
    // A survey or questions lead while they are the activity; the phone shows them, not the
    // composer, so nothing is said about posting notes then.
    const kind = input.closed ? 'notes' : (input.activity?.kind ?? 'notes')
    expect(s.activity).toBe(kind)
    if (kind === 'survey') expect(s.headline).toBe({ coming: 'surveyComing', open: 'surveyOpen', closed: 'surveyClosed' }[(input.activity as { round: string }).round])
    if (kind === 'questions') expect(s.headline).toBe((input.activity as { open: boolean }).open ? 'questionsOpen' : 'questionsClosed')
    if (kind !== 'notes') expect(s.postingNote).toBeNull()
    if (kind === 'notes') expect(s.headline).not.toMatch(/^(survey|questions)/)
    // A locked room says so exactly once (headline or note) in a note round, and an open one never says it.
    const saysLocked = (s.headline === 'collectLocked' ? 1 : 0) + (s.postingNote === 'locked' ? 1 : 0)
    if (kind === 'notes') expect(saysLocked).toBe(s.posting === 'locked' ? 1 : 0)
    else expect(saysLocked).toBe(0)
    // "We are collecting ideas" only while posting is open.
    if (s.headline === 'collect') expect(s.posting).toBe('open')
    // "You can still post" only while posting is open.
    if (s.postingNote === 'stillOpen') expect(s.posting).toBe('open')
    // Face-down notes are never described as being looked at or grouped.
    if (input.faceDown && !input.closed) expect(['reveal', 'group', 'discuss']).not.toContain(s.headline)
    // An open vote leads every screen in a note round (unless the session is over).
    if (input.vote?.open && !input.closed) expect([s.vote, s.invite]).toEqual(['open', 'vote'])
    if (input.vote?.open && !input.closed && kind === 'notes') expect(s.headline).toBe('voteOpen')
    // The vote phase never says "time to vote" without a ballot: coming, open, or over.
    if (input.phase === 'vote' && !input.closed && kind === 'notes') expect(['voteComing', 'voteOpen', 'voteOver']).toContain(s.headline)
    // The board invites people to post only when they can, and to scan at all only to post or vote.
    if (s.invite === 'post') expect(s.posting).toBe('open')
    if (s.posting === 'locked' && s.vote !== 'open') expect(s.invite).toBe('none')
    // A closed session is closed on every screen.
    if (input.closed) expect([s.headline, s.invite, s.posting, s.postingNote]).toEqual(['closed', 'closed', 'closed', null])
  })

  it.each([
    ['collecting', { phase: 'collect' }, { headline: 'collect', postingNote: null, invite: 'post', vote: 'none' }],
    ['collecting, locked by hand or by the timer', { phase: 'collect', locked: true }, { headline: 'collectLocked', postingNote: null, invite: 'none' }],
    ['the vote phase before the vote opens', { phase: 'vote', locked: true }, { headline: 'voteComing', vote: 'coming', postingNote: 'locked', invite: 'none' }],
    ['the vote open, posting locked', { phase: 'vote', locked: true, vote: { open: true } }, { headline: 'voteOpen', invite: 'vote', postingNote: 'locked' }],
    ['the vote closed', { phase: 'vote', vote: { open: false } }, { headline: 'voteOver', vote: 'over', postingNote: 'stillOpen' }],
    ['discussing after the vote', { phase: 'discuss', vote: { open: false } }, { headline: 'voteOver', vote: 'over' }],
    ['the reveal phase with cards still face down', { phase: 'reveal', faceDown: true }, { headline: 'faceDown', faceDown: true }],
    ['the reveal phase, cards face up', { phase: 'reveal' }, { headline: 'reveal', postingNote: 'stillOpen' }],
    ['closed after a vote', { closed: true, locked: true, phase: 'discuss', vote: { open: false } }, { headline: 'closed', vote: 'over', invite: 'closed' }],
    ['a survey before its round opens', { activity: { kind: 'survey', round: 'coming' } }, { activity: 'survey', headline: 'surveyComing', postingNote: null }],
    ['a survey answering, posting locked', { locked: true, activity: { kind: 'survey', round: 'open' } }, { activity: 'survey', headline: 'surveyOpen', postingNote: null }],
    ['a survey whose round closed', { phase: 'discuss', activity: { kind: 'survey', round: 'closed' } }, { headline: 'surveyClosed', postingNote: null }],
    ['questions to the speaker', { activity: { kind: 'questions', open: true } }, { activity: 'questions', headline: 'questionsOpen' }],
    ['questions closed', { activity: { kind: 'questions', open: false } }, { headline: 'questionsClosed' }],
    ['a survey in a closed session', { closed: true, activity: { kind: 'survey', round: 'open' } }, { activity: 'notes', headline: 'closed' }],
  ] as const)('%s', (_, partial, expected) => {
    const base: RoomInputs = { closed: false, locked: false, phase: 'collect', faceDown: false, vote: null }
    const input: RoomInputs = { ...base, ...(partial as Partial<RoomInputs>) }
    expect(roomState(input)).toMatchObject(expected)
  })
})
