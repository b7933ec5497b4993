import type { SurveyOnBoard } from '../lib/survey/question-chart.ts'
import type { Section } from './sections.ts'

/**
 * What the projector shows, as data: the page builds it once, and the PNG (snapshot.ts) and the
 * printed page (PrintSheet.svelte) draw it their own way. Only what the board may show is in it:
 * counts only when the facilitator lets the room see them.
 */
export interface BoardView {
  title: string
  /** the current prompt, or '' when the board shows every prompt's notes under its own heading */
  prompt: string
  /** the phase line, as worded on the board */
  phase: string
  /** the results heading during and after a vote with counts shown, else '' */
  heading: string
  sections: Section[]
  votes?: ReadonlyMap<string, number>
  ranks?: ReadonlyMap<string, number>
  joinUrl: string
  /** epoch ms */
  createdAt: number
  noteCount: number
  /** the survey the board shows in the wall's place (its charts replace the notes in the picture) */
  survey?: SurveyOnBoard
  /** phones in the room, for the survey's turnout */
  phones?: number
}
