import { addMessages } from '../lib/i18n.ts'
import { QUESTION_MESSAGES } from '../lib/i18n-questions.ts'

/** The questions screen brings its own words (see i18n-questions.ts): the phone's first page stays small. */
addMessages(QUESTION_MESSAGES)
