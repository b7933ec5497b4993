import { addMessages } from '../lib/i18n.ts'
import { VOTE_MESSAGES } from '../lib/i18n-vote.ts'

/** The ballot and the vote's result bring their own words (see i18n-vote.ts): the phone's first page stays small. */
addMessages(VOTE_MESSAGES)
