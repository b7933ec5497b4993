/** Words of the Markdown and CSV records, in the session's language. */
export const RECORD_LANGS = ['ja', 'en'] as const
export type RecordLang = (typeof RECORD_LANGS)[number]

export const LABELS = {
  ja: {
    date: '日時',
    notes: '付箋',
    phones: '投稿した端末',
    votes: '票',
    prompt: '問い',
    ungrouped: 'グループなし',
    group: 'グループ',
    text: '付箋',
    status: '状態',
    postedAt: '投稿日時',
    count: (n: number) => `${n}件`,
    devices: (n: number) => `${n}台`,
    voteCount: (n: number) => `${n}票`,
    statuses: { visible: '表示', pending: '承認待ち', hidden: '非表示' },
    phases: '進行',
    phaseNames: { collect: '集める', reveal: '公開', group: 'まとめる', vote: '投票', discuss: '話し合う' },
    hiddenNote: '（非表示・承認待ちの付箋は含みません）',
    questions: '講演者への質問',
    question: '質問',
    upvotes: '賛同',
    answered: '回答済み',
    askedAt: '質問日時',
    rankedQuestion: (rank: number, text: string, votes: number) => `${rank}位：${text}（賛同${votes}）`,
    hiddenQuestions: '（非表示・承認待ちの質問は含みません）',
  },
  en: {
    date: 'Date',
    notes: 'Notes',
    phones: 'Phones that posted',
    votes: 'Votes',
    prompt: 'Prompt',
    ungrouped: 'Not grouped',
    group: 'Group',
    text: 'Note',
    status: 'Status',
    postedAt: 'Posted at',
    count: (n: number) => String(n),
    devices: (n: number) => String(n),
    voteCount: (n: number) => `${n} ${n === 1 ? 'vote' : 'votes'}`,
    statuses: { visible: 'visible', pending: 'pending', hidden: 'hidden' },
    phases: 'Phases',
    phaseNames: { collect: 'collect', reveal: 'reveal', group: 'group', vote: 'vote', discuss: 'discuss' },
    hiddenNote: '(hidden and pending notes are not included)',
    questions: 'Questions to the speaker',
    question: 'Question',
    upvotes: 'Upvotes',
    answered: 'Answered',
    askedAt: 'Asked at',
    rankedQuestion: (rank: number, text: string, votes: number) => `No. ${rank}: ${text} (${votes} ${votes === 1 ? 'upvote' : 'upvotes'})`,
    hiddenQuestions: '(hidden and pending questions are not included)',
  },
} as const

export function formatDate(isoDate: string, lang: RecordLang): string {
  return dateFormat(lang).format(new Date(isoDate))
}

/**
 * Made once per language (and time zone): making one costs milliseconds (ICU's data for the
 * locale), which every export used to pay twice on the event loop.
 */
const formats = new Map<string, Intl.DateTimeFormat>()
function dateFormat(lang: RecordLang): Intl.DateTimeFormat {
  const key = `${lang} ${process.env.TZ ?? ''}`
  let f = formats.get(key)
  if (!f) {
    f = new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', {
      dateStyle: 'long',
      timeStyle: 'short',
      timeZone: process.env.TZ || Intl.DateTimeFormat().resolvedOptions().timeZone,
    })
    formats.set(key, f)
  }
  return f
}
