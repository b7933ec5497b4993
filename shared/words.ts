/**
 * Words of free-text answers for the word cloud, Japanese first. Japanese has no spaces, so the
 * words come from `Intl.Segmenter('ja', {granularity: 'word'})` (ICU's dictionary, in Node and
 * every browser: nothing to ship). ICU cuts finer than a reader would (スマ|ホ, 成功|事例,
 * デジタル|化) and keeps particles, so the segments are joined and filtered by the rules below.
 * Why not kuromoji: docs/WORDS.md has the measured comparison.
 */
import type { WordCount } from './survey.ts'

export interface CountWordsOptions {
  /** words the facilitator hid (compared folded: width, case) */
  hidden?: readonly string[]
  /** word → the word it counts as, e.g. {'デジタル化': 'DX'} (a Map when words come from people: no `__proto__` key) */
  merged?: Readonly<Record<string, string>> | ReadonlyMap<string, string>
  /** the words of one answer; default `extractWords` (the kiosk passes one that remembers answers it has segmented) */
  extract?: (answer: string) => readonly string[]
  /** most words returned (the most frequent); default DEFAULT_WORD_LIMIT */
  limit?: number
}

export const DEFAULT_WORD_LIMIT = 100

/** Particles, auxiliaries, formal nouns, fillers: words a cloud of opinions does not want. */
const STOP_JA = new Set(
  (
    'から まで より ので のに けど けれど だけ しか ほど など なら って でも では には とは ' +
    'として という といった について による により ため ために よう ような ように こと もの ところ ' +
    'する した して します しない される され させる できる でき できない いる いた ある あった ない ' +
    'なる なり なっ なって なら れる られる せる させ ます です でした ません だろう でしょう ' +
    'ほしい 欲しい みたい たい すぎる すぎ しまう もらう みせる いく くる おく あげる くれる ' +
    'いい よい 良い もっと まず まずは とても かなり すごく なぜ どう どの この その あの これ ' +
    'それ あれ ここ そこ いつ だれ なに なん 何 何度 何か 一つ 他の 同じ 一緒 特に 全く ' +
    'かって でないと でなく ないと すると したら うまく かかる かかって うち たび 等 方 事 物 為 様 時 中 上 下 前 後 今'
  ).split(' '),
)

/** English function words, for the odd answer in English. */
const STOP_EN = new Set(
  (
    'a an the and or but of to in on at for from by with as is are was were be been being it its ' +
    'this that these those we you they he she i me my our your their them us not no do does did ' +
    'have has had can could should would will shall may might must need so if then than too very ' +
    'just also more most some any all about into over under up down out'
  ).split(' '),
)

/** Particles that may follow a noun: a single kanji before one of these is a noun (紙の), not a verb stem (使え). */
const PARTICLES = new Set(
  'の が を に は で と も へ や か から まで より でも には では とは だけ しか など ね よ な'.split(' '),
)

/** Particles that are also verb endings (増|や|す, 聞|か|れ): a stem when more kana follow. */
const AMBIGUOUS = new Set(['や', 'か'])

/** Hiragana pieces ICU leaves apart that belong to the word before them: 雰囲気づくり. */
const KANA_SUFFIXES = new Set(['づくり', 'まみれ'])

/** One-kanji suffixes that belong to the word before them: デジタル化, 積極的, 担当者, 医療費. */
const SUFFIXES = new Set('化 的 性 率 者 課 費 期 券 像 差 職 内 式 版 系 型 力 感 界 論 制 策 層 員 長 部 局 室'.split(' '))

const KATAKANA = /^[\u30A0-\u30FF\u31F0-\u31FF]+$/u
const KANJI = /^[\p{Script=Han}々〆ヶ]+$/u
const HIRAGANA = /^[\u3040-\u309F]+$/u
const LATIN = /^[\p{Script=Latin}\d]+$/u
const NUMBER = /^[\d.,]+$/u
const HAS_LETTER = /[\p{L}]/u

interface Piece {
  text: string
  wordLike: boolean
}

let segmenter: Intl.Segmenter | undefined

/** A function word by the same list the cloud uses (the bench applies it to kuromoji's output too). */
export function isStopWord(word: string): boolean {
  return STOP_JA.has(word) || STOP_EN.has(word.toLowerCase())
}

/** Fold a word for comparing: NFKC and lower case, so ＤＸ, dx and DX are one word. */
export function foldWord(word: string): string {
  return word.normalize('NFKC').toLowerCase().trim()
}

/** The content words of one answer, in order, before hiding and merging (may repeat). */
export function extractWords(answer: string): string[] {
  segmenter ??= new Intl.Segmenter('ja', { granularity: 'word' })
  const text = answer.normalize('NFKC').replace(/\\n/g, '\n')
  const pieces: Piece[] = Array.from(segmenter.segment(text), (s) => ({ text: s.segment, wordLike: s.isWordLike ?? false }))
  return filterWords(joinPieces(pieces))
}

/** Join what ICU cut too fine: katakana runs (with ー and ・), kanji runs, suffixes, Wi-Fi, 10年. */
function joinPieces(pieces: Piece[]): Piece[] {
  const out: Piece[] = []
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!
    const prev = out[out.length - 1]
    const next = pieces[i + 1]
    if (prev && prev.wordLike) {
      const kata = KATAKANA.test(prev.text) && KATAKANA.test(p.text)
      const kanji = KANJI.test(prev.text) && KANJI.test(p.text) && !NUMBER.test(prev.text)
      const suffix = SUFFIXES.has(p.text) && (KATAKANA.test(prev.text) || LATIN.test(prev.text) || KANJI.test(prev.text)) && !NUMBER.test(prev.text)
      const counter = NUMBER.test(prev.text) && KANJI.test(p.text)
      const kanaSuffix = KANA_SUFFIXES.has(p.text) && !HIRAGANA.test(prev.text)
      if (kata || kanji || suffix || counter || kanaSuffix) {
        prev.text += p.text
        if (counter) prev.wordLike = false // 10年後, 2週間: a quantity, not a topic
        continue
      }
      // ミッション・ビジョン, Wi-Fi: a joiner between two pieces of the same script
      if (!p.wordLike && next && (p.text === '・' || p.text === '-') && next.wordLike) {
        const sameScript =
          (p.text === '・' && KATAKANA.test(prev.text) && KATAKANA.test(next.text)) ||
          (p.text === '-' && LATIN.test(prev.text) && LATIN.test(next.text))
        if (sameScript) {
          prev.text += p.text + next.text
          i++
          continue
        }
      }
    }
    out.push({ ...p })
  }
  return out
}

function filterWords(pieces: Piece[]): string[] {
  const words: string[] = []
  pieces.forEach((p, i) => {
    if (!p.wordLike || !HAS_LETTER.test(p.text)) return
    const w = p.text
    const folded = w.toLowerCase()
    if (NUMBER.test(w)) return
    if (STOP_JA.has(w) || STOP_EN.has(folded)) return
    // single kana (な, っ, ー) and short hiragana (の, から…): particles, endings, fillers
    if (HIRAGANA.test(w) && w.length <= 2) return
    if (/^[\u3040-\u30FF]$/u.test(w)) return
    if (LATIN.test(w) && w.length === 1) return
    // a single kanji before an ending (使|え|ない, 増|や|した) is a verb or adjective stem, not a word
    const after = pieces[i + 1]
    if (w.length === 1 && KANJI.test(w) && after && HIRAGANA.test(after.text)) {
      const then = pieces[i + 2]
      if (!PARTICLES.has(after.text)) return
      if (AMBIGUOUS.has(after.text) && then && HIRAGANA.test(then.text) && !PARTICLES.has(then.text)) return
    }
    words.push(w)
  })
  return words
}

const isMap = (m: CountWordsOptions['merged']): m is ReadonlyMap<string, string> => m instanceof Map

/**
 * Count the words of free-text answers: each word once per answer, the facilitator's merges
 * applied (a merged word counts as its target) and hidden words left out; most frequent first.
 * A word is shown as first written (after NFKC), and compared folded.
 */
export function countWords(answers: readonly string[], opts: CountWordsOptions = {}): WordCount[] {
  const hidden = new Set((opts.hidden ?? []).map(foldWord))
  const pairs = isMap(opts.merged) ? [...opts.merged] : Object.entries(opts.merged ?? {})
  // Targets folded once: folding (NFKC) every word again was most of a recount's cost.
  const merged = new Map(
    pairs.map(([from, to]) => {
      const word = to.normalize('NFKC').trim()
      return [foldWord(from), { word, key: foldWord(word) }]
    }),
  )
  const extract = opts.extract ?? extractWords
  const counts = new Map<string, { word: string; count: number; first: number }>()
  let order = 0
  for (const answer of answers) {
    const seen = new Set<string>()
    for (const raw of extract(answer)) {
      const rawKey = foldWord(raw)
      const target = merged.get(rawKey)
      const word = target?.word ?? raw
      const key = target?.key ?? rawKey
      if (key === '' || hidden.has(key) || hidden.has(rawKey) || seen.has(key)) continue
      seen.add(key)
      const entry = counts.get(key)
      if (entry) entry.count++
      else counts.set(key, { word, count: 1, first: order++ })
    }
  }
  return [...counts.values()]
    .sort((a, b) => b.count - a.count || a.first - b.first)
    .slice(0, opts.limit ?? DEFAULT_WORD_LIMIT)
    .map(({ word, count }) => ({ word, count }))
}
