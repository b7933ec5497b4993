import { plural, type Message, type MessagePart } from './i18n.ts'

/**
 * Words of a dot vote: the phone's ballot and result (fetched when a vote opens or closes, with
 * these: phone/vote-words.ts) and the console's vote panel (console/main.ts adds them).
 */
const ja = {
  'vote.resultHeading': '投票の結果',
  'vote.resultRank': '{n}位',
  'vote.resultVotes': '{n}票',
  'vote.resultVoters': '{n}台が投票しました。',
  'vote.resultNone': '票は入りませんでした。',
  'vote.search': '付箋をさがす',
  'vote.searchHint': '言葉を入れると、その言葉を含む付箋だけが出ます。',
  'vote.searchNone': '「{q}」を含む付箋はありません。',
  'vote.ungrouped': 'グループなし',
  'vote.count': '{n}枚の付箋',
  'vote.heading': '投票',
  'vote.intro': '良いと思う付箋に票を入れてください。1つの付箋に{max}票まで入れられます。',
  'vote.remaining': '残り {n} 票',
  'vote.noneLeft': '票をすべて使いました。取り消して入れ直すこともできます。',
  'vote.add': '1票入れる',
  'vote.remove': '1票取り消す',
  'vote.onNote': 'この付箋へのあなたの票：{n}',
  'vote.empty': '投票できる付箋はまだありません。',
  'vote.noVote': '投票は締め切られました。',
  'vote.overBudget': 'もう票が残っていません。ほかの付箋から取り消すと入れ直せます。',
  'vote.maxPerNote': 'この付箋にはこれ以上入れられません（{max}票まで）。',
  'vote.notFound': 'この付箋は投票の対象ではなくなりました。',
  'vote.rateLimited': 'この会場のネットワークからの投票が集中しています。少し待ってから、もう一度押してください。',
  'vote.failed': '票を送れませんでした：{why}',
} satisfies Record<string, Message>

const en: Record<keyof typeof ja, Message> = {
  'vote.resultHeading': 'Vote results',
  'vote.resultRank': 'No. {n}',
  'vote.resultVotes': plural('{n} dot', '{n} dots'),
  'vote.resultVoters': plural('{n} phone voted.', '{n} phones voted.'),
  'vote.resultNone': 'No dots were placed.',
  'vote.search': 'Find a note',
  'vote.searchHint': 'Type a word to see only the notes that contain it.',
  'vote.searchNone': 'No note contains “{q}”.',
  'vote.ungrouped': 'Not grouped',
  'vote.count': plural('{n} note', '{n} notes'),
  'vote.heading': 'Vote',
  'vote.intro': 'Give your dots to the notes you like best. Up to {max} on one note.',
  'vote.remaining': plural('{n} dot left', '{n} dots left'),
  'vote.noneLeft': 'You have used all your dots. You can take one back to move it.',
  'vote.add': 'Add a dot',
  'vote.remove': 'Take a dot back',
  'vote.onNote': 'Your dots on this note: {n}',
  'vote.empty': 'There are no notes to vote on yet.',
  'vote.noVote': 'The vote has closed.',
  'vote.overBudget': 'You have no dots left. Take one back from another note to move it.',
  'vote.maxPerNote': 'This note already has as many of your dots as allowed ({max}).',
  'vote.notFound': 'This note is no longer in the vote.',
  'vote.rateLimited': 'Many votes are coming from this network at once. Wait a moment, then press again.',
  'vote.failed': 'Your dot was not sent: {why}',
}

export const VOTE_MESSAGES: MessagePart<keyof typeof ja> = { ja, en }
