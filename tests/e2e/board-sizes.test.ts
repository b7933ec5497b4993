import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { Ack } from '../../shared/errors.ts'
import { newClientId } from '../../shared/ids.ts'
import { legibleFloor } from '../../client/src/board/card.ts'
import { emitAck, type ClientSocket } from '../helpers/kiosk.ts'
import { settle } from './audit.ts'
import { HAS_BROWSER, SCREENS, useRoom } from './browser.ts'
import { BoardPage, onKiosk } from './pages.ts'

/**
 * The board's join column on the projectors of municipal meeting rooms: 1920×1080, 1366×768,
 * 1280×720 and 1024×768. In every state the column shows (a note round inviting with its QR
 * code, with a countdown over it, small once the room has joined, a survey being answered, the questions, posting locked without a QR code) each of its
 * parts (the invitation, the QR code, the URL, the counts, every button) is whole on the screen,
 * clear of the wall and of each other, the QR code large enough to scan from the back of the
 * room and the words above the board's legible floor. Screenshots:
 * .test-artifacts/screens/board-join-<w>x<h>-ja.png (and -<state> for the other states: timer, joined, locked, questions, survey).
 */

const SIZES = [
  [1920, 1080],
  [1366, 768],
  [1280, 720],
  [1024, 768],
] as const

/** The board's text floor, the notes' own: 20 px at 1080p, scaled with the screen (13 px at 720p). */
const textFloor = (h: number) => legibleFloor(h) - 0.01
/**
 * A QR code a phone reads from the back rows: a quarter of the screen's height (180 px at 720p);
 * once the room has joined (the column small), one for the front rows: 170 px.
 */
const qrMin = (h: number, compact: boolean) => (compact ? 170 : Math.floor(h / 4))

interface Part {
  name: string
  kind: 'text' | 'qr' | 'button' | 'box'
  left: number
  top: number
  right: number
  bottom: number
  px: number
}

/** Each part of the join column as the browser drew it, and the wall's box. */
function measure(page: Page): Promise<{ parts: Part[]; wall: { left: number; top: number; right: number; bottom: number } }> {
  return page.evaluate(() => {
    const box = (el: Element) => {
      const r = el.getBoundingClientRect()
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom }
    }
    const join = document.querySelector('[data-testid="join-panel"]')!
    const parts: Part[] = []
    const add = (el: Element | null, name: string, kind: Part['kind']) => {
      if (!el || (el as HTMLElement).offsetParent === null) return
      parts.push({ name, kind, ...box(el), px: parseFloat(getComputedStyle(el).fontSize) })
    }
    add(join.querySelector('.timer'), 'timer', 'box')
    add(join.querySelector('[data-testid="join-heading"]'), 'invitation', 'text')
    add(join.querySelector('img.qr'), 'QR code', 'qr')
    add(join.querySelector('[data-testid="join-url"]'), 'URL', 'text')
    add(join.querySelector('[data-testid="phone-count"]'), 'phones', 'text')
    add(join.querySelector('[data-testid="note-count"]'), 'notes', 'text')
    for (const b of join.querySelectorAll('button')) add(b, `button ${(b.textContent ?? '').trim()}`, 'button')
    return { parts, wall: box(document.querySelector('main.wall')!) }
  }) as never
}

const overlap = (a: Omit<Part, 'name' | 'kind' | 'px'>, b: Omit<Part, 'name' | 'kind' | 'px'>) =>
  Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5

/** What is wrong with the join column at this size, one line per problem (empty when nothing is). */
async function problems(page: Page, w: number, h: number, qrShown: boolean): Promise<string[]> {
  const { parts, wall } = await measure(page)
  const compact = (await page.getByTestId('join-panel').getAttribute('data-compact')) === 'true'
  const out: string[] = []
  const at = (p: Part) => `${p.name} at ${Math.round(p.left)},${Math.round(p.top)}–${Math.round(p.right)},${Math.round(p.bottom)}`
  for (const p of parts) {
    if (p.left < -0.5 || p.top < -0.5 || p.right > w + 0.5 || p.bottom > h + 0.5) out.push(`${at(p)}: outside ${w}×${h} (by ${Math.round(Math.max(p.bottom - h, p.right - w, -p.top, -p.left))} px)`)
    if (overlap(p, wall)) out.push(`${at(p)}: over the wall`)
    if (p.kind === 'text' && p.px < textFloor(h)) out.push(`${p.name}: ${p.px.toFixed(1)} px text, under the floor`)
    if (p.kind === 'button' && (p.px < 13 || p.bottom - p.top < 24)) out.push(`${p.name}: ${p.px.toFixed(1)} px text, ${Math.round(p.bottom - p.top)} px high`)
    if (p.kind === 'qr' && Math.min(p.right - p.left, p.bottom - p.top) < qrMin(h, compact)) out.push(`QR code ${Math.round(p.right - p.left)} px, under ${qrMin(h, compact)}`)
  }
  for (const [i, a] of parts.entries()) for (const b of parts.slice(i + 1)) if (overlap(a, b)) out.push(`${at(a)} overlaps ${at(b)}`)
  const names = parts.map((p) => p.name)
  if (names.includes('QR code') !== qrShown) out.push(`QR code ${qrShown ? 'missing' : 'shown'}`)
  if (qrShown && !names.includes('URL')) out.push('URL missing')
  if (parts.filter((p) => p.kind === 'button').length < 4) out.push(`buttons: ${names.filter((n) => n.startsWith('button')).join(', ')}`)
  return out
}

describe.skipIf(!HAS_BROWSER)('the join column on a projector of any common size (Japanese)', () => {
  const room = useRoom()

  /** The board at each size: its join column checked, and photographed. */
  async function everySize(board: BoardPage, state: string, qrShown: boolean): Promise<string[]> {
    const found: string[] = []
    for (const [w, h] of SIZES) {
      await board.page.setViewportSize({ width: w, height: h })
      // the wall is laid out again for the new size (a moment after it, see NoteGrid), its cards inside it
      await expect
        .poll(() =>
          board.page.evaluate(() => {
            const wall = document.querySelector('main.wall')!.getBoundingClientRect()
            return [...document.querySelectorAll('li[data-note-id]')].filter((li) => li.getBoundingClientRect().right > wall.right + 0.5).length
          }),
        )
        .toBe(0)
      await settle(board.page)
      // the QR code's image has loaded (its box does not depend on it, the picture does)
      if (qrShown) await expect.poll(() => board.page.locator('img.qr').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0)
      found.push(...(await problems(board.page, w, h, qrShown)).map((p) => `${state} ${w}×${h}: ${p}`))
      await board.page.screenshot({ path: path.join(SCREENS, `board-join-${w}x${h}${state === 'collect' ? '' : `-${state}`}-ja.png`) })
    }
    return found
  }

  it('keeps the QR code, the URL, the invitation and every button on the screen and off the wall, in every state', { timeout: 180_000 }, async () => {
    const links = await room.kiosk.createSession('DX推進研修 第3回 窓口業務の見直し', '窓口業務で困っていること、変えたいこと')
    const fac: ClientSocket = await room.kiosk.facilitator(links.id)
    const ctx = await room.person('board')
    const board = await BoardPage.open(ctx, onKiosk(room.kiosk.url, links.boardUrl))
    const found: string[] = []

    // A note round collecting, notes on the wall, the QR code large.
    for (const text of ['紙の申請書が多すぎる', '窓口の待ち時間が長い', '押印のために来庁してもらっている']) {
      expect((await emitAck<{ ok: boolean }>(fac, 'note:create', { id: newClientId(), text })).ok).toBe(true)
    }
    expect(await emitAck(fac, 'session:update', { showJoin: true })).toEqual({ ok: true })
    await expect.poll(() => board.noteTexts(), { timeout: 15_000 }).toHaveLength(3)
    await expect.poll(() => board.invitation()).toBe('スマホで参加')
    found.push(...(await everySize(board, 'collect', true)))

    // A countdown running on top of the column: the QR code gives up the height, nothing else.
    expect(await emitAck(fac, 'timer:start', { seconds: 600 })).toEqual({ ok: true })
    await expect.poll(() => board.page.getByTestId('join-panel').locator('[role="timer"], .timer').count()).toBeGreaterThan(0)
    found.push(...(await everySize(board, 'timer', true)))
    expect(await emitAck(fac, 'timer:stop', {})).toEqual({ ok: true })

    // The room has joined: the column small, its QR code still there for latecomers in the front rows.
    expect(await emitAck(fac, 'session:update', { showJoin: false })).toEqual({ ok: true })
    await expect.poll(() => board.page.getByTestId('join-panel').getAttribute('data-compact')).toBe('true')
    found.push(...(await everySize(board, 'joined', true)))

    // Posting locked: no QR code, the column says why.
    expect(await emitAck(fac, 'session:update', { locked: true })).toEqual({ ok: true })
    await expect.poll(() => board.invitation()).toBe('いまは投稿を受け付けていません')
    found.push(...(await everySize(board, 'locked', false)))
    expect(await emitAck(fac, 'session:update', { locked: false })).toEqual({ ok: true })

    // The questions on the wall, the room invited to ask.
    expect(await emitAck(fac, 'session:update', { questions: 'open', questionsOnBoard: true })).toEqual({ ok: true })
    await expect.poll(() => board.page.getByTestId('join-heading').getAttribute('data-invite')).toBe('ask')
    found.push(...(await everySize(board, 'questions', true)))
    expect(await emitAck(fac, 'session:update', { questionsOnBoard: false })).toEqual({ ok: true })

    // A survey being answered.
    const created = await emitAck<Ack<{ surveyId: string }>>(fac, 'survey:create', {
      title: '研修の満足度',
      questions: [{ kind: 'scale', text: '今日の研修は役に立ちましたか', minLabel: '立たなかった', maxLabel: 'とても役立った' }],
    })
    if (!created.ok) throw new Error(created.error)
    expect(await emitAck(fac, 'agenda:current', { activityId: `survey:${created.surveyId}` })).toEqual({ ok: true })
    expect(await emitAck(fac, 'survey:open', { surveyId: created.surveyId, label: '事後', live: true })).toEqual({ ok: true, round: 1 })
    await expect.poll(() => board.page.getByTestId('join-heading').getAttribute('data-invite'), { timeout: 15_000 }).toBe('answer')
    found.push(...(await everySize(board, 'survey', true)))

    expect(found).toEqual([])
    expect(ctx.errors).toEqual([])
  })
})
