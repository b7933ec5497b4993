import * as Y from 'yjs'
import { QUESTION_META, QUESTION_STATUSES, QUESTIONS_KEY, byNewest, type Question, type QuestionMode, type QuestionStatus } from './questions.ts'

/** Read helpers over the questions of a session's Y.Doc; a malformed entry is skipped, never trusted. */
export const questionsMap = (doc: Y.Doc): Y.Map<Y.Map<unknown>> => doc.getMap(QUESTIONS_KEY)

const isStatus = (v: unknown): v is QuestionStatus => typeof v === 'string' && (QUESTION_STATUSES as readonly string[]).includes(v)

/** One question, or undefined when the entry is malformed. On a board, `status` is absent and read as visible. */
export function readQuestion(id: string, entry: unknown): Question | undefined {
  if (!(entry instanceof Y.Map)) return undefined
  const text = entry.get('text')
  const createdAt = entry.get('createdAt')
  const status = entry.get('status') ?? 'visible'
  if (typeof text !== 'string' || typeof createdAt !== 'number' || !isStatus(status)) return undefined
  const votes = entry.get('votes')
  const q: Question = { id, text, createdAt, status, answered: entry.get('answered') === true, votes: typeof votes === 'number' && votes > 0 ? votes : 0 }
  const editedAt = entry.get('editedAt')
  if (typeof editedAt === 'number') q.editedAt = editedAt
  const answeredAt = entry.get('answeredAt')
  if (typeof answeredAt === 'number') q.answeredAt = answeredAt
  return q
}

export function readQuestions(doc: Y.Doc): Question[] {
  const out: Question[] = []
  questionsMap(doc).forEach((entry, id) => {
    const q = readQuestion(id, entry)
    if (q) out.push(q)
  })
  return out.sort(byNewest)
}

export function readQuestionMode(doc: Y.Doc): QuestionMode {
  const v = doc.getMap('meta').get(QUESTION_META.mode)
  return v === 'open' || v === 'moderated' ? v : 'off'
}

export function readQuestionHighlight(doc: Y.Doc): string | null {
  const v = doc.getMap('meta').get(QUESTION_META.highlight)
  return typeof v === 'string' ? v : null
}

export function readQuestionsOnBoard(doc: Y.Doc): boolean {
  return doc.getMap('meta').get(QUESTION_META.onBoard) === true
}

