import { LIMITS } from '../../../shared/limits.ts'
import type { WordEditRequest } from '../../../shared/word-edits.ts'
import { t } from '../lib/lang.svelte.ts'
import type { SessionConsole } from './session-console.svelte.ts'

/**
 * One word edit of a text question (`survey:words`), as both halves of the console send it: the
 * round's cloud (leave out, merge) and the question's lists (put back, separate). Answers '' when
 * the kiosk took it, else the reason in words, to show beside the control that was pressed.
 */
export async function editWord(session: SessionConsole, surveyId: string, question: number, req: WordEditRequest): Promise<string> {
  const res = await session.editCloudWords(surveyId, question, req)
  if (res.ok) return ''
  if (res.why === 'full') return t('cloud.full', { max: req.action === 'merge' ? LIMITS.maxMergedWordsPerQuestion : LIMITS.maxHiddenWordsPerQuestion })
  if (res.why === 'invalid' && req.action === 'merge') return t('cloud.same')
  return t('cloud.failed', { why: t(`why.${res.why}`) })
}
