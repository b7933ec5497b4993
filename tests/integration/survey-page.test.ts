import { describe, expect, it } from 'vitest'
import type * as Y from 'yjs'
import { metaMap, readMeta } from '../../shared/board-doc.ts'
import type { Ack } from '../../shared/errors.ts'
import { emitAck, startKiosk, tempDir, useKiosk, type ClientSocket, type TestKiosk } from '../helpers/kiosk.ts'
import { waitFor } from '../helpers/wait.ts'

/**
 * The facilitator holds one question of a survey on the projector (`session:update`
 * `surveyPage`), as the wall's `boardPage` holds a page of notes: checked, facilitator-only,
 * stored before the answer, and on a board only while that survey is on screen.
 */
const QUESTIONS = [
  { kind: 'choice', text: '一番の要因は', options: ['人材', '予算', '前例主義'] },
  { kind: 'scale', text: 'DXの必要性を感じる' },
  { kind: 'text', text: '一言どうぞ' },
] as const

async function surveyOnScreen(kiosk: TestKiosk) {
  const links = await kiosk.createSession('DX研修', 'DXが進まないと感じる要因')
  const fac = await kiosk.facilitator(links.id)
  const created = await emitAck<Ack<{ surveyId: string }>>(fac, 'survey:create', { title: '事前アンケート', questions: QUESTIONS })
  if (!created.ok) throw new Error(created.error)
  expect(await emitAck(fac, 'agenda:current', { activityId: `survey:${created.surveyId}` })).toEqual({ ok: true })
  return { links, fac, surveyId: created.surveyId }
}

const hold = (socket: ClientSocket, surveyPage: unknown) => emitAck<Ack>(socket, 'session:update', { surveyPage })
const held = (doc: Y.Doc) => readMeta(doc).surveyPage

describe('holding a survey question on the board', () => {
  const kiosk = useKiosk()

  it('holds a question, steps to another, lets go; the board follows', async () => {
    const { links, fac, surveyId } = await surveyOnScreen(kiosk())
    const { doc: board } = await kiosk().board(links, 'key')
    expect(held(board)).toBeNull()
    expect(await hold(fac, { surveyId, index: 1 })).toEqual({ ok: true })
    await waitFor(() => expect(held(board)).toEqual({ surveyId, index: 1 }))
    expect(await hold(fac, { surveyId, index: 2 })).toEqual({ ok: true })
    await waitFor(() => expect(held(board)).toEqual({ surveyId, index: 2 }))
    expect(await hold(fac, null)).toEqual({ ok: true })
    await waitFor(() => expect(held(board)).toBeNull())
  })

  it('refuses a phone and drops a board\'s own write; the facilitator\'s hold is what counts', async () => {
    const { links, fac, surveyId } = await surveyOnScreen(kiosk())
    const phone = await kiosk().phone(links.id, { deviceId: 'not-the-facilitator' })
    expect(await hold(phone, { surveyId, index: 2 })).toEqual({ ok: false, error: 'unauthorized' })
    const { doc: full } = await kiosk().board(links, 'token')
    const { doc: board } = await kiosk().board(links, 'key')
    // a board's own write is dropped by the kiosk
    metaMap(board).set('surveyPage', { surveyId, index: 2 })
    expect(await hold(fac, { surveyId, index: 1 })).toEqual({ ok: true })
    await waitFor(() => expect(held(full)).toEqual({ surveyId, index: 1 }))
    const late = await kiosk().board(links, 'key')
    await waitFor(() => expect(held(late.doc)).toEqual({ surveyId, index: 1 }))
  })

  it('refuses wrong shapes, an unknown survey and a question the survey does not have, changing nothing', async () => {
    const { links, fac, surveyId } = await surveyOnScreen(kiosk())
    expect(await hold(fac, { surveyId, index: 1 })).toEqual({ ok: true })
    const wrong: unknown[] = [
      { surveyId, index: -1 },
      { surveyId, index: 1.5 },
      { surveyId, index: '1' },
      { surveyId },
      { index: 1 },
      { surveyId: '', index: 0 },
      { surveyId, index: 0, extra: true },
      { kind: 'page', index: 0 },
      [surveyId, 0],
      'next',
      { surveyId, index: 20 },
    ]
    for (const page of wrong) expect(await hold(fac, page), JSON.stringify(page)).toEqual({ ok: false, error: 'invalid' })
    // three questions: 0, 1 and 2 exist; 3 is past the end
    expect(await hold(fac, { surveyId, index: 3 })).toEqual({ ok: false, error: 'invalid' })
    expect(await hold(fac, { surveyId: 'no-such-survey', index: 0 })).toEqual({ ok: false, error: 'not_found' })
    // a refused hold in one update refuses the whole update
    expect(await emitAck(fac, 'session:update', { locked: true, surveyPage: { surveyId, index: 3 } })).toEqual({ ok: false, error: 'invalid' })
    const { doc } = await kiosk().board(links, 'token')
    expect(held(doc)).toEqual({ surveyId, index: 1 })
    expect(readMeta(doc).locked).toBe(false)
  })

  it('shows a board the held question only while that survey is on screen; another activity lets go', async () => {
    const { links, fac, surveyId } = await surveyOnScreen(kiosk())
    const other = await emitAck<Ack<{ surveyId: string }>>(fac, 'survey:create', { title: '事後アンケート', questions: QUESTIONS })
    if (!other.ok) throw new Error(other.error)
    const { doc: board } = await kiosk().board(links, 'key')
    const { doc: full } = await kiosk().board(links, 'token')
    // a question of a survey prepared but not on screen: kept for the console, never on a board
    expect(await hold(fac, { surveyId: other.surveyId, index: 2 })).toEqual({ ok: true })
    await waitFor(() => expect(held(full)).toEqual({ surveyId: other.surveyId, index: 2 }))
    expect(held(board)).toBeNull()
    expect(JSON.stringify(board.getMap('meta').toJSON())).not.toContain(other.surveyId)
    expect(await hold(fac, { surveyId, index: 2 })).toEqual({ ok: true })
    await waitFor(() => expect(held(board)).toEqual({ surveyId, index: 2 }))
    // the room moves to the note round: the hold is let go everywhere
    const promptId = readMeta(full).currentPromptId
    expect(await emitAck(fac, 'agenda:current', { activityId: `notes:${promptId}` })).toEqual({ ok: true })
    await waitFor(() => expect(held(full)).toBeNull())
    await waitFor(() => expect(held(board)).toBeNull())
  })
})

describe('a held survey question across a restart', () => {
  it('is stored before it is acknowledged and is still held after the kiosk restarts', async () => {
    const dataDir = tempDir()
    let kiosk = await startKiosk({ dataDir })
    try {
      const { links, fac, surveyId } = await surveyOnScreen(kiosk)
      expect(await hold(fac, { surveyId, index: 2 })).toEqual({ ok: true })
      await kiosk.close()
      kiosk = await startKiosk({ dataDir })
      const { doc: board } = await kiosk.board(links, 'key')
      await waitFor(() => expect(held(board)).toEqual({ surveyId, index: 2 }))
    } finally {
      await kiosk.close()
    }
  })
})
