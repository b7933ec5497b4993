import type { Message, MessagePart } from './i18n.ts'

/**
 * Words of the phone's questions screen. The screen is fetched only when the room has questions
 * (phone/Phone.svelte) and brings these with it (phone/question-words.ts), so the phone's first
 * page does not carry them.
 */
const ja = {
  'q.heading': '講演者への質問',
  'q.state.open': '受付中：質問と賛同ができます',
  'q.state.moderated': '承認制：質問は進行役が確認してから一覧に出ます',
  'q.state.off': '締め切り：いまは質問を受け付けていません',
  'q.now': 'いま回答中の質問',
  'q.label': '質問を書く（匿名）',
  'q.ask': '質問する',
  'q.refused': '送れませんでした：{why}',
  'q.notice.asked': '質問を送りました。',
  'q.notice.queued': '保存しました。接続が戻ったら自動で送ります。',
  'q.notice.rate_limited': '質問が集中しています。少し待ってから自動で送り直します。',
  'q.notice.closed': 'いまは質問を受け付けていません。',
  'q.notice.not_found': 'この質問は一覧からなくなりました。',
  'q.sortLabel': '並べ方',
  'q.sort.votes': '賛同の多い順',
  'q.sort.newest': '新しい順',
  'q.answered': '回答済み',
  'q.agree': '賛同',
  'q.upvoted': '賛同済み',
  'q.empty': 'まだ質問はありません。',
  'q.mineHeading': 'あなたの質問',
  'q.mine.visible': '一覧に掲載中',
  'q.mine.pending': '承認待ち',
  'q.mine.hidden': '非表示（進行役が一覧から外しました）',
  'q.mine.deleted': '削除されました',
  'q.mine.answered': '回答済み',
  'q.mine.refused': '送れませんでした',
} satisfies Record<string, Message>

const en: Record<keyof typeof ja, Message> = {
  'q.heading': 'Questions to the speaker',
  'q.state.open': 'Open: ask a question, or agree with one',
  'q.state.moderated': 'Moderated: questions appear once the facilitator approves them',
  'q.state.off': 'Closed: questions are not being taken now',
  'q.now': 'Being answered now',
  'q.label': 'Your question (anonymous)',
  'q.ask': 'Ask',
  'q.refused': 'Not sent: {why}',
  'q.notice.asked': 'Your question was sent.',
  'q.notice.queued': 'Saved. It will be sent when the connection returns.',
  'q.notice.rate_limited': 'Many questions at once. We will send yours again in a moment.',
  'q.notice.closed': 'Questions are not being taken now.',
  'q.notice.not_found': 'This question is no longer on the list.',
  'q.sortLabel': 'Order',
  'q.sort.votes': 'Most agreed',
  'q.sort.newest': 'Newest',
  'q.answered': 'Answered',
  'q.agree': 'Agree',
  'q.upvoted': 'Agreed',
  'q.empty': 'No questions yet.',
  'q.mineHeading': 'Your questions',
  'q.mine.visible': 'On the list',
  'q.mine.pending': 'Waiting for approval',
  'q.mine.hidden': 'Hidden (the facilitator took it off the list)',
  'q.mine.deleted': 'Removed',
  'q.mine.answered': 'Answered',
  'q.mine.refused': 'Not sent',
}

export const QUESTION_MESSAGES: MessagePart<keyof typeof ja> = { ja, en }
