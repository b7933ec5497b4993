import { describe, expect, it, vi } from 'vitest'
import { readHistory, readMeta, readNotes, readPrompts, readVotes } from '../../shared/board-doc.ts'
import { newClientId } from '../../shared/ids.ts'
import { createGroup, moveNote } from '../../shared/grouping.ts'
import type { Ballot, MyNote } from '../../shared/protocol.ts'
import { emitAck, kioskForTest, lastState, ROOMY_LIMITS, useKiosk, type ClientSocket } from '../helpers/kiosk.ts'
import { waitFor } from '../helpers/wait.ts'

type Ok<T = object> = { ok: true } & T
const post = async (phone: ClientSocket, text: string) => (await emitAck<Ok<{ noteId: string }>>(phone, 'note:create', { id: newClientId(), text })).noteId

describe('what the board may see', () => {
  const kiosk = useKiosk({ limits: ROOMY_LIMITS })

  it('never sends pending or hidden notes to a board, not even in its data', async () => {
    const links = await kiosk().createSession()
    const fac = await kiosk().facilitator(links.id)
    const phone = await kiosk().phone(links.id)
    const board = await kiosk().board(links, 'key')
    const console_ = await kiosk().board(links, 'token')
    await emitAck(fac, 'session:update', { moderation: 'pre' })
    const waiting = await post(phone, '承認待ちの秘密')
    await emitAck(fac, 'session:update', { moderation: 'post' })
    const shown = await post(phone, '見えるもの')
    const hidden = await post(phone, 'あとで隠す')
    await emitAck(fac, 'note:moderate', { noteId: hidden, action: 'hide' })
    await waitFor(() => expect(readNotes(console_.doc)).toHaveLength(3))
    await waitFor(() => expect(readNotes(board.doc).map((n) => n.id)).toEqual([shown]))
    const everything = JSON.stringify(board.doc.toJSON())
    expect(everything).not.toContain('承認待ちの秘密')
    expect(everything).not.toContain('あとで隠す')
    expect(everything).not.toContain(waiting)
    expect(everything).not.toContain('"moderation"')
    // approving brings it to the board
    await emitAck(fac, 'note:moderate', { noteId: waiting, action: 'approve' })
    await waitFor(() => expect(readNotes(board.doc).map((n) => n.text).sort()).toEqual(['承認待ちの秘密', '見えるもの'].sort()))
  })

  it('keeps notes face down in reveal mode: the board gets no text until the reveal', async () => {
    const links = await kiosk().createSession()
    const fac = await kiosk().facilitator(links.id)
    const phone = await kiosk().phone(links.id)
    const board = await kiosk().board(links, 'key')
    expect(await emitAck(fac, 'session:update', { faceDown: true, phase: 'collect' })).toEqual({ ok: true })
    await post(phone, '最初の意見')
    await post(phone, '二つ目の意見')
    await waitFor(() => expect(readNotes(board.doc)).toHaveLength(2))
    expect(readNotes(board.doc).every((n) => n.faceDown === true && n.text === '')).toBe(true)
    expect(JSON.stringify(board.doc.toJSON())).not.toContain('意見')
    expect(await emitAck(fac, 'session:update', { faceDown: false, phase: 'reveal' })).toEqual({ ok: true })
    await waitFor(() => expect(readNotes(board.doc).map((n) => n.text).sort()).toEqual(['二つ目の意見', '最初の意見'].sort()))
    expect(readNotes(board.doc).some((n) => n.faceDown)).toBe(false)
  })

  it('shows vote counts on the board only when the facilitator lets it', async () => {
    const links = await kiosk().createSession()
    const fac = await kiosk().facilitator(links.id)
    const phone = await kiosk().phone(links.id, { deviceId: newClientId() })
    const board = await kiosk().board(links, 'key')
    const note = await post(phone, '投票される')
    await emitAck(fac, 'vote:open', { perPhone: 3, maxPerNote: 2 })
    expect(await emitAck(phone, 'vote:cast', { noteId: note })).toMatchObject({ ok: true, remaining: 2 })
    await new Promise((r) => setTimeout(r, 150))
    expect(readVotes(board.doc).size).toBe(0)
    await emitAck(fac, 'vote:close', {})
    await waitFor(() => expect(readVotes(board.doc).get(note)).toBe(1))
  })
})

describe('dot voting', () => {
  const kiosk = useKiosk({ limits: ROOMY_LIMITS })

  async function votingRoom() {
    const links = await kiosk().createSession()
    const fac = await kiosk().facilitator(links.id)
    const author = await kiosk().phone(links.id, { deviceId: newClientId() })
    const a = await post(author, 'A案')
    const b = await post(author, 'B案')
    const voter = await kiosk().phone(links.id, { deviceId: newClientId() })
    return { links, fac, voter, a, b }
  }

  it('gives every phone a ballot when a vote opens, and enforces the budget per phone', async () => {
    const { links, fac, voter, a, b } = await votingRoom()
    const ballots: Array<Ballot | null> = []
    voter.on('vote:ballot', (b) => ballots.push(b))
    expect(await emitAck(fac, 'vote:open', { perPhone: 3, maxPerNote: 2 })).toMatchObject({ ok: true, voteId: expect.any(String) })
    await waitFor(() => expect(ballots.at(-1)).toMatchObject({ open: true, perPhone: 3, maxPerNote: 2, remaining: 3, mine: {} }))
    expect(ballots.at(-1)!.notes.map((n) => n.text).sort()).toEqual(['A案', 'B案'])
    expect(await emitAck(voter, 'vote:cast', { noteId: a })).toEqual({ ok: true, mine: { [a]: 1 }, remaining: 2 })
    expect(await emitAck(voter, 'vote:cast', { noteId: a })).toEqual({ ok: true, mine: { [a]: 2 }, remaining: 1 })
    expect(await emitAck(voter, 'vote:cast', { noteId: a })).toEqual({ ok: false, error: 'over_budget' }) // most per note
    expect(await emitAck(voter, 'vote:cast', { noteId: b })).toEqual({ ok: true, mine: { [a]: 2, [b]: 1 }, remaining: 0 })
    expect(await emitAck(voter, 'vote:cast', { noteId: b })).toEqual({ ok: false, error: 'over_budget' }) // none left
    expect(await emitAck(voter, 'vote:retract', { noteId: a })).toEqual({ ok: true, mine: { [a]: 1, [b]: 1 }, remaining: 1 })
    const full = await kiosk().board(links, 'token')
    expect(Object.fromEntries(readVotes(full.doc))).toEqual({ [a]: 1, [b]: 1 })
  })

  it('keeps a phone to its budget when it sends several dots at once', async () => {
    const { links, fac, voter, a, b } = await votingRoom()
    expect(await emitAck(fac, 'vote:open', { perPhone: 2, maxPerNote: 2 })).toMatchObject({ ok: true })
    // Sent together, before any is stored: each must still be checked against the ones before it.
    const acks = await Promise.all([a, b, a, b, a].map((noteId) => emitAck<{ ok: boolean }>(voter, 'vote:cast', { noteId })))
    expect(acks.filter((x) => x.ok)).toHaveLength(2)
    const full = await kiosk().board(links, 'token')
    await waitFor(() => expect([...readVotes(full.doc).values()].reduce((x, y) => x + y, 0)).toBe(2))
  })

  it('keeps a phone to its budget across a reconnect', async () => {
    const { links, fac, a } = await votingRoom()
    const deviceId = newClientId()
    const first = await kiosk().phone(links.id, { deviceId })
    await emitAck(fac, 'vote:open', { perPhone: 1, maxPerNote: 1 })
    expect((await emitAck<{ ok: boolean }>(first, 'vote:cast', { noteId: a })).ok).toBe(true)
    first.close()
    const again = await kiosk().phone(links.id, { deviceId })
    expect(await emitAck(again, 'vote:cast', { noteId: a })).toEqual({ ok: false, error: 'over_budget' })
  })

  it.each([
    ['no vote is open', 'no_vote'],
    ['the note does not exist', 'not_found'],
    ['the note is hidden', 'not_found'],
  ])('refuses a dot when %s, and changes nothing', async (situation, error) => {
    const { links, fac, voter, a } = await votingRoom()
    if (situation !== 'no vote is open') await emitAck(fac, 'vote:open', { perPhone: 3, maxPerNote: 3 })
    if (situation === 'the note is hidden') await emitAck(fac, 'note:moderate', { noteId: a, action: 'hide' })
    const target = situation === 'the note does not exist' ? 'nope' : a
    expect(await emitAck(voter, 'vote:cast', { noteId: target })).toEqual({ ok: false, error })
    expect(readVotes(kiosk().kiosk.sessions.get(links.id)!.doc).size).toBe(0)
  })

  it('refuses to take back a dot the phone never placed', async () => {
    const { fac, voter, a } = await votingRoom()
    await emitAck(fac, 'vote:open', { perPhone: 3, maxPerNote: 3 })
    expect(await emitAck(voter, 'vote:retract', { noteId: a })).toEqual({ ok: false, error: 'not_found' })
  })

  it('refuses dots after the vote closes, and a phone cannot open or close one', async () => {
    const { fac, voter, a } = await votingRoom()
    expect(await emitAck(voter, 'vote:open', { perPhone: 3, maxPerNote: 3 })).toEqual({ ok: false, error: 'unauthorized' })
    await emitAck(fac, 'vote:open', { perPhone: 3, maxPerNote: 3 })
    expect(await emitAck(voter, 'vote:close', {})).toEqual({ ok: false, error: 'unauthorized' })
    await emitAck(fac, 'vote:close', {})
    expect(await emitAck(voter, 'vote:cast', { noteId: a })).toEqual({ ok: false, error: 'no_vote' })
  })

  it.each([
    [{ perPhone: 0, maxPerNote: 1 }],
    [{ perPhone: 3, maxPerNote: 4 }],
    [{ perPhone: 21, maxPerNote: 1 }],
    [{ perPhone: 1.5, maxPerNote: 1 }],
  ])('refuses a vote with impossible settings %j', async (settings) => {
    const { fac } = await votingRoom()
    expect(await emitAck(fac, 'vote:open', settings)).toEqual({ ok: false, error: 'invalid' })
  })

  it('keeps dots across a restart', async () => {
    const k = await kioskForTest({ limits: ROOMY_LIMITS })
    const links = await k.createSession()
    const fac = await k.facilitator(links.id)
    const deviceId = newClientId()
    const phone = await k.phone(links.id, { deviceId })
    const a = await post(phone, 'A')
    await emitAck(fac, 'vote:open', { perPhone: 2, maxPerNote: 2 })
    await emitAck(phone, 'vote:cast', { noteId: a })
    await k.close()
    const again = await kioskForTest({ dataDir: k.dataDir, facilitatorToken: k.token, limits: ROOMY_LIMITS })
    const phone2 = await again.phone(links.id, { deviceId })
    expect(await emitAck(phone2, 'vote:cast', { noteId: a })).toEqual({ ok: true, mine: { [a]: 2 }, remaining: 0 })
    const { doc } = await again.board(links, 'token')
    expect(readVotes(doc).get(a)).toBe(2)
  })
})

describe('running the room', () => {
  const kiosk = useKiosk({ limits: ROOMY_LIMITS })

  it('adds prompts, switches phones to the current one, and notes remember theirs', async () => {
    const links = await kiosk().createSession('会', '最初の問い')
    const fac = await kiosk().facilitator(links.id)
    const phone = await kiosk().phone(links.id)
    await post(phone, '一つ目への答え')
    const added = await emitAck<Ok<{ promptId: string }>>(fac, 'prompt:add', { text: '次の問い', makeCurrent: true })
    await waitFor(() => expect(lastState(phone)).toMatchObject({ prompt: '次の問い', promptId: added.promptId }))
    await post(phone, '二つ目への答え')
    const { doc } = await kiosk().board(links, 'token')
    expect(readPrompts(doc).map((p) => p.text)).toEqual(['最初の問い', '次の問い'])
    const byText = Object.fromEntries(readNotes(doc).map((n) => [n.text, n.promptId]))
    expect(byText['二つ目への答え']).toBe(added.promptId)
    expect(byText['一つ目への答え']).not.toBe(added.promptId)
    const first = readPrompts(doc)[0]!.id
    expect(await emitAck(fac, 'session:update', { currentPromptId: first })).toEqual({ ok: true })
    await waitFor(() => expect(lastState(phone)).toMatchObject({ prompt: '最初の問い' }))
    expect(await emitAck(fac, 'session:update', { currentPromptId: 'nope' })).toEqual({ ok: false, error: 'not_found' })
    expect(await emitAck(fac, 'prompt:add', { text: '  ' })).toEqual({ ok: false, error: 'empty' })
  })

  it('moves through phases in any order and keeps their history', async () => {
    const links = await kiosk().createSession()
    const fac = await kiosk().facilitator(links.id)
    const phone = await kiosk().phone(links.id)
    for (const phase of ['group', 'vote', 'collect', 'discuss']) expect(await emitAck(fac, 'session:update', { phase })).toEqual({ ok: true })
    await waitFor(() => expect(lastState(phone)?.phase).toBe('discuss'))
    const { doc } = await kiosk().board(links, 'token')
    expect(readHistory(doc).map((h) => h.phase)).toEqual(['collect', 'group', 'vote', 'collect', 'discuss'])
    expect(await emitAck(fac, 'session:update', { phase: 'party' })).toEqual({ ok: false, error: 'invalid' })
  })

  it('fixes the session language for every phone, and lets it go again', async () => {
    const links = await kiosk().createSession()
    const fac = await kiosk().facilitator(links.id)
    const phone = await kiosk().phone(links.id)
    expect(await emitAck(fac, 'session:update', { lang: 'en' })).toEqual({ ok: true })
    await waitFor(() => expect(lastState(phone)?.lang).toBe('en'))
    expect(await emitAck(fac, 'session:update', { lang: null })).toEqual({ ok: true })
    await waitFor(() => expect(lastState(phone)?.lang).toBeNull())
    expect(await emitAck(fac, 'session:update', { lang: 'fr' })).toEqual({ ok: false, error: 'invalid' })
  })

  it('spotlights a note and turns it off again', async () => {
    const links = await kiosk().createSession()
    const fac = await kiosk().facilitator(links.id)
    const phone = await kiosk().phone(links.id)
    const board = await kiosk().board(links, 'key')
    const id = await post(phone, '注目')
    expect(await emitAck(fac, 'session:update', { spotlight: { kind: 'note', id } })).toEqual({ ok: true })
    await waitFor(() => expect(readMeta(board.doc).spotlight).toEqual({ kind: 'note', id }))
    expect(await emitAck(fac, 'session:update', { spotlight: null })).toEqual({ ok: true })
    await waitFor(() => expect(readMeta(board.doc).spotlight).toBeNull())
    expect(await emitAck(fac, 'session:update', { spotlight: { kind: 'group', id: 'nope' } })).toEqual({ ok: false, error: 'not_found' })
  })

  it('holds a page or a group’s page of the wall on the projector, and brings the QR code back', async () => {
    const links = await kiosk().createSession()
    const fac = await kiosk().facilitator(links.id)
    const phone = await kiosk().phone(links.id)
    const board = await kiosk().board(links, 'key')
    const consoleDoc = (await kiosk().board(links, 'token')).doc
    await waitFor(() => expect(readMeta(board.doc).title).not.toBe(''))
    expect(readMeta(board.doc).boardPage).toBeNull()
    expect(await emitAck(fac, 'session:update', { boardPage: { kind: 'page', index: 2 } })).toEqual({ ok: true })
    await waitFor(() => expect(readMeta(board.doc).boardPage).toEqual({ kind: 'page', index: 2 }))
    // a group's page: the group must exist (the console makes groups in its own document)
    expect(await emitAck(fac, 'session:update', { boardPage: { kind: 'group', id: 'nope' } })).toEqual({ ok: false, error: 'not_found' })
    createGroup(consoleDoc, 'g1', '窓口')
    // The board holds only groups it shows: a group with a note on the board.
    const posted = await emitAck<{ ok: boolean; noteId: string }>(phone, 'note:create', { id: newClientId(), text: '窓口の待ち時間' })
    if (!posted.ok) throw new Error('the note was refused')
    await waitFor(() => expect(consoleDoc.getMap('notes').has(posted.noteId)).toBe(true))
    moveNote(consoleDoc, posted.noteId, 'g1')
    await waitFor(() => expect(board.doc.getMap('groups').has('g1')).toBe(true))
    expect(await emitAck(fac, 'session:update', { boardPage: { kind: 'group', id: 'g1' }, showJoin: true })).toEqual({ ok: true })
    await waitFor(() => expect(readMeta(board.doc)).toMatchObject({ boardPage: { kind: 'group', id: 'g1' }, showJoin: true }))
    expect(await emitAck(fac, 'session:update', { boardPage: null, showJoin: false })).toEqual({ ok: true })
    await waitFor(() => expect(readMeta(board.doc)).toMatchObject({ boardPage: null, showJoin: false }))
    // Bad shapes and phones change nothing.
    for (const bad of [{ kind: 'page', index: -1 }, { kind: 'page', index: 1.5 }, { kind: 'page' }, { kind: 'note', id: 'x' }, 'next']) {
      expect(await emitAck(fac, 'session:update', { boardPage: bad })).toEqual({ ok: false, error: 'invalid' })
    }
    expect(await emitAck(phone, 'session:update', { boardPage: { kind: 'page', index: 1 } })).toEqual({ ok: false, error: 'unauthorized' })
    expect(readMeta(board.doc).boardPage).toBeNull()
  })

  it('edits a note, cleaned like a new one', async () => {
    const links = await kiosk().createSession()
    const fac = await kiosk().facilitator(links.id)
    const phone = await kiosk().phone(links.id)
    const id = await post(phone, '山田さんが言ってた')
    expect(await emitAck(fac, 'note:edit', { noteId: id, text: ' ある職員が言ってた\u202E ' })).toEqual({ ok: true })
    const { doc } = await kiosk().board(links, 'key')
    await waitFor(() => expect(readNotes(doc)[0]?.text).toBe('ある職員が言ってた'))
    expect(await emitAck(fac, 'note:edit', { noteId: id, text: '' })).toEqual({ ok: false, error: 'empty' })
    expect(await emitAck(fac, 'note:edit', { noteId: 'nope', text: 'x' })).toEqual({ ok: false, error: 'not_found' })
    expect(await emitAck(phone, 'note:edit', { noteId: id, text: 'x' })).toEqual({ ok: false, error: 'unauthorized' })
  })

  it('runs a countdown that locks posting when it ends, once', async () => {
    const links = await kiosk().createSession()
    const fac = await kiosk().facilitator(links.id)
    const phone = await kiosk().phone(links.id)
    expect(await emitAck(fac, 'timer:start', { seconds: 1, lockOnEnd: true })).toEqual({ ok: true })
    await waitFor(() => expect(lastState(phone)?.timer).toMatchObject({ seconds: 1 }))
    await waitFor(() => expect(lastState(phone)?.locked).toBe(true), { timeout: 3_000 })
    expect(await emitAck(phone, 'note:create', { id: newClientId(), text: 'late' })).toEqual({ ok: false, error: 'locked' })
    await emitAck(fac, 'session:update', { locked: false })
    expect(await emitAck(fac, 'timer:stop', {})).toEqual({ ok: true })
    await waitFor(() => expect(lastState(phone)).toMatchObject({ timer: null, locked: false }))
    expect(await emitAck(fac, 'timer:start', { seconds: 0 })).toEqual({ ok: false, error: 'invalid' })
    expect(await emitAck(fac, 'timer:start', { seconds: 4 * 60 * 60 })).toEqual({ ok: false, error: 'invalid' })
  })

  it("sends a listed word to the queue even in post-moderation, and tells only the author's phone", async () => {
    const links = await kiosk().createSession()
    const fac = await kiosk().facilitator(links.id)
    const deviceId = newClientId()
    const author = await kiosk().phone(links.id, { deviceId })
    const other = await kiosk().phone(links.id, { deviceId: newClientId() })
    const heard: MyNote[] = []
    const overheard: MyNote[] = []
    author.on('note:status', (n) => heard.push(n))
    other.on('note:status', (n) => overheard.push(n))
    const id = newClientId()
    const noteId = (await emitAck<Ok<{ noteId: string }>>(author, 'note:create', { id, text: 'あいつはバ カだ' })).noteId
    const board = await kiosk().board(links, 'key')
    const full = await kiosk().board(links, 'token')
    expect(readNotes(full.doc).find((n) => n.id === noteId)?.status).toBe('pending')
    expect(readNotes(board.doc)).toHaveLength(0)
    await emitAck(fac, 'note:moderate', { noteId, action: 'hide' })
    await waitFor(() => expect(heard).toEqual([{ id, noteId, status: 'hidden' }]))
    expect(overheard).toEqual([])
  })

  it('lets the facilitator edit the word list', async () => {
    const links = await kiosk().createSession()
    const fac = await kiosk().facilitator(links.id)
    const { words } = await emitAck<Ok<{ words: string[] }>>(fac, 'words:get', {})
    expect(words).toContain('バカ')
    expect(await emitAck(fac, 'words:set', { words: ['予算', ' 予算 ', '', 'NG'] })).toEqual({ ok: true, words: ['予算', 'NG'] })
    const phone = await kiosk().phone(links.id)
    const noteId = await post(phone, '予算がない')
    const { doc } = await kiosk().board(links, 'token')
    expect(readNotes(doc).find((n) => n.id === noteId)?.status).toBe('pending')
    expect(await emitAck(phone, 'words:set', { words: [] })).toEqual({ ok: false, error: 'unauthorized' })
    await emitAck(fac, 'words:set', { words: ['バカ'] })
  })

  it('lets the facilitator post for someone without a phone, with no rate limit', async () => {
    const k = await kioskForTest({ limits: { ...ROOMY_LIMITS, notesBurstPerPhone: 1, notesPerMinutePerPhone: 1 } })
    const links = await k.createSession()
    const fac = await k.facilitator(links.id)
    for (let i = 0; i < 5; i++) expect((await emitAck<{ ok: boolean }>(fac, 'note:create', { id: newClientId(), text: `紙の付箋 ${i}` })).ok).toBe(true)
    // the facilitator wrote it: no approval needed, not even in pre-moderation or with a listed word, nor when locked
    await emitAck(fac, 'session:update', { moderation: 'pre', locked: true })
    const ack = await emitAck<{ ok: true; noteId: string }>(fac, 'note:create', { id: newClientId(), text: 'バカみたいに簡単な手続き' })
    const { doc } = await k.board(links, 'token')
    expect(readNotes(doc).find((n) => n.id === ack.noteId)?.status).toBe('visible')
  })
})

describe('the ballot while the room votes', () => {
  const kiosk = useKiosk({ limits: ROOMY_LIMITS })

  it('holds the notes visible when the vote opened: notes posted during it are not on it, hidden ones leave it', async () => {
    const links = await kiosk().createSession()
    const fac = await kiosk().facilitator(links.id)
    const voter = await kiosk().phone(links.id, { deviceId: newClientId() })
    const before = await post(voter, '投票前の付箋')
    const gone = await post(voter, 'あとで隠される')
    const ballots: Array<Ballot | null> = []
    voter.on('vote:ballot', (b) => ballots.push(b))
    await emitAck(fac, 'vote:open', { perPhone: 2, maxPerNote: 1 })
    await waitFor(() => expect(ballots.at(-1)?.notes.map((n) => n.text)).toEqual(['投票前の付箋', 'あとで隠される']))
    const during = await post(voter, '投票中の付箋')
    await new Promise((r) => setTimeout(r, 1_300))
    expect(ballots).toHaveLength(1) // a new note sends no ballot to anyone
    expect(await emitAck(voter, 'vote:cast', { noteId: during })).toEqual({ ok: false, error: 'not_found' })
    await emitAck(fac, 'note:moderate', { noteId: gone, action: 'hide' })
    await waitFor(() => expect(ballots.at(-1)?.notes.map((n) => n.noteId)).toEqual([before]), 3_000)
  })
})
