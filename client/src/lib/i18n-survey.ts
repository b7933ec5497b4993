import type { Message, MessagePart, Params } from './i18n.ts'

/**
 * Words of the phone's survey form and of the survey charts (lib/survey/). Each brings its own
 * words when imported (phone/survey-words.ts, lib/survey/chart-words.ts), so they cost nothing
 * on a page that shows neither, and a form loaded only when a survey opens carries its words.
 */
const pl = (one: string, other: string) => (p: Params) => (p.n === '1' ? one : other)

const FORM_JA = {
  'surveyForm.progress': '{i} / {n}',
  'surveyForm.questionOf': '質問 {i} / {n}',
  'surveyForm.back': '戻る',
  'surveyForm.next': '次へ',
  'surveyForm.skip': 'とばして次へ',
  'surveyForm.clear': '選択を取り消す',
  'surveyForm.multiHint': '当てはまるものをすべて選んでください',
  'surveyForm.scaleHint': '{min}〜{max}から1つ選んでください',
  'surveyForm.textLabel': 'あなたの回答',
  'surveyForm.textHint': 'とばすこともできます',
  'surveyForm.review': '回答の確認',
  'surveyForm.answered': '{total}問中 {n}問に回答しました',
  'surveyForm.skipped': '未回答',
  'surveyForm.toQuestion': '質問{i}を直す',
  'surveyForm.submit': '送信',
  'surveyForm.resubmit': '変更を送信',
  'surveyForm.sending': '送信しています…',
  'surveyForm.sent': '送信しました。ありがとうございました。締め切りまでは回答を変更できます。',
  'surveyForm.error': '送信できませんでした（{why}）。もう一度「送信」を押してください。',
  'surveyForm.closed': 'このアンケートは締め切られました。',
  'phone.survey.open': '{label}の回答を受け付けています。まだ回答していません。',
  'phone.survey.editing': '回答を直しています。「変更を送信」を押すまでは前の回答のままです。',
  'phone.survey.sent': '回答を送りました',
  'phone.survey.queued': '回答はつながり次第送ります',
  'phone.survey.canChange': '{label}の受付が終わるまでは、何度でも回答を直せます。',
  'phone.survey.change': '回答を直す',
  'phone.survey.closedAnswered': '{label}の受付は終わりました。あなたの回答は届いています。ありがとうございました。',
  'phone.survey.closed': '{label}の受付は終わりました。',
} satisfies Record<string, Message>

const FORM_EN: Record<keyof typeof FORM_JA, Message> = {
  'surveyForm.progress': '{i} / {n}',
  'surveyForm.questionOf': 'Question {i} of {n}',
  'surveyForm.back': 'Back',
  'surveyForm.next': 'Next',
  'surveyForm.skip': 'Skip',
  'surveyForm.clear': 'Clear my choice',
  'surveyForm.multiHint': 'Choose all that apply',
  'surveyForm.scaleHint': 'Choose one, {min} to {max}',
  'surveyForm.textLabel': 'Your answer',
  'surveyForm.textHint': 'You may skip this',
  'surveyForm.review': 'Check your answers',
  'surveyForm.answered': 'You answered {n} of {total} questions',
  'surveyForm.skipped': 'skipped',
  'surveyForm.toQuestion': 'Change question {i}',
  'surveyForm.submit': 'Send',
  'surveyForm.resubmit': 'Send the changes',
  'surveyForm.sending': 'Sending…',
  'surveyForm.sent': 'Sent. Thank you. You can change your answers until the survey closes.',
  'surveyForm.error': 'Not sent ({why}). Press “Send” again.',
  'surveyForm.closed': 'This survey is closed.',
  'phone.survey.open': 'Answers for {label} are open. You have not answered yet.',
  'phone.survey.editing': 'Changing your answer: your earlier answer stands until you press “Send the changes”.',
  'phone.survey.sent': 'Your answer was sent',
  'phone.survey.queued': 'Your answer goes out once you are back online',
  'phone.survey.canChange': 'You can change your answer as often as you like until {label} closes.',
  'phone.survey.change': 'Change my answer',
  'phone.survey.closedAnswered': '{label} has closed. Your answer arrived. Thank you.',
  'phone.survey.closed': '{label} has closed.',
}

const CHART_JA = {
  'surveyChart.bar': '{n}人 {pct}',
  'surveyChart.mean': '平均 {mean}',
  'surveyChart.meanShift': '平均 {before} → {after}',
  'surveyChart.noAnswers': 'まだ回答はありません',
  'surveyChart.multiBase': '複数回答可・回答した{n}人に占める割合',
  'surveyChart.rose': '増えた言葉',
  'surveyChart.fell': '減った言葉',
  'surveyChart.noChange': 'なし',
  'surveyChart.points': '{shift}ポイント',
  'surveyChart.turnout': '{n} / {total} 台が回答',
  'surveyChart.turnoutCount': '{n}台が回答',
  'surveyChart.wordsTitle': 'よく出た言葉：{words}',
  'surveyChart.compareTitle': '{before}と{after}の比較',
} satisfies Record<string, Message>

const CHART_EN: Record<keyof typeof CHART_JA, Message> = {
  'surveyChart.bar': '{n} · {pct}',
  'surveyChart.mean': 'mean {mean}',
  'surveyChart.meanShift': 'mean {before} → {after}',
  'surveyChart.noAnswers': 'No answers yet',
  'surveyChart.multiBase': pl('Several answers allowed; share of {n} respondent', 'Several answers allowed; share of {n} respondents'),
  'surveyChart.rose': 'Words that rose',
  'surveyChart.fell': 'Words that fell',
  'surveyChart.noChange': 'none',
  'surveyChart.points': '{shift} pts',
  'surveyChart.turnout': (p: Params) => `${p.n} of ${p.total} ${p.total === '1' ? 'phone' : 'phones'} answered`,
  'surveyChart.turnoutCount': pl('{n} phone answered', '{n} phones answered'),
  'surveyChart.wordsTitle': 'Frequent words: {words}',
  'surveyChart.compareTitle': '{before} compared with {after}',
}

export const SURVEY_FORM_MESSAGES: MessagePart<keyof typeof FORM_JA> = { ja: FORM_JA, en: FORM_EN }

export const SURVEY_CHART_MESSAGES: MessagePart<keyof typeof CHART_JA> = { ja: CHART_JA, en: CHART_EN }
