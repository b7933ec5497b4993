/**
 * A page for the browser test of the survey views (tests/e2e/survey-views.test.ts): the real
 * components, built by Vite as the app's pages are, mounted with the props the test names in
 * the query string. `view=charts` shows every chart; `view=form` the phone's form, whose
 * onsubmit hands the answers to the test and waits for the test's acknowledgement.
 */
import { mount } from 'svelte'
import '../../../client/src/lib/base.css'
import '../../../client/src/phone/phone.css'
import '../../../client/src/board/themes.css'
import { language } from '../../../client/src/lib/lang.svelte.ts'
import type { Theme } from '../../../client/src/board/themes.ts'
import type { ChartSize } from '../../../client/src/lib/survey/scene.ts'
import type { Answer } from '../../../shared/survey.ts'
import Gallery from './Gallery.svelte'
import SurveyForm from '../../../client/src/phone/SurveyForm.svelte'
import { AFTER, BEFORE, QUESTIONS } from './fixtures.ts'
import { choiceSvg, compareSvg, scaleSvg, svgDataUrl, wordCloudSvg } from '../../../client/src/lib/survey/svg.ts'
import { isTextResult } from '../../../shared/survey.ts'

type Ack = { ok: boolean; error?: string }
const w = window as unknown as { submitted: Answer[][]; ack?: (a: Ack) => void; ready?: boolean }
w.submitted = []

const q = new URLSearchParams(location.search)
const target = document.getElementById('app')!
// the phone page's margins (Phone.svelte lays the page out with these)
if (q.get('view') === 'form') target.style.padding = '1rem'
if (q.get('lang') === 'en') language.fix('en')
else language.fix('ja')

if (q.get('view') === 'form') {
  mount(SurveyForm, {
    target,
    props: {
      questions: QUESTIONS,
      title: '事前アンケート',
      answers: q.get('given') ? (JSON.parse(q.get('given')!) as Answer[]) : [],
      onsubmit: (answers: Answer[]) =>
        new Promise<Ack>((resolve) => {
          w.submitted.push(answers)
          w.ack = resolve
        }),
    },
  })
} else if (q.get('view') === 'png') {
  // the picture path: each chart's SVG string drawn on a canvas, as the board's snapshot does
  const counts = (i: number) => BEFORE.results[i] as number[]
  const text = BEFORE.results[3]!
  const svgs = [
    choiceSvg(QUESTIONS[0]!, counts(0), { size: 'board' }),
    scaleSvg(QUESTIONS[2]!, counts(2), { size: 'board', theme: 'dark' }),
    compareSvg(QUESTIONS[0]!, 0, BEFORE, AFTER, { size: 'board' }),
    await wordCloudSvg(isTextResult(text) ? text.words : [], { size: 'board' }),
  ]
  const canvas = document.createElement('canvas')
  canvas.width = 1600
  let y = 0
  const images = await Promise.all(
    svgs.map(
      (svg) =>
        new Promise<HTMLImageElement>((resolve, reject) => {
          const img = new Image()
          img.onload = () => resolve(img)
          img.onerror = () => reject(new Error('the SVG did not load as an image'))
          img.src = svgDataUrl(svg)
        }),
    ),
  )
  canvas.height = images.reduce((h, i) => h + i.height, 0)
  const ctx = canvas.getContext('2d')!
  for (const img of images) {
    ctx.drawImage(img, 0, y)
    y += img.height
  }
  ;(window as unknown as { png: string }).png = canvas.toDataURL('image/png')
} else {
  const theme = (q.get('theme') ?? 'light') as Theme
  document.documentElement.dataset.boardTheme = theme
  mount(Gallery, { target, props: { size: (q.get('size') ?? 'board') as ChartSize, theme } })
}
w.ready = true
