import { addMessages } from '../i18n.ts'
import { SURVEY_CHART_MESSAGES } from '../i18n-survey.ts'

/**
 * The charts bring their own words: whichever screen imports a chart (board, console) gets them,
 * and the phone, which draws none, does not download them.
 */
addMessages(SURVEY_CHART_MESSAGES)
