import type { Question, SurveyRound } from '../../../shared/survey.ts'
import { countWords } from '../../../shared/words.ts'

/** A 事前・事後 survey as a municipal DX workshop would run it (Japanese, long options included). */
export const QUESTIONS: Question[] = [
  {
    kind: 'choice',
    text: 'DXが進まないと感じる一番の要因は何ですか？',
    options: ['予算が足りない', '人材・スキルが不足している（特にデジタルに詳しい職員がいない）', '前例踏襲の文化', '住民の理解が得られない', 'その他'],
  },
  { kind: 'multi', text: '今後取り組みたいことを選んでください（複数選択可）', options: ['ペーパーレス化', 'オンライン申請', 'チャットツールの全庁導入', 'データ活用', '研修'] },
  { kind: 'scale', text: 'DXを自分ごととして感じますか', min: 1, max: 5, minLabel: 'まったく感じない', maxLabel: 'とても感じる' },
  { kind: 'text', text: 'DXが進まないと感じる要因を自由に書いてください' },
  { kind: 'scale', text: '今日のワークショップは役に立ちましたか', min: 1, max: 5, minLabel: '役に立たなかった', maxLabel: '役に立った' },
]

const beforeText = [
  '紙の申請書が多すぎる',
  '予算の説明で「費用対効果」しか聞かれない',
  '部署ごとにDXへの温度差がある',
  '情報戦略課だけがDXを担当していると思われている',
  '予算がつかない',
  'セキュリティポリシーが厳しすぎて何もできない',
  '前例がないと止められる',
  '人材が足りない',
  'クラウドストレージが使えない',
  'DXとICT化の違いが共有されていない',
]
const afterText = [
  '職員の意識を変えることから始めたい',
  '小さく始めて、うまくいったら広げる',
  '現場の声を集める仕組みがない',
  '職員も「楽」になるDXでないと続かない',
  '管理職がまずツールを使ってみせることが大事',
  '成功事例を庁内で共有したい',
  '意識改革と研修が大事',
  '予算より目的を最初に話し合うべき',
  'チャットツールを全庁で使えるようにしてほしい',
  '住民の声をデータとして蓄積し、政策に活かしたい',
  'オープンデータを増やせば民間と一緒に課題解決できる',
]

export const BEFORE: SurveyRound = {
  round: 1,
  label: '事前',
  responses: 31,
  results: [[12, 9, 6, 3, 1], [20, 14, 6, 4, 9], [3, 10, 11, 5, 2], { answers: beforeText, words: countWords(beforeText) }, [0, 0, 0, 0, 0]],
}
export const AFTER: SurveyRound = {
  round: 2,
  label: '事後',
  responses: 29,
  results: [[5, 8, 13, 2, 1], [15, 18, 16, 12, 14], [0, 3, 7, 12, 7], { answers: afterText, words: countWords(afterText) }, [0, 1, 4, 14, 10]],
}
