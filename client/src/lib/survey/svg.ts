/**
 * The survey charts as standalone SVG documents (colours of the theme and the font stack written
 * in), for the board's PNG snapshot and the print sheet: the same scenes the components draw.
 * A picture at 2× is `sceneSvg` drawn onto a canvas (see board/snapshot.ts) or set in an <img>.
 */
import type { Theme } from '../../board/themes.ts'
import type { Question, SurveyRound } from '../../../../shared/survey.ts'
import { compareQuestion } from '../../../../shared/survey-compare.ts'
import { choiceScene, compareScene, scaleScene, turnoutScene, type ChartOpts } from './charts.ts'
import { wordCloudSvg } from './cloud.ts'
import type { QuestionChart } from './question-chart.ts'
import { sceneSvg } from './scene.ts'

export { wordCloudSvg }

type SvgOpts = ChartOpts & { theme?: Theme }

export const choiceSvg = (q: Question, counts: number[], o: SvgOpts & { responses?: number } = {}) => sceneSvg(choiceScene(q, counts, o), o.theme)
export const scaleSvg = (q: Question, counts: number[], o: SvgOpts = {}) => sceneSvg(scaleScene(q, counts, o), o.theme)
export const turnoutSvg = (answered: number, total: number | undefined, o: SvgOpts = {}) => sceneSvg(turnoutScene(answered, total, o), o.theme)

/** What changed in question `index` between two rounds, as drawn by CompareRounds.svelte. */
export function compareSvg(q: Question, index: number, before: SurveyRound, after: SurveyRound, o: SvgOpts & { limit?: number } = {}): string {
  return sceneSvg(compareScene(q, compareQuestion(q, index, before, after, { limit: o.limit }), { before: before.label, after: after.label }, o), o.theme)
}

/** A question's chart (questionChart) as the board draws it; the cloud needs the browser's canvas. */
export async function questionSvg(chart: QuestionChart, o: SvgOpts & { cloudHeight?: number } = {}): Promise<string> {
  if (chart.kind === 'compare') return compareSvg(chart.question, chart.index, chart.before, chart.after, o)
  if (chart.kind === 'scale') return scaleSvg(chart.question, chart.counts, o)
  if (chart.kind === 'choice') return choiceSvg(chart.question, chart.counts, { ...o, responses: chart.responses })
  return wordCloudSvg(chart.words, { size: o.size, width: o.width, height: o.cloudHeight, lang: o.lang, theme: o.theme })
}

/** An SVG string as an image source, for drawing it on the snapshot's canvas (drawImage). */
export const svgDataUrl = (svg: string) => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`
