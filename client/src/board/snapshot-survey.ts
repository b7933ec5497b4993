import { t } from '../lib/lang.svelte.ts'
import { questionChart, resultsOf, type SurveyOnBoard } from '../lib/survey/question-chart.ts'
import { questionSvg, svgDataUrl, turnoutSvg } from '../lib/survey/svg.ts'
import { LEGIBLE_PX_AT_1080 } from './card.ts'
import type { Theme } from './themes.ts'
import { wrapLines } from './wrap.ts'

/**
 * The current survey in the board's picture: its title, the round answering now, then the chart
 * of every question (the board turns them one at a time; the picture keeps them all), one under
 * another. Each chart is svg.ts's SVG document of the board's chart, fitted to a screen's height
 * as the board fits it, drawn on the canvas: the picture cannot show a different chart. What is
 * drawn comes from the board's own view of the survey, so a hidden round has no counts here.
 */

/** Widest chart, as on the board's wall (BoardSurvey's max-width). */
const CHART_W = 1600
/** A chart's height at most: about what the board's wall leaves it at 1920×1080. */
const CHART_H = 760
const TITLE_PX = 34
const CAPTION_PX = 32
const LABEL_PX = 26
const GAP = 28

export type Block =
  | { kind: 'text'; lines: string[]; px: number; weight: number; tone: 'ink' | 'muted'; h: number }
  | { kind: 'image'; img: HTMLImageElement; w: number; h: number }

export interface SurveyColours {
  ink: string
  muted: string
}

function loadSvg(svg: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image()
    img.onload = () => resolve(img)
    img.onerror = () => reject(new Error('a chart did not load as an image'))
    img.src = svgDataUrl(svg)
  })
}

/** The survey's blocks, top to bottom, with the charts loaded as images (so their heights are known). */
export async function surveyBlocks(ctx: CanvasRenderingContext2D, s: SurveyOnBoard, o: { width: number; theme: Theme; family: string; phones?: number }): Promise<Block[]> {
  const width = Math.min(CHART_W, o.width)
  const text = (s: string, px: number, weight: number, tone: 'ink' | 'muted' = 'ink'): Block => {
    ctx.font = `${weight} ${px}px ${o.family}`
    const lines = wrapLines(s, o.width, (x) => ctx.measureText(x).width)
    return { kind: 'text', lines, px, weight, tone, h: lines.length * px * 1.3 }
  }
  const chart = async (svg: string): Promise<Block> => {
    const img = await loadSvg(svg)
    return { kind: 'image', img, w: img.width, h: img.height }
  }
  const fit = { size: 'board' as const, width, theme: o.theme, floor: LEGIBLE_PX_AT_1080 }
  const blocks: Block[] = [text(s.title, TITLE_PX, 700)]
  if (s.open) {
    blocks.push(text(s.open.label, LABEL_PX, 400))
    if (s.open.answered !== undefined) blocks.push(await chart(turnoutSvg(s.open.answered, o.phones, fit)))
    if (!s.open.shown) blocks.push(text(t('board.survey.answeringHidden'), LABEL_PX, 400))
  } else if (s.last) blocks.push(text(resultsOf(s), LABEL_PX, 400))
  if (!s.last) {
    if (!s.open) blocks.push(text(t('board.survey.hidden'), LABEL_PX, 400, 'muted'))
    return blocks
  }
  for (let i = 0; i < s.questions.length; i++) {
    const c = questionChart(s, i)
    if (!c) continue
    blocks.push(text(`${i + 1}. ${s.questions[i]!.text}`, CAPTION_PX, 700))
    if (c.kind === 'cloud' && c.words.length === 0) blocks.push(text(t('surveyChart.noAnswers'), LABEL_PX, 400, 'muted'))
    else blocks.push(await chart(await questionSvg(c, { ...fit, height: CHART_H, cloudHeight: CHART_H })))
  }
  return blocks
}

/** Height the blocks take, gaps included. */
export const blocksHeight = (blocks: readonly Block[]): number => blocks.reduce((h, b, i) => h + b.h + (i > 0 ? gapBefore(b) : 0), 0)

const gapBefore = (b: Block) => (b.kind === 'text' && b.px === CAPTION_PX ? GAP * 1.5 : GAP / 3)

/** Draw the blocks from (x, y) down; text with `textBaseline = 'top'` as the rest of the picture. */
export function drawBlocks(ctx: CanvasRenderingContext2D, blocks: readonly Block[], x: number, y: number, c: SurveyColours, family: string): void {
  blocks.forEach((b, i) => {
    if (i > 0) y += gapBefore(b)
    if (b.kind === 'image') ctx.drawImage(b.img, x, y, b.w, b.h)
    else {
      ctx.font = `${b.weight} ${b.px}px ${family}`
      ctx.fillStyle = b.tone === 'muted' ? c.muted : c.ink
      b.lines.forEach((line, j) => ctx.fillText(line, x, y + j * b.px * 1.3 + b.px * 0.15))
    }
    y += b.h
  })
}
