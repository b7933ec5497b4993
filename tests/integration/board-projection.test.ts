import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { groupsMap, metaMap, readGroups, readMeta, readNotes, readPrompts, readVotes } from '../../shared/board-doc.ts'
import { createGroup, moveNote } from '../../shared/grouping.ts'
import { newClientId } from '../../shared/ids.ts'
import { emitAck, ROOMY_LIMITS, useKiosk, type ClientSocket } from '../helpers/kiosk.ts'
import { waitFor } from '../helpers/wait.ts'

type Ok<T = object> = { ok: true } & T
const post = async (phone: ClientSocket, text: string) => (await emitAck<Ok<{ noteId: string }>>(phone, 'note:create', { id: newClientId(), text })).noteId

/**
 * What a leaked board key gives: a real y-websocket client holding the key, and everything its
 * document holds, deleted items and all (`encodeStateAsUpdate`), not only what a screen reads.
 */
const bytesOf = (doc: Y.Doc) => Buffer.from(Y.encodeStateAsUpdate(doc)).toString('utf8')

describe("a board key's document holds what the screen shows and nothing else", () => {
  const kiosk = useKiosk({ limits: ROOMY_LIMITS })

  it('holds no prepared prompt (its text, its id) before the facilitator shows it', async () => {
    const links = await kiosk().createSession('会', '最初の問い')
    const fac = await kiosk().facilitator(links.id)
    const phone = await kiosk().phone(links.id)
    const board = await kiosk().board(links, 'key')
    const prepared = await emitAck<Ok<{ promptId: string }>>(fac, 'prompt:add', { text: '準備中の秘密の問い', makeCurrent: false })
    const shown = await post(phone, '最初の問いへの答え')
    await waitFor(() => expect(readNotes(board.doc).map((n) => n.id)).toEqual([shown]))
    expect(readPrompts(board.doc).map((p) => p.text)).toEqual(['最初の問い'])
    expect(bytesOf(board.doc)).not.toContain('準備中の秘密の問い')
    expect(bytesOf(board.doc)).not.toContain(prepared.promptId)
    // every prompt on screen: still only prompts with notes on the board (and the current one)
    await emitAck(fac, 'session:update', { showAllPrompts: true })
    await waitFor(() => expect(readMeta(board.doc).showAllPrompts).toBe(true))
    await post(phone, '合図')
    await waitFor(() => expect(readNotes(board.doc)).toHaveLength(2))
    expect(bytesOf(board.doc)).not.toContain('準備中の秘密の問い')
    // shown: now it is there
    await emitAck(fac, 'session:update', { currentPromptId: prepared.promptId, showAllPrompts: false })
    await waitFor(() => expect(readPrompts(board.doc).map((p) => p.text)).toEqual(['準備中の秘密の問い']))
    expect(readMeta(board.doc).prompt).toBe('準備中の秘密の問い')
  })

  it("holds no note of a prompt not on screen, and brings them back when every prompt is shown", async () => {
    const links = await kiosk().createSession('会', '一つ目')
    const fac = await kiosk().facilitator(links.id)
    const phone = await kiosk().phone(links.id)
    const board = await kiosk().board(links, 'key')
    const first = await post(phone, '一つ目への答え')
    await emitAck(fac, 'prompt:add', { text: '二つ目', makeCurrent: true })
    const second = await post(phone, '二つ目への答え')
    await waitFor(() => expect(readNotes(board.doc).map((n) => n.id)).toEqual([second]))
    expect(readPrompts(board.doc).map((p) => p.text)).toEqual(['二つ目'])
    await emitAck(fac, 'session:update', { showAllPrompts: true })
    await waitFor(() => expect(readNotes(board.doc).map((n) => n.id).sort()).toEqual([first, second].sort()))
    expect(readPrompts(board.doc).map((p) => p.text).sort()).toEqual(['一つ目', '二つ目'].sort())
    // a spotlit note of another prompt is on screen, so it is on the board
    await emitAck(fac, 'session:update', { showAllPrompts: false })
    await waitFor(() => expect(readNotes(board.doc).map((n) => n.id)).toEqual([second]))
    await emitAck(fac, 'session:update', { spotlight: { kind: 'note', id: first } })
    await waitFor(() => expect(readMeta(board.doc).spotlight).toEqual({ kind: 'note', id: first }))
    expect(readNotes(board.doc).map((n) => n.id).sort()).toEqual([first, second].sort())
    await emitAck(fac, 'session:update', { spotlight: null })
    await waitFor(() => expect(readNotes(board.doc).map((n) => n.id)).toEqual([second]))
  })

  it('holds no group that only pending or hidden notes are in, nor any field a board does not read', async () => {
    const links = await kiosk().createSession()
    const fac = await kiosk().facilitator(links.id)
    const phone = await kiosk().phone(links.id)
    const board = await kiosk().board(links, 'key')
    const console_ = await kiosk().board(links, 'token')
    await emitAck(fac, 'session:update', { moderation: 'pre' })
    const waiting = await post(phone, '承認待ち')
    await emitAck(fac, 'session:update', { moderation: 'post' })
    const hidden = await post(phone, '隠される')
    await emitAck(fac, 'note:moderate', { noteId: hidden, action: 'hide' })
    const shown = await post(phone, '見える')
    await waitFor(() => expect(readNotes(console_.doc)).toHaveLength(3))
    createGroup(console_.doc, 'g-secret', '人事の噂')
    createGroup(console_.doc, 'g-parent', '親グループ')
    createGroup(console_.doc, 'g-open', '窓口', 'g-parent')
    createGroup(console_.doc, 'g-empty', 'まだ空')
    moveNote(console_.doc, waiting, 'g-secret')
    moveNote(console_.doc, hidden, 'g-secret')
    moveNote(console_.doc, shown, 'g-open')
    console_.doc.transact(() => {
      ;(groupsMap(console_.doc).get('g-open') as Y.Map<unknown>).set('memo', '課長には内緒')
      metaMap(console_.doc).set('draft', '下書きのメモ')
    })
    await waitFor(() => expect(readGroups(board.doc).map((g) => g.name).sort()).toEqual(['窓口', '親グループ'].sort()))
    const everything = bytesOf(board.doc)
    // (a note hidden after it was shown leaves only its id behind, as a deleted key: the room saw it)
    for (const secret of ['人事の噂', 'g-secret', 'まだ空', '課長には内緒', '下書きのメモ', '承認待ち', waiting, '隠される']) expect(everything).not.toContain(secret)
    // a spotlight on a hidden note shows nothing, and says nothing of it
    await emitAck(fac, 'session:update', { spotlight: { kind: 'note', id: hidden } }).catch(() => undefined)
    await post(phone, '合図')
    await waitFor(() => expect(readNotes(board.doc)).toHaveLength(2))
    expect(readMeta(board.doc).spotlight).toBeNull()
  })

  it('holds dots only for notes on the board, and only once the room may see them', async () => {
    const links = await kiosk().createSession('会', '一つ目')
    const fac = await kiosk().facilitator(links.id)
    const phones = await Promise.all([1, 2].map((i) => kiosk().phone(links.id, { deviceId: `dots-${i}` })))
    const board = await kiosk().board(links, 'key')
    const stays = await post(phones[0]!, '残る')
    const goes = await post(phones[0]!, 'あとで隠す')
    await emitAck(fac, 'vote:open', { perPhone: 3, maxPerNote: 2 })
    for (const p of phones) {
      await emitAck(p, 'vote:cast', { noteId: stays })
      await emitAck(p, 'vote:cast', { noteId: goes })
    }
    await post(phones[1]!, '合図')
    await waitFor(() => expect(readNotes(board.doc)).toHaveLength(3))
    expect(readVotes(board.doc).size).toBe(0) // not live: nothing before the close
    await emitAck(fac, 'note:moderate', { noteId: goes, action: 'hide' })
    await emitAck(fac, 'vote:close', {})
    await waitFor(() => expect(Object.fromEntries(readVotes(board.doc))).toEqual({ [stays]: 2 }))
    expect(bytesOf(board.doc)).not.toContain('あとで隠す')
    // another prompt's notes and their dots leave the board together
    await emitAck(fac, 'prompt:add', { text: '二つ目', makeCurrent: true })
    await waitFor(() => expect(readNotes(board.doc)).toHaveLength(0))
    expect(readVotes(board.doc).size).toBe(0)
  })

  it('holds no text of a face-down note, nor when it was edited', async () => {
    const links = await kiosk().createSession()
    const fac = await kiosk().facilitator(links.id)
    const phone = await kiosk().phone(links.id)
    const board = await kiosk().board(links, 'key')
    await emitAck(fac, 'session:update', { faceDown: true })
    const id = await post(phone, '伏せられた本音')
    await emitAck(fac, 'note:edit', { noteId: id, text: '伏せられた本音（直し）' })
    await waitFor(() => expect(readNotes(board.doc)).toHaveLength(1))
    expect(readNotes(board.doc)[0]).toMatchObject({ text: '', faceDown: true })
    expect(readNotes(board.doc)[0]!.editedAt).toBeUndefined()
    expect(bytesOf(board.doc)).not.toContain('伏せられた本音')
    await emitAck(fac, 'session:update', { faceDown: false })
    await waitFor(() => expect(readNotes(board.doc)[0]?.text).toBe('伏せられた本音（直し）'))
  })
})
