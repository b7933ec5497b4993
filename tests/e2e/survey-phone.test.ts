import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { Ack } from '../../shared/errors.ts'
import { emitAck, useKiosk, type ClientSocket, type TestKiosk } from '../helpers/kiosk.ts'
import { axeViolations, describeViolations, screenshot } from './audit.ts'
import { HAS_BROWSER, personContext, useBrowser } from './browser.ts'
import { BoardPage, FacilitatorPage, onKiosk, PhonePage } from './pages.ts'

/**
 * A survey as the room lives it (issue 12, in the spirit of issue 14's "every screen shows the
 * state the room is in"): the phone shows the survey and not the note composer, and says in
 * words where it is (coming, answering, answered and changeable, closed); the facilitator holds
 * one question on the projector from the console and the board says it is held.
 * Photographed at each step: .test-artifacts/screens/survey-phone-*.png.
 */
const QUESTIONS = [
  { kind: 'choice', text: 'DXが進まないと感じる一番の要因は', options: ['人材', '予算', '前例主義'] },
  { kind: 'scale', text: 'DXの必要性を感じる', minLabel: '感じない', maxLabel: '強く感じる' },
  { kind: 'text', text: '一言どうぞ' },
] as const

async function surveyOnAgenda(k: TestKiosk) {
  const links = await k.createSession('DX研修 第3回', '窓口業務で困っていること')
  const fac = await k.facilitator(links.id)
  const created = await emitAck<Ack<{ surveyId: string }>>(fac, 'survey:create', { title: '事前アンケート', questions: QUESTIONS })
  if (!created.ok) throw new Error(created.error)
  return { links, fac, surveyId: created.surveyId }
}

const ok = async (fac: ClientSocket, event: string, payload: unknown) => expect(await emitAck(fac, event, payload)).toMatchObject({ ok: true })

describe.skipIf(!HAS_BROWSER)('a survey on the phone, and a question held on the board', () => {
  const browser = useBrowser()
  const kiosk = useKiosk()
  const violations: string[] = []
  const shot = async (page: Page, name: string) => {
    violations.push(...describeViolations(await axeViolations(page)).map((v) => `${name}: ${v}`))
    await screenshot(page, `survey-phone-${name}-ja`)
  }

  it('shows the survey instead of the composer, and says before and after answering and once the round closes', { timeout: 120_000 }, async () => {
    const k = kiosk()
    const { links, fac, surveyId } = await surveyOnAgenda(k)
    const phone = await PhonePage.open(await personContext(browser(), 'phone'), onKiosk(k.url, links.joinUrl))
    await phone.connected()
    // a note round first: the composer and the prompt
    await expect.poll(() => phone.noteBox.count()).toBe(1)
    expect(await phone.prompt()).toBe('窓口業務で困っていること')

    // the survey becomes the room's activity, its round not open yet
    await ok(fac, 'agenda:current', { activityId: `survey:${surveyId}` })
    await expect.poll(() => phone.statusLine(), { timeout: 10_000 }).toBe('まもなくアンケートが始まります。このままお待ちください。')
    expect(await phone.noteBox.count()).toBe(0)
    expect(await phone.page.getByTestId('prompt').count()).toBe(0)
    await expect.poll(() => phone.page.getByTestId('survey').getByRole('heading', { name: '事前アンケート' }).count()).toBe(1)
    await shot(phone.page, 'coming-390x844')

    await ok(fac, 'survey:open', { surveyId, label: '事前', live: true })
    await expect.poll(() => phone.statusLine(), { timeout: 10_000 }).toBe('いまはアンケートに答える時間です。')
    const state = phone.page.getByTestId('survey-state')
    await expect.poll(() => state.textContent()).toBe('事前の回答を受け付けています。まだ回答していません。')
    expect(await phone.noteBox.count()).toBe(0)
    expect(await phone.page.getByRole('button', { name: /^(送信|Post)$/ }).count()).toBe(0) // the form's own 送信 comes at its end
    await shot(phone.page, 'before-answering-390x844')

    // answers through the form: a choice, a scale, the text skipped, then send
    const form = phone.page.getByTestId('survey-form')
    await form.getByRole('radio', { name: '前例主義' }).check()
    await form.getByRole('button', { name: '次へ' }).click()
    await form.getByRole('radio', { name: '4' }).check()
    await form.getByRole('button', { name: '次へ' }).click()
    await form.getByRole('button', { name: 'とばして次へ' }).click()
    await form.getByRole('button', { name: '送信' }).click()

    // answered: said plainly, with the way to change it while the round is open; no form, no composer
    await expect.poll(() => state.textContent(), { timeout: 10_000 }).toMatch(/回答を送りました/)
    const done = phone.page.getByTestId('survey-answered')
    expect(await done.textContent()).toContain('事前の受付が終わるまでは、何度でも回答を直せます。')
    expect(await phone.page.getByTestId('survey-form').count()).toBe(0)
    expect(await phone.noteBox.count()).toBe(0)
    expect(await phone.statusLine()).toBe('いまはアンケートに答える時間です。')
    await shot(phone.page, 'answered-390x844')

    // changing it: the form again, filled with the answer given, saying the answer stands until sent
    await done.getByRole('button', { name: '回答を直す' }).click()
    await expect.poll(() => state.textContent()).toBe('回答を直しています。「変更を送信」を押すまでは前の回答のままです。')
    expect(await phone.page.getByTestId('survey-form').getByRole('radio', { name: '前例主義' }).isChecked()).toBe(true)
    await shot(phone.page, 'changing-390x844')

    // the round closes: the room and this phone say so; the answer it gave arrived
    await ok(fac, 'survey:close', { surveyId })
    await expect.poll(() => phone.statusLine(), { timeout: 10_000 }).toBe('アンケートの受付は終わりました。ありがとうございました。')
    await expect.poll(() => state.textContent()).toBe('事前の受付は終わりました。あなたの回答は届いています。ありがとうございました。')
    expect(await phone.page.getByTestId('survey-form').count()).toBe(0)
    expect(await phone.noteBox.count()).toBe(0)
    await shot(phone.page, 'closed-390x844')

    // questions to the speaker as the activity: the questions, not the note box
    const asking = await emitAck<Ack<{ activityId: string }>>(fac, 'agenda:add', { kind: 'questions', title: '講演への質問' })
    if (!asking.ok) throw new Error(asking.error)
    await ok(fac, 'agenda:current', { activityId: asking.activityId })
    await expect.poll(() => phone.statusLine(), { timeout: 10_000 }).toBe('いまは質問を受け付けています。')
    await expect.poll(() => phone.page.getByTestId('questions').count(), { timeout: 10_000 }).toBe(1)
    expect(await phone.page.getByTestId('activity').textContent()).toBe('講演への質問')
    expect(await phone.noteBox.count()).toBe(0)
    expect(await phone.page.getByTestId('survey').count()).toBe(0)
    await shot(phone.page, 'questions-390x844')

    // back to a note round: the composer and its prompt again
    expect(await emitAck(fac, 'prompt:add', { text: '次に試したいこと', makeCurrent: true })).toMatchObject({ ok: true })
    await expect.poll(() => phone.noteBox.count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => phone.statusLine()).toBe('いまは意見を集めています。')
    expect(await phone.prompt()).toBe('次に試したいこと')
    expect(violations).toEqual([])
  })

  it('holds a question on the board from the console, steps to the next, and lets the questions turn again', { timeout: 120_000 }, async () => {
    const k = kiosk()
    const { links, fac, surveyId } = await surveyOnAgenda(k)
    await ok(fac, 'agenda:current', { activityId: `survey:${surveyId}` })
    await ok(fac, 'survey:open', { surveyId, label: '事前', live: true })
    for (const [i, a] of [[0, 2, 'はんこをなくしたい'], [2, 4, null], [1, 5, '前例']].entries()) {
      const phone = await k.phone(links.id, { deviceId: `room-${i}` })
      expect(await emitAck(phone, 'survey:answer', { surveyId, round: 1, answers: a })).toEqual({ ok: true })
    }
    const board = await BoardPage.open(await personContext(browser(), 'board'), onKiosk(k.url, links.boardUrl))
    const pages = board.page.getByTestId('board-survey-page')
    await expect.poll(() => pages.textContent(), { timeout: 10_000 }).toMatch(/1 \/ 3\s*質問は3問あります。20秒ごとに次の質問へ進みます/)

    const con = await FacilitatorPage.open(await personContext(browser(), 'console'), onKiosk(k.url, links.facilitatorUrl))
    const card = con.page.getByTestId('board-display')
    await card.getByRole('button', { name: '質問1で止める' }).click()
    await expect.poll(() => card.getByTestId('survey-pages-state').textContent(), { timeout: 10_000 }).toContain('ボードは質問1 / 3「DXが進まないと感じる一番の要因は」を表示したままです')
    await card.getByRole('button', { name: '次の質問' }).click()
    await expect.poll(() => card.getByTestId('survey-pages-state').textContent(), { timeout: 10_000 }).toContain('ボードは質問2 / 3「DXの必要性を感じる」を表示したままです')
    await card.scrollIntoViewIfNeeded()
    await shot(con.page, 'console-held-1280x800')

    // the board shows question 2 and says it is held
    await expect.poll(() => pages.getAttribute('data-held'), { timeout: 10_000 }).toBe('true')
    expect((await pages.textContent())?.replace(/\s+/g, '')).toBe('2/3質問は3問あります。ファシリテーターがこの質問を表示しています')
    await expect.poll(() => board.page.getByTestId('board-question').getAttribute('data-index')).toBe('1')
    // the chart is of question 2, and the question is written above it
    await expect.poll(() => board.page.getByTestId('board-question').getByRole('img').first().getAttribute('aria-label')).toMatch(/^DXの必要性を感じる：/)
    expect(await board.page.getByTestId('board-question').locator('figcaption').textContent()).toBe('DXの必要性を感じる')
    await shot(board.page, 'board-held-1920x1080')

    // a question picked from the list
    await card.getByLabel('映す質問を選ぶ').selectOption({ index: 2 })
    await card.getByRole('button', { name: 'この質問を映す' }).click()
    await expect.poll(() => board.page.getByTestId('board-question').getAttribute('data-index'), { timeout: 10_000 }).toBe('2')
    expect(await pages.getAttribute('data-page')).toBe('3')

    // let go: the questions turn by themselves again, and the board says so
    await card.getByRole('button', { name: '質問を自動で送る' }).click()
    await expect.poll(() => pages.getAttribute('data-held'), { timeout: 10_000 }).toBe('false')
    expect(await pages.textContent()).toContain('20秒ごとに次の質問へ進みます')
    await expect.poll(() => card.getByTestId('survey-pages-state').textContent()).toBe('ボードはアンケートの質問を1問ずつ自動で送っています')
    expect(violations).toEqual([])
  })
})
