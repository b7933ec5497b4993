import { plural, type Message, type MessagePart } from './i18n.ts'

/** The projector's own words (added by board/main.ts); see i18n.ts. */
const ja = {
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

  'wall.phase': '進行：{phase}',
  'wall.ungrouped': 'グループなし',
  'wall.results': '投票の結果',
  'wall.resultsLive': '投票の途中経過',
  'wall.rank': '{n}位',
  'wall.votes': '{n}票',
  'wall.noVotes': 'まだ票は入っていません',
  'wall.unvoted': '票のない付箋 {n}枚',
  'wall.spotlight': '大きく表示',
  'wall.timeLeft': '残り時間',
  'wall.voteNow': 'スマホで投票してください（1人 {n} 票）',

  'snap.tools': '記録',
  'snap.png': '画像（PNG）で保存',
  'snap.print': '印刷・PDF',
  'snap.making': '画像を作っています…',
  'snap.failed': '画像を保存できませんでした',
  'print.join': '参加用URL：{url}',

  'board.theme': '画面の色：{name}',
  'board.theme.light': '明るい部屋',
  'board.theme.dark': '暗い部屋',
  'board.theme.contrast': 'ハイコントラスト',
} satisfies Record<string, Message>

const en: Record<keyof typeof ja, Message> = {
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

  'wall.phase': 'Now: {phase}',
  'wall.ungrouped': 'Not grouped',
  'wall.results': 'Vote results',
  'wall.resultsLive': 'Votes so far',
  'wall.rank': 'No. {n}',
  'wall.votes': plural('{n} dot', '{n} dots'),
  'wall.noVotes': 'No dots yet',
  'wall.unvoted': plural('{n} note without dots', '{n} notes without dots'),
  'wall.spotlight': 'Spotlight',
  'wall.timeLeft': 'Time left',
  'wall.voteNow': plural('Vote on your phone ({n} dot each)', 'Vote on your phone ({n} dots each)'),

  'snap.tools': 'Record',
  'snap.png': 'Save as PNG',
  'snap.print': 'Print / PDF',
  'snap.making': 'Making the picture…',
  'snap.failed': 'Could not save the picture',
  'print.join': 'Join: {url}',

  'board.theme': 'Colours: {name}',
  'board.theme.light': 'lit room',
  'board.theme.dark': 'dim room',
  'board.theme.contrast': 'high contrast',
}

export const BOARD_MESSAGES: MessagePart<keyof typeof ja> = { ja, en }
