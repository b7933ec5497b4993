/**
 * Words for the word cloud: `Intl.Segmenter` (what ships, shared/words.ts) against kuromoji
 * (dev only), on the sample notes. Speed and memory are measured in a fresh child process per
 * engine, so one engine's dictionary does not weigh on the other; quality is counted here,
 * with kuromoji's parts of speech as the judge of what is a function word and what is the same
 * word inflected.
 *
 *   npx tsx bench/words.ts               # prints the table
 *   npm run bench -- --only=words        # the same, as a section of the bench
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import kuromoji, { type IpadicFeatures, type Tokenizer } from 'kuromoji'
import { extractWords, isStopWord } from '../shared/words.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const FIXTURE = path.join(ROOT, 'bench', 'fixtures', 'notes-ja.txt')
const DICT = path.join(ROOT, 'node_modules', 'kuromoji', 'dict')
/** passes over the fixture when timing (61 notes each) */
const PASSES = 40

export type Engine = 'intl' | 'kuromoji'

export interface EngineCost {
  engine: Engine
  /** ms from nothing to the first answer's words (dictionary loaded, segmenter built) */
  loadMs: number
  /** µs per answer, warm */
  perAnswerUs: number
  /** growth of the process's RSS and JS heap from before loading to after the timed passes */
  rssMB: number
  heapMB: number
  /** bytes the engine needs on disk beyond its code (kuromoji: the dictionary, gzipped) */
  dictBytes: number
}

export interface EngineQuality {
  engine: Engine
  /** words per answer, all answers */
  words: number
  distinct: number
  /** output words that are only particles, auxiliaries or dependent words (judged by kuromoji) */
  functionWords: number
  /** katakana runs of the notes (スマホ, クラウドストレージ) that no output word holds whole */
  katakanaBroken: number
  katakanaRuns: number
  /** verbs/adjectives seen in more than one form (使える / 使う): lemmas split, extra forms */
  lemmasSplit: number
  /** distinct verbs/adjectives not in dictionary form (考え for 考える): they would not merge with it */
  notDictionaryForm: number
  examples: { functionWords: string[]; katakanaBroken: string[]; lemmasSplit: string[]; notDictionaryForm: string[] }
}

export interface WordsResult {
  answers: number
  cost: EngineCost[]
  quality: EngineQuality[]
}

export function fixtureNotes(): string[] {
  return fs
    .readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.replace(/\\n/g, '\n'))
}

function buildTokenizer(): Promise<Tokenizer<IpadicFeatures>> {
  return new Promise((resolve, reject) => kuromoji.builder({ dicPath: DICT }).build((err, t) => (err ? reject(err) : resolve(t))))
}

const NOUN_JOIN = new Set(['一般', 'サ変接続', '固有名詞', '接尾', '形容動詞語幹', 'ナイ形容詞語幹'])

/**
 * kuromoji's best pipeline for a cloud: nouns joined into compounds (with prefixes and
 * suffixes, as a reader writes them), independent verbs and adjectives in dictionary form,
 * then the same stop list as shared/words.ts.
 */
export function kuromojiWords(tokenizer: Tokenizer<IpadicFeatures>, answer: string): string[] {
  const out: string[] = []
  let compound = ''
  const flush = () => {
    if (compound && !/^[\d.,]+$/.test(compound) && [...compound].length > 1 && !isStopWord(compound)) out.push(compound)
    compound = ''
  }
  for (const t of tokenizer.tokenize(answer.normalize('NFKC'))) {
    const noun = (t.pos === '名詞' && NOUN_JOIN.has(t.pos_detail_1)) || t.pos === '接頭詞' || (t.pos === '名詞' && t.pos_detail_1 === '数' && compound !== '')
    if (noun) {
      compound += t.surface_form
      continue
    }
    flush()
    if ((t.pos === '動詞' || t.pos === '形容詞') && t.pos_detail_1 === '自立') {
      const base = t.basic_form === '*' ? t.surface_form : t.basic_form
      if (!isStopWord(base) && [...base].length > 1) out.push(base)
    }
  }
  flush()
  return out
}

// ---------------------------------------------------------------------------------------------
// cost, in a child process

async function measureCost(engine: Engine): Promise<EngineCost> {
  const notes = fixtureNotes()
  global.gc?.()
  const before = process.memoryUsage()
  const t0 = performance.now()
  let words: (a: string) => string[]
  if (engine === 'kuromoji') {
    const tokenizer = await buildTokenizer()
    words = (a) => kuromojiWords(tokenizer, a)
  } else {
    words = extractWords
  }
  words(notes[0]!)
  const loadMs = performance.now() - t0
  for (const n of notes) words(n) // warm
  const t1 = performance.now()
  for (let p = 0; p < PASSES; p++) for (const n of notes) words(n)
  const perAnswerUs = ((performance.now() - t1) * 1000) / (PASSES * notes.length)
  global.gc?.()
  const after = process.memoryUsage()
  const dictBytes = engine === 'kuromoji' ? fs.readdirSync(DICT).reduce((s, f) => s + fs.statSync(path.join(DICT, f)).size, 0) : 0
  return { engine, loadMs, perAnswerUs, rssMB: (after.rss - before.rss) / 2 ** 20, heapMB: (after.heapUsed - before.heapUsed) / 2 ** 20, dictBytes }
}

function costInChild(engine: Engine): EngineCost {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), `--child=${engine}`], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  })
  return JSON.parse(out.trim().split('\n').pop()!) as EngineCost
}

// ---------------------------------------------------------------------------------------------
// quality, judged by kuromoji

const KATAKANA_RUN = /[\u30A1-\u30FA\u30FC]+(?:・[\u30A1-\u30FA\u30FC]+)*/gu

function quality(engine: Engine, notes: string[], wordsOf: (a: string) => string[], judge: Tokenizer<IpadicFeatures>): EngineQuality {
  const per = notes.map(wordsOf)
  const all = per.flat()
  const isFunction = (w: string) =>
    judge.tokenize(w).every((t) => t.pos === '助詞' || t.pos === '助動詞' || t.pos === '記号' || t.pos_detail_1 === '非自立' || t.pos_detail_1 === '接尾')
  const functionWords = all.filter(isFunction)

  const broken: string[] = []
  let runs = 0
  notes.forEach((n, i) => {
    for (const m of n.normalize('NFKC').matchAll(KATAKANA_RUN)) {
      if ([...m[0]].length < 2) continue
      runs++
      if (!per[i]!.some((w) => w.includes(m[0]))) broken.push(m[0])
    }
  })

  // forms of one verb or adjective: group output words ending in one by that word's dictionary form
  const forms = new Map<string, Set<string>>()
  const inflected: string[] = []
  for (const w of new Set(all)) {
    const tokens = judge.tokenize(w)
    const last = tokens.filter((t) => t.pos !== '助動詞' && t.pos !== '助詞').pop()
    if (!last || (last.pos !== '動詞' && last.pos !== '形容詞')) continue
    const lemma = last.basic_form
    forms.set(lemma, (forms.get(lemma) ?? new Set()).add(w))
    if (tokens.length !== 1 || last.surface_form !== last.basic_form) inflected.push(w)
  }
  const split = [...forms.entries()].filter(([, s]) => s.size > 1)
  return {
    engine,
    words: all.length / notes.length,
    distinct: new Set(all).size,
    functionWords: functionWords.length,
    katakanaBroken: broken.length,
    katakanaRuns: runs,
    lemmasSplit: split.length,
    notDictionaryForm: inflected.length,
    examples: {
      notDictionaryForm: inflected.slice(0, 8),
      functionWords: [...new Set(functionWords)].slice(0, 8),
      katakanaBroken: broken.slice(0, 8),
      lemmasSplit: split.slice(0, 6).map(([l, s]) => `${l}: ${[...s].join('/')}`),
    },
  }
}

export async function measureWords(opts: { log?: (m: string) => void } = {}): Promise<WordsResult> {
  const notes = fixtureNotes()
  const cost: EngineCost[] = []
  for (const engine of ['intl', 'kuromoji'] as const) {
    opts.log?.(`words: measuring ${engine} in a fresh process`)
    cost.push(costInChild(engine))
  }
  const judge = await buildTokenizer()
  return {
    answers: notes.length,
    cost,
    quality: [quality('intl', notes, extractWords, judge), quality('kuromoji', notes, (a) => kuromojiWords(judge, a), judge)],
  }
}

export function wordsMarkdown(r: WordsResult): string[] {
  const by = (e: Engine) => ({ c: r.cost.find((x) => x.engine === e)!, q: r.quality.find((x) => x.engine === e)! })
  const rows: Array<[string, (e: Engine) => string]> = [
    ['load (first answer), ms', (e) => by(e).c.loadMs.toFixed(0)],
    ['per answer, warm, µs', (e) => by(e).c.perAnswerUs.toFixed(0)],
    ['RSS growth, MB', (e) => by(e).c.rssMB.toFixed(1)],
    ['JS heap growth, MB', (e) => by(e).c.heapMB.toFixed(1)],
    ['dictionary to ship, MB', (e) => (by(e).c.dictBytes / 2 ** 20).toFixed(1)],
    ['words per answer', (e) => by(e).q.words.toFixed(1)],
    ['distinct words', (e) => String(by(e).q.distinct)],
    ['function words leaked (occurrences)', (e) => String(by(e).q.functionWords)],
    [`katakana compounds broken (of ${by('intl').q.katakanaRuns})`, (e) => String(by(e).q.katakanaBroken)],
    ['verbs/adjectives split over forms (lemmas)', (e) => String(by(e).q.lemmasSplit)],
    ['verbs/adjectives not in dictionary form (distinct)', (e) => String(by(e).q.notDictionaryForm)],
  ]
  const L = ['## Words for the word cloud', '', `${r.answers} answers of bench/fixtures/notes-ja.txt; speed and memory in a fresh process per engine.`, '']
  L.push('| | Intl.Segmenter + rules | kuromoji + POS |', '| --- | ---: | ---: |')
  for (const [name, f] of rows) L.push(`| ${name} | ${f('intl')} | ${f('kuromoji')} |`)
  L.push('')
  for (const e of ['intl', 'kuromoji'] as const) {
    const x = by(e).q.examples
    L.push(`- ${e}: leaked ${x.functionWords.join('、') || '—'}; broken ${x.katakanaBroken.join('、') || '—'}; split ${x.lemmasSplit.join('; ') || '—'}; not dictionary form ${x.notDictionaryForm.join('、') || '—'}`)
  }
  L.push('')
  return L
}

const child = process.argv.find((a) => a.startsWith('--child='))?.slice('--child='.length) as Engine | undefined
if (child) {
  measureCost(child).then((c) => process.stdout.write(JSON.stringify(c) + '\n'))
} else if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  measureWords({ log: (m) => console.error(m) }).then((r) => console.log(wordsMarkdown(r).join('\n')))
}
