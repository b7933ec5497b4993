/**
 * Every string the three screens show, in Japanese (the first users) and English.
 * Components never hold literal UI text: they call `t(key, params)` from `lang.svelte.ts`.
 * `{name}` in a message is replaced by a parameter; numbers are formatted with Intl.
 *
 * This file holds what every screen needs (and the phone's own words); the board's and the
 * console's own words live in `i18n-board.ts` and `i18n-console.ts` and are added by those
 * screens at start-up, so the phone, on a crowded room's Wi-Fi, does not download them.
 * tests/unit/i18n.test.ts checks that each screen only uses words its bundle carries.
 */
import type { BOARD_MESSAGES } from './i18n-board.ts'
import type { CONSOLE_MESSAGES } from './i18n-console.ts'
import type { QUESTION_MESSAGES } from './i18n-questions.ts'
import type { VOTE_MESSAGES } from './i18n-vote.ts'
import type { SURVEY_CHART_MESSAGES, SURVEY_FORM_MESSAGES } from './i18n-survey.ts'

export const LANGS = ['ja', 'en'] as const
export type Lang = (typeof LANGS)[number]

export type Params = Record<string, string | number>
export type Message = string | ((p: Params, lang: Lang) => string)

const ja = {
  'app.name': '車座',
  'lang.switch': 'English',
  'lang.switchLabel': 'Switch to English',

  'conn.connecting': '接続しています…',
  'conn.connected': '接続中',
  'conn.reconnecting': '再接続しています…',

  'phone.promptFallback': '思ったことを書いてください',
  'phone.label': 'あなたの意見',
  'phone.post': '送信',
  'phone.count': '{n} / {max} 文字',
  'phone.left': 'あと{n}文字',
  'phone.over': '{n}文字多すぎます',
  'phone.anonymous': '名前は送られません。付箋は匿名でボードに表示されます。',
  'phone.anonymousSurvey': '名前は送られません。回答は匿名で集計されます。',
  'phone.anonymousQuestions': '名前は送られません。質問は匿名で表示されます。',
  'phone.sent': '送信しました。',
  'phone.queued': '保存しました。接続が戻ったら自動で送信します。',
  'phone.rateLimited': '投稿が集中しています。少し待ってから自動で送り直しますので、そのままお待ちください。',
  'phone.unavailable': 'いまサーバーに保存できませんでした。少し待ってから自動で送り直します。',
  'phone.refused': '送信できませんでした：{why}',
  'phone.mine': '送った付箋',
  'phone.editAgain': 'もう一度書く',
  'phone.notFoundTitle': 'セッションが見つかりません',
  'phone.notFoundBody': 'QRコードをもう一度読み取るか、進行役（ファシリテーター）に確認してください。',
  'phone.forbiddenTitle': '接続できません',
  'phone.forbiddenBody': 'このページは会場のQRコードから開いてください。',

  'voice.start': '声で入力する',
  'voice.stop': '聞き取りを終える',
  'voice.listening': '聞き取っています。話してください。',
  'voice.denied': 'マイクが許可されていません。文字で入力してください。',
  'voice.failed': '声での入力はいま使えません。文字で入力してください。',

  'mine.queued': '送信待ち',
  'mine.sending': '送信中',
  'mine.sent': '送信済み',
  'mine.refused': '送信できませんでした',
  'mine.visible': 'ボードに表示中',
  'mine.pending': '承認待ち',
  'mine.hidden': '表示されていません',
  'mine.deleted': '削除されました',

  'why.empty': '空の付箋は送れません',
  'why.too_long': '長すぎます',
  'why.invalid': '送れない内容が含まれています',
  'why.locked': 'いまは投稿を受け付けていません',
  'why.full': 'このセッションは付箋がいっぱいです',
  'why.not_found': 'セッションが見つかりません',
  'why.unauthorized': '権限がありません',
  'why.rate_limited': '投稿が集中しています',
  'why.unavailable': 'サーバーに保存できませんでした',
  'why.forbidden_origin': '別のサイトからは送れません',
  'why.no_vote': 'いまは投票の時間ではありません',
  'why.over_budget': 'もう投票できるドットがありません',
  'why.closed': '受付は締め切られています',
  'why.has_answers': '回答のあるアンケートは変更できません',
  'why.payload_too_large': '長すぎます',
  'why.network': 'サーバーに接続できません',
  'why.timeout': '応答がありません。もう一度お試しください',
  'why.unknown': 'うまくいきませんでした',

  'phase.collect': '集める',
  'phase.reveal': '公開',
  'phase.group': 'まとめる',
  'phase.vote': '投票',
  'phase.discuss': '話し合う',

  'timer.label': 'タイマー',
  'timer.left': '残り {time}',
  'timer.ended': '時間になりました',
  'timer.oneMinute': '残り1分です',

  'phone.stillOpen': '付箋はまだ送れます。',
  'phone.lockedNote': 'いまは付箋を送れません。',
  'phone.state.closed': 'このセッションは終了しました。',
  'phone.state.voteOpen': 'いまは投票の時間です。',
  'phone.state.voteComing': 'まもなく投票が始まります。このままお待ちください。',
  'phone.state.voteOver': '投票は締め切りました。',
  'phone.state.faceDown': '付箋はまだボードに伏せてあります。まもなくめくります。',
  'phone.state.collect': 'いまは意見を集めています。',
  'phone.state.collectLocked': '意見の受付は締め切りました。ありがとうございました。',
  'phone.state.reveal': 'いまはボードで付箋を見ています。',
  'phone.state.group': 'いまは付箋をまとめています。',
  'phone.state.discuss': 'いまは話し合いの時間です。',
  'phone.state.surveyComing': 'まもなくアンケートが始まります。このままお待ちください。',
  'phone.state.surveyOpen': 'いまはアンケートに答える時間です。',
  'phone.state.surveyClosed': 'アンケートの受付は終わりました。ありがとうございました。',
  'phone.state.questionsOpen': 'いまは質問を受け付けています。',
  'phone.state.questionsClosed': '質問の受付は締め切りました。',
  'phone.lockedDraft': '書いた文章はこのスマホに残ります。受付が再開したら送れます。',
  'phone.edited': '進行役が文章を直しました（送った文章：{text}）',
  'phone.closedTitle': 'このセッションは終了しました',
  'phone.closedThanks': 'ご参加ありがとうございました。このページは閉じてかまいません。',
  'phone.timeUp': '時間になりました。ありがとうございました。',

  'vote.preparing': '投票の準備をしています…',
  'vote.toPost': '付箋を書く',
  'vote.toVote': '投票に戻る',

} satisfies Record<string, Message>

export type CoreKey = keyof typeof ja
export type BoardKey = keyof (typeof BOARD_MESSAGES)['ja']
export type ConsoleKey = keyof (typeof CONSOLE_MESSAGES)['ja']
export type SurveyKey = keyof (typeof SURVEY_CHART_MESSAGES)['ja'] | keyof (typeof SURVEY_FORM_MESSAGES)['ja']
export type QuestionKey = keyof (typeof QUESTION_MESSAGES)['ja']
export type VoteKey = keyof (typeof VOTE_MESSAGES)['ja']
export type MessageKey = CoreKey | BoardKey | ConsoleKey | SurveyKey | QuestionKey | VoteKey

/** English singular and plural; Japanese has no plural. */
export const plural = (one: string, other: string) => (p: Params) => (p.n === '1' ? one : other)

/** A screen's own words, in both languages (the type makes English complete). */
export type MessagePart<K extends string> = { ja: Record<K, Message>; en: Record<K, Message> }

const en: Record<CoreKey, Message> = {
  'app.name': 'Kurumaza',
  'lang.switch': '日本語',
  'lang.switchLabel': '日本語に切り替える',

  'conn.connecting': 'Connecting…',
  'conn.connected': 'Connected',
  'conn.reconnecting': 'Reconnecting…',

  'phone.promptFallback': 'Write what you think',
  'phone.label': 'Your note',
  'phone.post': 'Post',
  'phone.count': '{n} / {max} characters',
  'phone.left': plural('{n} character left', '{n} characters left'),
  'phone.over': plural('{n} character too many', '{n} characters too many'),
  'phone.anonymous': 'Your name is not sent. Notes appear on the board anonymously.',
  'phone.anonymousSurvey': 'Your name is not sent. Answers are counted anonymously.',
  'phone.anonymousQuestions': 'Your name is not sent. Questions are shown anonymously.',
  'phone.sent': 'Sent.',
  'phone.queued': 'Saved. It will be sent when the connection returns.',
  'phone.rateLimited': 'Lots of notes at once. We will send yours again in a moment; no need to do anything.',
  'phone.unavailable': 'The kiosk could not save it just now. We will try again in a moment.',
  'phone.refused': 'Not sent: {why}',
  'phone.mine': 'Your notes',
  'phone.editAgain': 'Edit again',
  'phone.notFoundTitle': 'Session not found',
  'phone.notFoundBody': 'Please scan the QR code again, or ask the facilitator.',
  'phone.forbiddenTitle': 'Cannot connect',
  'phone.forbiddenBody': 'Please open this page from the QR code in the room.',

  'voice.start': 'Speak instead of typing',
  'voice.stop': 'Stop listening',
  'voice.listening': 'Listening… please speak.',
  'voice.denied': 'The microphone is not allowed. Please type instead.',
  'voice.failed': 'Voice input is not available now. Please type instead.',

  'mine.queued': 'Queued',
  'mine.sending': 'Sending',
  'mine.sent': 'Sent',
  'mine.refused': 'Not sent',
  'mine.visible': 'On the board',
  'mine.pending': 'Waiting for approval',
  'mine.hidden': 'Not shown',
  'mine.deleted': 'Removed',

  'why.empty': 'the note is empty',
  'why.too_long': 'the note is too long',
  'why.invalid': 'the note contains something that cannot be sent',
  'why.locked': 'posting is closed right now',
  'why.full': 'this session has as many notes as it can hold',
  'why.not_found': 'the session was not found',
  'why.unauthorized': 'not allowed',
  'why.rate_limited': 'too many notes at once',
  'why.unavailable': 'the kiosk could not save it',
  'why.forbidden_origin': 'not allowed from another site',
  'why.no_vote': 'no vote is open',
  'why.over_budget': 'no dots left',
  'why.closed': 'this is closed now',
  'why.has_answers': 'a survey with answers cannot be changed',
  'why.payload_too_large': 'too long',
  'why.network': 'cannot reach the kiosk',
  'why.timeout': 'no answer from the kiosk; please try again',
  'why.unknown': 'something went wrong',

  'phase.collect': 'Collect',
  'phase.reveal': 'Reveal',
  'phase.group': 'Group',
  'phase.vote': 'Vote',
  'phase.discuss': 'Discuss',

  'timer.label': 'Timer',
  'timer.left': '{time} left',
  'timer.ended': 'Time is up',
  'timer.oneMinute': 'One minute left',

  'phone.stillOpen': 'You can still send notes.',
  'phone.lockedNote': 'Notes cannot be sent right now.',
  'phone.state.closed': 'This session has ended.',
  'phone.state.voteOpen': 'Time to vote.',
  'phone.state.voteComing': 'The vote starts soon. Please wait here.',
  'phone.state.voteOver': 'The vote has closed.',
  'phone.state.faceDown': 'The notes are still face down on the board. They will be turned over soon.',
  'phone.state.collect': 'We are collecting ideas.',
  'phone.state.collectLocked': 'Posting has closed. Thank you.',
  'phone.state.reveal': 'We are looking at the notes on the board.',
  'phone.state.group': 'We are grouping the notes.',
  'phone.state.discuss': 'We are discussing.',
  'phone.state.surveyComing': 'The survey starts soon. Please wait here.',
  'phone.state.surveyOpen': 'Time to answer the survey.',
  'phone.state.surveyClosed': 'The survey has closed. Thank you.',
  'phone.state.questionsOpen': 'Questions are open.',
  'phone.state.questionsClosed': 'Questions have closed.',
  'phone.lockedDraft': 'What you wrote stays on this phone. You can send it when posting opens again.',
  'phone.edited': 'The facilitator corrected it (you sent: {text})',
  'phone.closedTitle': 'This session has ended',
  'phone.closedThanks': 'Thank you for taking part. You can close this page.',
  'phone.timeUp': 'Time is up. Thank you.',

  'vote.preparing': 'Getting the vote ready…',
  'vote.toPost': 'Write a note',
  'vote.toVote': 'Back to the vote',

}

export const CORE_MESSAGES: MessagePart<CoreKey> = { ja, en }

/** What this page can say: the core, plus the parts its screen added. */
export const CATALOGUE: Record<Lang, Record<string, Message>> = { ja: { ...ja }, en: { ...en } }

/** Called once by a screen's main.ts before it mounts (and by tests that format its words). */
export function addMessages(part: MessagePart<string>): void {
  for (const lang of LANGS) Object.assign(CATALOGUE[lang], part[lang])
}

const numberFormats = new Map<Lang, Intl.NumberFormat>()

/** Format one message; numbers go through Intl so 1200 reads 1,200. */
export function format(lang: Lang, key: MessageKey, params: Params = {}): string {
  let nf = numberFormats.get(lang)
  if (!nf) numberFormats.set(lang, (nf = new Intl.NumberFormat(lang)))
  const shown: Params = {}
  for (const [k, v] of Object.entries(params)) shown[k] = typeof v === 'number' ? nf.format(v) : v
  // A key of a part this page never added shows as itself: visible in review, never a crash.
  const msg = CATALOGUE[lang][key] ?? key
  const template = typeof msg === 'function' ? msg({ ...shown, n: String(params.n ?? '') }, lang) : msg
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => String(shown[name] ?? whole))
}

/** Japanese unless the browser's first choice is English. */
export function preferredLang(languages: readonly string[]): Lang {
  const first = languages[0]?.toLowerCase() ?? ''
  return first.startsWith('en') ? 'en' : 'ja'
}

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value)
}
