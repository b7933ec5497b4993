import { addMessages } from '../lib/i18n.ts'
import { SURVEY_FORM_MESSAGES } from '../lib/i18n-survey.ts'

/** The survey form brings its own words (see i18n-survey.ts): the phone's first page stays small. */
addMessages(SURVEY_FORM_MESSAGES)
