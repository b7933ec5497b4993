/**
 * Every number that bounds what a client may send or how often, in one place.
 * The server takes these as defaults in its config; the phone imports the same values so
 * its character count and the server's verdict never disagree.
 */
export const LIMITS = {
  /** Longest note, counted in grapheme clusters (what people see as characters). */
  maxNoteChars: 200,
  /** Hard cap on UTF-16 code units before any counting, so a huge string is refused cheaply. */
  maxNoteCodeUnitsPerChar: 12,
  /** Most combining marks kept on one character (shared/text.ts); a longer stack is cut. */
  maxMarksPerChar: 4,
  /** Most line breaks kept in one note; the rest become spaces. */
  maxNoteLines: 12,
  /** Length of the id a phone makes for a note (idempotency key). */
  maxClientIdChars: 64,
  /** Length of the id a phone makes for itself. */
  maxDeviceIdChars: 64,
  maxTitleChars: 120,
  maxPromptChars: 300,
  maxPrompts: 30,
  maxGroupNameChars: 60,
  /** the highest page of the wall the facilitator may hold (the board counts it round its pages) */
  maxBoardPage: 999,
  /** dot voting: most dots a facilitator may give each phone */
  maxVotesPerPhone: 20,
  /** a closed vote's ranking sent to phones: the first this many notes */
  maxRankedOnPhone: 10,
  /** longest countdown, in seconds (3 hours) */
  maxTimerSeconds: 3 * 60 * 60,
  /** the word list that sends notes to the moderation queue */
  maxWords: 1_000,
  maxWordChars: 40,
  /**
   * Most notes one session holds, whatever their status (a room of 300 writing 15 each fits).
   * Past it a note is refused with `full` (phones, paper notes), and so is an import of a record
   * with more. It keeps every operation on one session short on the server's event loop
   * (`npm run bench -- --only=stall` measures them at the cap).
   */
  maxNotesPerSession: 5_000,

  /** Surveys and polls: a session holds at most this many surveys, each of 1–20 questions. */
  maxSurveys: 30,
  maxSurveyQuestions: 20,
  /** choice and multi questions offer 2 to this many options */
  maxSurveyOptions: 10,
  maxQuestionChars: 300,
  maxOptionChars: 80,
  /** a scale's end labels (「そう思わない」「そう思う」) */
  maxScaleLabelChars: 40,
  /** a scale's values lie in this range, at most `maxScaleSteps` of them (charts stay legible) */
  scaleLowest: 0,
  scaleHighest: 10,
  maxScaleSteps: 11,
  /** a round's label (事前, 事後, …) */
  maxRoundLabelChars: 40,
  maxRoundsPerSurvey: 10,
  /** activities on a session's agenda (note rounds, surveys, questions) */
  maxAgendaItems: 60,
  /** Per phone: answers sent (a change of answer counts again): a burst, then a steady rate. */
  surveyAnswersBurstPerPhone: 20,
  surveyAnswersPerMinutePerPhone: 60,
  /** A survey's counts in the facilitator's document (and on the board) follow answers at most this often. */
  surveyResultsIntervalMs: 500,
  /** …and the words of text answers (the cloud) at most this often while answers arrive; exact at close. */
  surveyWordsIntervalMs: 3_000,
  /**
   * The facilitator's say over a text question's cloud: words hidden and words merged into
   * another, each at most this many per question (the cloud shows 100 words), and how long a
   * word named in them may be.
   */
  maxHiddenWordsPerQuestion: 200,
  maxMergedWordsPerQuestion: 200,
  maxCloudWordChars: 60,
  /** Answers whose words (segmented once) the kiosk keeps, so hiding or merging recounts without segmenting again. */
  wordCacheAnswers: 10_000,
  /** Answer rows one CSV import may bring (a round gathered on paper or in a web form). */
  maxImportedAnswers: 5_000,
  /**
   * Questions to the speaker: most a session holds, whatever their status (past it `full`), and
   * how fast one phone and one address may ask (token buckets, like notes; loopback exempt).
   */
  maxQuestionsPerSession: 1_000,
  questionsBurstPerPhone: 3,
  questionsPerMinutePerPhone: 6,
  questionsBurstPerAddress: 40,
  questionsPerMinutePerAddress: 120,
  /**
   * Upvotes one phone may give or take back: a burst, then a rate (a phone toggling in a loop is
   * slowed, a person tapping is not). Per address they are held by the shared per-address
   * allowance (`maxPhonesPerAddress`, `budgetActions…`), so fresh device ids do not help.
   */
  upvotesBurstPerPhone: 30,
  upvotesPerMinutePerPhone: 60,
  /** Phones get the question list (or its new counts) at most once per this long, for the whole room at once. */
  questionListIntervalMs: 1_000,

  /** Per phone: a token bucket of `notesBurstPerPhone`, refilled at `notesPerMinutePerPhone`. */
  notesPerMinutePerPhone: 12,
  notesBurstPerPhone: 6,
  /** Per network address (several phones behind one NAT share it); loopback is exempt. */
  notesPerMinutePerAddress: 120,
  notesBurstPerAddress: 40,

  /**
   * Every per-phone budget (dot votes now; upvotes and survey answers to come) is also limited
   * per network address, or fresh device ids from one script would each get a budget. A school's
   * or city hall's NAT may put a whole room behind one address, so the numbers are sized for
   * about 30 real phones there: at most `maxPhonesPerAddress` phones spend a budget from one
   * address in one vote (so at most 30 × perPhone dots), and their actions (a dot placed or
   * taken back) come from a bucket of `budgetActionsBurstPerAddress` (30 phones placing 5 dots
   * at once) refilled at `budgetActionsPerMinutePerAddress`. Loopback is exempt.
   */
  maxPhonesPerAddress: 30,
  budgetActionsBurstPerAddress: 150,
  budgetActionsPerMinutePerAddress: 300,

  /** Open Socket.io and Yjs connections per address (loopback exempt) and in total. */
  maxConnectionsPerAddress: 24,
  maxConnectionsTotal: 3_000,

  /**
   * Engine.IO connections (the transport under a Socket.io connection, long-polling included),
   * counted from the handshake, before any session is named: per address (loopback exempt) and
   * in total. Above the Socket.io caps so that a client over those still hears `rate_limited`.
   */
  maxTransportsPerAddress: 32,
  maxTransportsTotal: 3_200,
  /**
   * Several machines: a Socket.io connection for a session another node holds waits this long
   * for that node to hand it over (it is asked to at once) before it is refused as unavailable.
   */
  leaseWaitMs: 5_000,
  /** A transport that names no session within this long is closed. */
  socketConnectTimeoutMs: 20_000,
  /** An upgrade request nobody has answered within this long is closed (a safety net). */
  upgradeAnswerMs: 10_000,
  /** A closed session changed afterwards: its record files are written again this long after the first change. */
  recordRewriteMs: 2_000,

  /** Yjs: a connection's sync step 1 is answered at most once per this long (extra ones wait, coalesced). */
  yjsSyncAnswerIntervalMs: 2_000,
  /** Yjs: a board's whole state, encoded for one new client, is reused for others this long (plus what changed since). */
  yjsFullSyncReuseMs: 5_000,
  /** Yjs: a connection whose unsent backlog exceeds this (beyond its largest single message) is not reading: closed. */
  yjsBacklogBytes: 4 * 1024 * 1024,
  /** Yjs: frames a read-only connection (a board) may send: a burst, then a steady rate. */
  yjsReadOnlyFramesBurst: 30,
  yjsReadOnlyFramesPerMinute: 120,

  /** Largest Socket.io message; a 10,000-character note (~30 KB) must still get `too_long`. */
  maxSocketMessageBytes: 64 * 1024,
  /** Largest Yjs WebSocket frame (the facilitator may paste or import big changes). */
  maxYjsMessageBytes: 2 * 1024 * 1024,
  /** Largest HTTP JSON body. */
  maxHttpBodyBytes: 64 * 1024,
  /** Largest record that can be imported (5,000 notes of 200 characters, as exported, are about 5 MB). */
  maxImportBytes: 8 * 1024 * 1024,
} as const

export type Limits = { -readonly [K in keyof typeof LIMITS]: number }
