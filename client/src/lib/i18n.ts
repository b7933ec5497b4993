/**
 * Every string the three screens show, in Japanese (the first users) and English.
 * Components never hold literal UI text: they call `t(key, params)` from `lang.svelte.ts`.
 * `{name}` in a message is replaced by a parameter; numbers are formatted with Intl.
 */
export const LANGS = ['ja', 'en'] as const
export type Lang = (typeof LANGS)[number]

export type Params = Record<string, string | number>
type Message = string | ((p: Params, lang: Lang) => string)

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
  'phone.locked': 'いまは投稿を受け付けていません。書いた文章はそのまま残ります。',
  'phone.closed': 'このセッションは終了しました。ご参加ありがとうございました。',
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
  'why.not_found': 'セッションが見つかりません',
  'why.unauthorized': '権限がありません',
  'why.rate_limited': '投稿が集中しています',
  'why.unavailable': 'サーバーに保存できませんでした',
  'why.forbidden_origin': '別のサイトからは送れません',
  'why.no_vote': 'いまは投票の時間ではありません',
  'why.over_budget': 'もう投票できるドットがありません',
  'why.payload_too_large': '長すぎます',
  'why.network': 'サーバーに接続できません',
  'why.timeout': '応答がありません。もう一度お試しください',
  'why.unknown': 'うまくいきませんでした',

  'board.join': 'スマホで参加',
  'board.qrAlt': '参加用のQRコード',
  'board.orOpen': 'QRコードが読めない方はこちら',
  'board.phones': '{n}台が参加中',
  'board.noteCount': '付箋 {n}枚',
  'board.notes': '付箋',
  'board.faceDown': '伏せてある付箋',
  'board.empty': 'QRコードを読み取って、意見を送ってください',
  'board.reconnecting': '再接続しています…',
  'board.refusedTitle': 'このボードのリンクは不完全です',
  'board.refusedBody': 'ファシリテーター画面（コンソール）の「ボードを開く」から開いてください。',
  'board.notFoundTitle': 'セッションが見つかりません',
  'board.notFoundBody': 'ファシリテーター画面（コンソール）からボードを開き直してください。',

  'console.title': 'ファシリテーター画面',
  'console.noTokenTitle': 'ファシリテーター用のURLから開いてください',
  'console.noTokenBody':
    'サーバーを起動したターミナルに表示されている、ファシリテーター用のURL（token= が付いたもの）を開いてください。',
  'console.create': '新しいセッション',
  'console.titleLabel': 'タイトル',
  'console.promptLabel': '問い（任意）',
  'console.promptHint': '参加者のスマホとボードに表示されます。例：「DXで困っていることは？」',
  'console.createButton': '作成',
  'create.empty': 'タイトルを入力してください。',
  'create.too_long': 'タイトルか問いが長すぎます（タイトルは{title}文字、問いは{prompt}文字まで）。',
  'create.invalid': '入力内容を確認してください。',
  'create.failed': '作成できませんでした：{why}',
  'console.creating': '作成しています…',
  'console.sessions': 'セッション一覧',
  'console.noSessions': 'まだセッションはありません。',
  'console.loading': '読み込んでいます…',
  'console.noteCount': '付箋 {n}枚',
  'console.closed': '終了',
  'console.storageFailing': '付箋を保存できていません（{message}）。ディスクの空きとデータフォルダを確認してください。',
  'console.openConsole': '管理画面',
  'console.openBoard': 'ボードを開く',
  'console.phoneLink': '参加用リンク',
  'console.back': 'セッション一覧へ',
  'console.sessionNotFound': 'このセッションは見つかりません。',
  'console.projector': 'プロジェクター',
  'console.boardHint': '新しいウィンドウで開き、プロジェクターに映してください。',
  'console.join': '参加用URL',
  'console.qrAlt': '参加用のQRコード',
  'console.settings': '設定',
  'console.lock': '投稿を締め切る',
  'console.moderation': 'ボードへの表示',
  'console.modPost': 'すぐに表示する',
  'console.modPre': '承認してから表示する',
  'console.edit': 'タイトルと問い',
  'console.save': '保存',
  'console.saved': '保存しました。',
  'console.export': 'JSONで書き出す',
  'console.exported': '書き出しました。',
  'console.phones': '参加中のスマホ：{n}台',
  'console.notes': '付箋',
  'console.filter': '表示する付箋',
  'console.filterAll': 'すべて（{n}）',
  'console.noNotes': 'この条件の付箋はありません。',
  'console.failed': '操作できませんでした：{why}',

  'status.visible': '表示中',
  'status.pending': '承認待ち',
  'status.hidden': '非表示',
  'status.count.visible': '表示中（{n}）',
  'status.count.pending': '承認待ち（{n}）',
  'status.count.hidden': '非表示（{n}）',

  'act.approve': '承認',
  'act.hide': '隠す',
  'act.show': '表示する',
  'act.delete': '削除',
  'act.confirmQuestion': 'この付箋を削除しますか？元に戻せません。',
  'act.confirmDelete': '削除する',
  'act.cancel': 'キャンセル',
} satisfies Record<string, Message>

export type MessageKey = keyof typeof ja

const plural = (one: string, other: string) => (p: Params) => (p.n === '1' ? one : other)

const en: Record<MessageKey, Message> = {
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
  'phone.locked': 'Posting is closed right now. What you wrote stays here.',
  'phone.closed': 'This session has ended. Thank you for taking part.',
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
  'why.not_found': 'the session was not found',
  'why.unauthorized': 'not allowed',
  'why.rate_limited': 'too many notes at once',
  'why.unavailable': 'the kiosk could not save it',
  'why.forbidden_origin': 'not allowed from another site',
  'why.no_vote': 'no vote is open',
  'why.over_budget': 'no dots left',
  'why.payload_too_large': 'too long',
  'why.network': 'cannot reach the kiosk',
  'why.timeout': 'no answer from the kiosk; please try again',
  'why.unknown': 'something went wrong',

  'board.join': 'Join from your phone',
  'board.qrAlt': 'QR code to join',
  'board.orOpen': 'Cannot scan? Open',
  'board.phones': plural('{n} phone connected', '{n} phones connected'),
  'board.noteCount': plural('{n} note', '{n} notes'),
  'board.notes': 'Notes',
  'board.faceDown': 'Face-down note',
  'board.empty': 'Scan the QR code and post your thoughts',
  'board.reconnecting': 'Reconnecting…',
  'board.refusedTitle': 'This board link is incomplete',
  'board.refusedBody': 'Open it from the console, with “Open board”.',
  'board.notFoundTitle': 'Session not found',
  'board.notFoundBody': 'Open the board again from the console.',

  'console.title': 'Facilitator console',
  'console.noTokenTitle': 'Open the facilitator URL',
  'console.noTokenBody':
    'Open the facilitator URL (the one with token=) printed in the terminal where the kiosk was started.',
  'console.create': 'New session',
  'console.titleLabel': 'Title',
  'console.promptLabel': 'Prompt (optional)',
  'console.promptHint': 'Shown on the phones and the board, e.g. “What slows you down?”',
  'console.createButton': 'Create',
  'create.empty': 'Please enter a title.',
  'create.too_long': 'The title or the prompt is too long (title up to {title} characters, prompt up to {prompt}).',
  'create.invalid': 'Please check what you entered.',
  'create.failed': 'Could not create it: {why}',
  'console.creating': 'Creating…',
  'console.sessions': 'Sessions',
  'console.noSessions': 'No sessions yet.',
  'console.loading': 'Loading…',
  'console.noteCount': plural('{n} note', '{n} notes'),
  'console.closed': 'Closed',
  'console.storageFailing': 'Notes cannot be stored ({message}). Check the free disk space and the data folder.',
  'console.openConsole': 'Console',
  'console.openBoard': 'Open board',
  'console.phoneLink': 'Phone link',
  'console.back': 'All sessions',
  'console.sessionNotFound': 'This session was not found.',
  'console.projector': 'Projector',
  'console.boardHint': 'Opens in a new window: put it on the projector.',
  'console.join': 'Join URL',
  'console.qrAlt': 'QR code to join',
  'console.settings': 'Settings',
  'console.lock': 'Lock posting',
  'console.moderation': 'Showing notes',
  'console.modPost': 'Show immediately',
  'console.modPre': 'Approve before showing',
  'console.edit': 'Title and prompt',
  'console.save': 'Save',
  'console.saved': 'Saved.',
  'console.export': 'Export JSON',
  'console.exported': 'Exported.',
  'console.phones': plural('Phones connected: {n}', 'Phones connected: {n}'),
  'console.notes': 'Notes',
  'console.filter': 'Notes to list',
  'console.filterAll': 'All ({n})',
  'console.noNotes': 'No notes here.',
  'console.failed': 'Could not do it: {why}',

  'status.visible': 'Visible',
  'status.pending': 'Pending',
  'status.hidden': 'Hidden',
  'status.count.visible': 'Visible ({n})',
  'status.count.pending': 'Pending ({n})',
  'status.count.hidden': 'Hidden ({n})',

  'act.approve': 'Approve',
  'act.hide': 'Hide',
  'act.show': 'Show',
  'act.delete': 'Delete',
  'act.confirmQuestion': 'Delete this note? This cannot be undone.',
  'act.confirmDelete': 'Yes, delete',
  'act.cancel': 'Cancel',
}

export const CATALOGUE: Record<Lang, Record<MessageKey, Message>> = { ja, en }

const numberFormats = new Map<Lang, Intl.NumberFormat>()

/** Format one message; numbers go through Intl so 1200 reads 1,200. */
export function format(lang: Lang, key: MessageKey, params: Params = {}): string {
  let nf = numberFormats.get(lang)
  if (!nf) numberFormats.set(lang, (nf = new Intl.NumberFormat(lang)))
  const shown: Params = {}
  for (const [k, v] of Object.entries(params)) shown[k] = typeof v === 'number' ? nf.format(v) : v
  const msg = CATALOGUE[lang][key]
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
