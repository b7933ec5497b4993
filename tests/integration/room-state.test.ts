import { describe, expect, it } from 'vitest'
import { io } from 'socket.io-client'
import { readMeta, readNotes } from '../../shared/board-doc.ts'
import { createGroup, moveNote } from '../../shared/grouping.ts'
import { newClientId } from '../../shared/ids.ts'
import type { Ballot, MyNote, VoteResult, VoteTurnout } from '../../shared/protocol.ts'
import { emitAck, lastState, ROOMY_LIMITS, useKiosk, type ClientSocket } from '../helpers/kiosk.ts'
import { waitFor } from '../helpers/wait.ts'

type Ok<T = object> = { ok: true } & T
const post = async (phone: ClientSocket, text: string) => (await emitAck<Ok<{ noteId: string }>>(phone, 'note:create', { id: newClientId(), text })).noteId

describe('every screen hears the state of the room', () => {
  const kiosk = useKiosk({ limits: ROOMY_LIMITS })

  it('tells phones whether the notes are face down and where the vote is', async () => {
    const links = await kiosk().createSession()
    const fac = await kiosk().facilitator(links.id)
    const phone = await kiosk().phone(links.id, { deviceId: newClientId() })
    expect(lastState(phone)).toMatchObject({ faceDown: false, vote: null })
    await emitAck(fac, 'session:update', { faceDown: true })
    await waitFor(() => expect(lastState(phone)?.faceDown).toBe(true))
    await post(phone, '意見')
    const { voteId } = await emitAck<Ok<{ voteId: string }>>(fac, 'vote:open', { perPhone: 1, maxPerNote: 1 })
    await waitFor(() => expect(lastState(phone)?.vote).toEqual({ id: voteId, open: true }))
    await emitAck(fac, 'vote:close', {})
    await waitFor(() => expect(lastState(phone)?.vote).toEqual({ id: voteId, open: false }))
  })

  it('makes reveal one action: the reveal phase turns the cards face up on the board', async () => {
    const links = await kiosk().createSession()
    const fac = await kiosk().facilitator(links.id)
    const phone = await kiosk().phone(links.id)
    const board = await kiosk().board(links, 'key')
    await emitAck(fac, 'session:update', { faceDown: true })
    await post(phone, '伏せてある意見')
    await waitFor(() => expect(readNotes(board.doc).map((n) => n.faceDown)).toEqual([true]))
    expect(await emitAck(fac, 'session:update', { phase: 'reveal' })).toEqual({ ok: true })
    await waitFor(() => expect(readNotes(board.doc).map((n) => n.text)).toEqual(['伏せてある意見']))
    expect(readMeta(board.doc)).toMatchObject({ phase: 'reveal', faceDown: false })
    expect(lastState(phone)).toMatchObject({ phase: 'reveal', faceDown: false })
    // Said explicitly, the facilitator may still move to the phase with the cards down.
    await emitAck(fac, 'session:update', { phase: 'group' })
    await emitAck(fac, 'session:update', { phase: 'reveal', faceDown: true })
    await waitFor(() => expect(readMeta(board.doc).faceDown).toBe(true))
  })
})

describe('the ballot matches the board', () => {
  const kiosk = useKiosk({ limits: ROOMY_LIMITS })

  async function twoPrompts() {
    const links = await kiosk().createSession('二つの問い', '一つ目の問い')
    const fac = await kiosk().facilitator(links.id)
    const author = await kiosk().phone(links.id, { deviceId: newClientId() })
    const first = [await post(author, '一つ目A'), await post(author, '一つ目B')]
    const firstPrompt = lastState(author)!.promptId
    const { promptId } = await emitAck<Ok<{ promptId: string }>>(fac, 'prompt:add', { text: '二つ目の問い', makeCurrent: true })
    await waitFor(() => expect(lastState(author)?.promptId).toBe(promptId))
    const second = [await post(author, '二つ目A'), await post(author, '二つ目B'), await post(author, '二つ目C')]
    const voter = await kiosk().phone(links.id, { deviceId: newClientId() })
    const ballots: Array<Ballot | null> = []
    voter.on('vote:ballot', (b) => ballots.push(b))
    return { links, fac, voter, ballots, first, second, firstPrompt, secondPrompt: promptId }
  }

  it('covers the current prompt only, as the board shows it; a note of another prompt is refused', async () => {
    const { fac, voter, ballots, first, second } = await twoPrompts()
    await emitAck(fac, 'vote:open', { perPhone: 3, maxPerNote: 1 })
    await waitFor(() => expect(ballots.at(-1)?.notes.map((n) => n.noteId)).toEqual(second))
    expect(await emitAck(voter, 'vote:cast', { noteId: first[0] })).toEqual({ ok: false, error: 'not_found' })
    expect(await emitAck(voter, 'vote:cast', { noteId: second[0] })).toMatchObject({ ok: true, remaining: 2 })
  })

  it('covers every prompt when the board shows them all, or the prompts the facilitator picks', async () => {
    const { fac, ballots, first, second, firstPrompt } = await twoPrompts()
    await emitAck(fac, 'session:update', { showAllPrompts: true })
    await emitAck(fac, 'vote:open', { perPhone: 3, maxPerNote: 1 })
    await waitFor(() => expect(ballots.at(-1)?.notes.map((n) => n.noteId).sort()).toEqual([...first, ...second].sort()))
    await emitAck(fac, 'vote:close', {})
    await emitAck(fac, 'vote:open', { perPhone: 3, maxPerNote: 1, promptIds: [firstPrompt] })
    await waitFor(() => expect(ballots.at(-1)?.notes.map((n) => n.noteId)).toEqual(first))
  })

  it.each([
    ['an unknown prompt', { promptIds: ['nope'] }, 'not_found'],
    ['an empty list of prompts', { promptIds: [] }, 'invalid'],
    ['prompts that are not strings', { promptIds: [1] }, 'invalid'],
  ])('refuses a vote over %s, and opens nothing', async (_, extra, error) => {
    const { links, fac } = await twoPrompts()
    expect(await emitAck(fac, 'vote:open', { perPhone: 3, maxPerNote: 1, ...extra })).toEqual({ ok: false, error })
    expect(readMeta(kiosk().kiosk.sessions.get(links.id)!.doc).vote).toBeNull()
  })

  it('names each note’s KJ group, in the board’s group order, ungrouped last', async () => {
    const { links, fac, ballots, second } = await twoPrompts()
    const { doc } = await kiosk().board(links, 'token')
    createGroup(doc, 'g-parent', '住民サービス')
    createGroup(doc, 'g-child', '窓口', 'g-parent')
    moveNote(doc, second[2]!, 'g-child')
    moveNote(doc, second[0]!, 'g-parent')
    await waitFor(() => expect(readNotes(kiosk().kiosk.sessions.get(links.id)!.doc).filter((n) => n.groupId).length).toBe(2))
    await emitAck(fac, 'vote:open', { perPhone: 3, maxPerNote: 1 })
    await waitFor(() =>
      expect(ballots.at(-1)?.notes).toEqual([
        { noteId: second[0], text: '二つ目A', group: '住民サービス' },
        { noteId: second[2], text: '二つ目C', group: '住民サービス › 窓口' },
        { noteId: second[1], text: '二つ目B' },
      ]),
    )
  })

  it('tells the facilitator how many phones voted, and phones the ranking once the vote closes', async () => {
    const { links, fac, voter, second } = await twoPrompts()
    const turnouts: VoteTurnout[] = []
    fac.on('vote:turnout', (t) => turnouts.push(t))
    const results: Array<VoteResult | null> = []
    voter.on('vote:result', (r) => results.push(r))
    const heardByPhone: unknown[] = []
    voter.on('vote:turnout' as 'vote:result', (t) => heardByPhone.push(t))
    const { voteId } = await emitAck<Ok<{ voteId: string }>>(fac, 'vote:open', { perPhone: 3, maxPerNote: 2 })
    await waitFor(() => expect(turnouts.at(-1)).toMatchObject({ voteId, voted: 0 }))
    const other = await kiosk().phone(links.id, { deviceId: newClientId() })
    await emitAck(voter, 'vote:cast', { noteId: second[1] })
    await emitAck(voter, 'vote:cast', { noteId: second[1] })
    await emitAck(other, 'vote:cast', { noteId: second[2] })
    await waitFor(() => expect(turnouts.at(-1)).toMatchObject({ voteId, voted: 2, phones: 3 }), 5_000)
    await emitAck(fac, 'vote:close', {})
    await waitFor(() =>
      expect(results.at(-1)).toEqual({
        voteId,
        voters: 2,
        ranking: [
          { noteId: second[1], text: '二つ目B', votes: 2, rank: 1 },
          { noteId: second[2], text: '二つ目C', votes: 1, rank: 2 },
        ],
      }),
    )
    // A phone that arrives after the vote still learns its result; phones never hear the turnout.
    const late = io(kiosk().url, { auth: { session: links.id, deviceId: newClientId() }, transports: ['websocket'], autoConnect: false, forceNew: true })
    const lateResults: Array<VoteResult | null> = []
    late.on('vote:result', (r: VoteResult | null) => lateResults.push(r))
    late.connect()
    try {
      await waitFor(() => expect(lateResults).toEqual([results.at(-1)]))
    } finally {
      late.close()
    }
    expect(heardByPhone).toEqual([])
  })
})

describe('an edit by the facilitator reaches its author', () => {
  const kiosk = useKiosk({ limits: ROOMY_LIMITS })

  it('sends the new text with the note’s status, and note:mine answers it too', async () => {
    const links = await kiosk().createSession()
    const fac = await kiosk().facilitator(links.id)
    const deviceId = newClientId()
    const author = await kiosk().phone(links.id, { deviceId })
    const statuses: MyNote[] = []
    author.on('note:status', (n) => statuses.push(n))
    const clientId = newClientId()
    const { noteId } = await emitAck<Ok<{ noteId: string }>>(author, 'note:create', { id: clientId, text: '山田さんの意見' })
    expect(await emitAck(fac, 'note:edit', { noteId, text: '職員の意見' })).toEqual({ ok: true })
    await waitFor(() => expect(statuses.at(-1)).toEqual({ id: clientId, noteId, status: 'visible', text: '職員の意見' }))
    expect(await emitAck(author, 'note:mine', { ids: [clientId] })).toEqual({ ok: true, notes: [{ id: clientId, noteId, status: 'visible', text: '職員の意見' }] })
    // An edit refused (empty text) changes nothing and tells nobody.
    const before = statuses.length
    expect(await emitAck(fac, 'note:edit', { noteId, text: '   ' })).toEqual({ ok: false, error: 'empty' })
    expect(await emitAck(author, 'note:edit', { noteId, text: '乗っ取り' })).toEqual({ ok: false, error: 'unauthorized' })
    expect(statuses).toHaveLength(before)
  })
})
