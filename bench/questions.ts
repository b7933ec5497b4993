/**
 * The `questions` scenario of `npm run bench`: 1,000 phones, 100 questions, then every phone
 * upvotes 3 of them at random moments in 10 s. Every upvote must be acknowledged (ack p99 target
 * ≤ 50 ms), and phones must get the list as a broadcast for the room, coalesced to about one
 * message a second, never one per upvote: the bytes each phone received are the cost.
 */
import type { Socket } from 'socket.io-client'
import type { SessionLinks } from '../shared/protocol.ts'
import type { ConnectResult, NoteResult, PhoneBytes } from './lib/ipc.ts'
import type { PhoneWorker, ServerProcess } from './lib/procs.ts'
import { fmt, memory, now, ProcSampler, sleep, summarize, type ProcUsage, type Summary } from './lib/util.ts'

export interface QuestionsResult {
  scenario: string
  phones: number
  /** false when the server has no questions (opening them was not answered ok) */
  built: boolean
  detail?: string
  asked: number
  askAck: Summary
  /** phones whose list held every question before the upvotes began */
  phonesWithList: number
  upvotes: number
  acked: number
  refused: Record<string, number>
  ack: Summary
  /** during the upvote window and the settling after it, per phone */
  perPhone: { meanBytes: number; maxBytes: number; meanQuestionMessages: number; maxQuestionMessages: number; meanQuestionBytes: number }
  /** a whole list of every question, as one phone received it on connect or after asking (bytes) */
  listBytes: number
  windowMs: number
  server: ProcUsage
  rssPeak: number
}

export interface QuestionsBench {
  kiosk: ServerProcess
  workers: PhoneWorker[]
  createSession(url: string, title: string): Promise<SessionLinks>
  connectPhones(workers: PhoneWorker[], url: string, session: string, n: number, tag: string): Promise<ConnectResult>
  disconnectPhones(workers: PhoneWorker[]): Promise<void>
  phoneStats(workers: PhoneWorker[]): Promise<PhoneBytes[]>
  facilitatorSocket(url: string, session: string): Promise<Socket>
  emitAck<T>(s: Socket, event: string, payload: unknown): Promise<T>
  log(msg: string): void
  ackTimeoutMs: number
}

const split = (n: number, parts: number) => Array.from({ length: parts }, (_, i) => Math.floor(n / parts) + (i < n % parts ? 1 : 0))

export async function runQuestions(b: QuestionsBench, phones = 1_000, questions = 100, upvotes = 3, windowMs = 10_000): Promise<QuestionsResult> {
  const scenario = `questions ${phones}`
  const { kiosk, workers, log } = b
  const empty = summarize([])
  const result: QuestionsResult = {
    scenario, phones, built: false, asked: 0, askAck: empty, phonesWithList: 0, upvotes: 0, acked: 0, refused: {}, ack: empty,
    perPhone: { meanBytes: NaN, maxBytes: NaN, meanQuestionMessages: NaN, maxQuestionMessages: NaN, meanQuestionBytes: NaN },
    listBytes: NaN, windowMs, server: { cpuMs: 0, cpuPct: 0, wallMs: 0, rssPeak: NaN, rssEnd: NaN }, rssPeak: NaN,
  }
  const links = await b.createSession(kiosk.url, `bench ${scenario}`)
  let fac: Socket | undefined
  try {
    fac = await b.facilitatorSocket(kiosk.url, links.id)
    const opened = await b.emitAck<{ ok: boolean; error?: string }>(fac, 'session:update', { questions: 'open' }).catch(() => ({ ok: false, error: 'no answer' }))
    if (!opened.ok) {
      result.detail = `session:update {questions: "open"} answered ${opened.error ?? 'not ok'}: questions not built yet, or broken`
      log(`${scenario}: ${result.detail}`)
      return result
    }
    result.built = true
    log(`${scenario}: connecting ${phones} phones`)
    await b.connectPhones(workers, kiosk.url, links.id, phones, `q${phones}`)
    const perWorker = split(questions, workers.length)
    const asks = (
      await Promise.all(
        workers.map((w, i) =>
          w
            .request<NoteResult[]>({ type: 'ask', count: perWorker[i] ?? 0, ackTimeoutMs: b.ackTimeoutMs }, b.ackTimeoutMs + 30_000)
            .then((rs) => rs.map((r) => ({ ...r, sendAt: r.sendAt - w.clockOffsetMs, ackAt: r.ackAt === undefined ? undefined : r.ackAt - w.clockOffsetMs }))),
        ),
      )
    ).flat()
    result.asked = asks.filter((a) => a.ok).length
    result.askAck = summarize(asks.filter((a) => a.ok).map((a) => (a.ackAt as number) - a.sendAt))
    // every phone hears the whole list (the first question at once, the rest within about a second)
    let counts: number[] = []
    for (let i = 0; i < 150; i++) {
      counts = (await Promise.all(workers.map((w) => w.request<number[]>({ type: 'questionCounts' }, 30_000)))).flat()
      if (counts.every((c) => c >= result.asked)) break
      await sleep(100)
    }
    result.phonesWithList = counts.filter((c) => c >= result.asked).length
    await sleep(1_500)
    const before = await b.phoneStats(workers)
    log(`${scenario}: ${result.asked} questions, ${result.phonesWithList}/${phones} phones have the list; upvoting ${upvotes} each within ${windowMs / 1000} s`)

    const use = new ProcSampler(kiosk.pid)
    use.start()
    const startAt = now() + 300
    const votes = (
      await Promise.all(
        workers.map((w) =>
          w
            .request<NoteResult[]>({ type: 'upvote', startAt: startAt + w.clockOffsetMs, windowMs, upvotes, ackTimeoutMs: b.ackTimeoutMs }, windowMs + b.ackTimeoutMs + 30_000)
            .then((rs) => rs.map((r) => ({ ...r, sendAt: r.sendAt - w.clockOffsetMs, ackAt: r.ackAt === undefined ? undefined : r.ackAt - w.clockOffsetMs }))),
        ),
      )
    ).flat()
    result.server = use.stop()
    // the last counts go out within a second of the last upvote
    await sleep(2_000)
    const after = await b.phoneStats(workers)
    result.rssPeak = Math.max(result.server.rssPeak, memory(kiosk.pid)?.hwm ?? NaN)
    result.upvotes = votes.length
    result.acked = votes.filter((v) => v.ok).length
    for (const v of votes) if (!v.ok) result.refused[v.error ?? '?'] = (result.refused[v.error ?? '?'] ?? 0) + 1
    result.ack = summarize(votes.filter((v) => v.ok).map((v) => (v.ackAt as number) - v.sendAt))
    const delta = after.map((a, i) => ({
      bytes: a.payloadIn - (before[i]?.payloadIn ?? 0),
      messages: a.questionMessages - (before[i]?.questionMessages ?? 0),
      questionBytes: a.questionBytes - (before[i]?.questionBytes ?? 0),
    }))
    const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / Math.max(1, xs.length)
    result.perPhone = {
      meanBytes: mean(delta.map((d) => d.bytes)),
      maxBytes: Math.max(0, ...delta.map((d) => d.bytes)),
      meanQuestionMessages: mean(delta.map((d) => d.messages)),
      maxQuestionMessages: Math.max(0, ...delta.map((d) => d.messages)),
      meanQuestionBytes: mean(delta.map((d) => d.questionBytes)),
    }
    // the phones that did not ask got the whole list on connect (empty) and then lists as questions came
    const listeners = before.filter((x) => x.questionMessages > 0)
    result.listBytes = listeners.length ? Math.max(...listeners.map((x) => x.questionBytes / x.questionMessages)) : NaN
    log(
      `${scenario}: ${result.acked}/${result.upvotes} upvotes acknowledged; ack p50 ${fmt.ms(result.ack.p50)} / p99 ${fmt.ms(result.ack.p99)} / max ${fmt.ms(result.ack.max)} ms; ` +
        `per phone ${fmt.int(result.perPhone.meanBytes)} B in ${result.perPhone.meanQuestionMessages.toFixed(1)} question messages; server CPU ${result.server.cpuPct.toFixed(0)}%`,
    )
    return result
  } finally {
    fac?.close()
    await b.disconnectPhones(workers)
    await sleep(300)
  }
}

export function questionsMarkdown(results: QuestionsResult[]): string[] {
  if (results.length === 0) return []
  const L = ['## Questions to the speaker', '']
  const built = results.filter((r) => r.built)
  if (built.length === 0) return [...L, `Not built yet on this server: ${results[0]?.detail ?? ''}.`, '']
  L.push('Questions open; 100 phones ask one question each; every phone waits for the whole list; then each phone upvotes 3 distinct random questions at random moments in 10 s. Phones get the list as one broadcast to the room (`question:list`), then only new counts (`question:votes`), at most about once a second. Bytes per phone: Engine.IO payload received during the upvote window and 2 s after it (pings included).')
  L.push('')
  L.push('| scenario | questions | phones with the list | upvotes acked / sent | ack p50 / p95 / p99 / max ms | ack p99 ≤ 50 ms | B per phone (mean / max) | question messages per phone (mean / max) | whole list B | server CPU | server RSS peak MB |')
  L.push('| --- | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |')
  for (const r of built) {
    L.push(
      `| ${r.scenario} | ${r.asked} | ${r.phonesWithList} / ${r.phones} | ${r.acked} / ${r.upvotes} | ${fmt.ms(r.ack.p50)} / ${fmt.ms(r.ack.p95)} / ${fmt.ms(r.ack.p99)} / ${fmt.ms(r.ack.max)} | ${r.ack.p99 <= 50 && r.acked === r.upvotes ? 'PASS' : 'FAIL'} | ${fmt.int(r.perPhone.meanBytes)} / ${fmt.int(r.perPhone.maxBytes)} | ${r.perPhone.meanQuestionMessages.toFixed(1)} / ${r.perPhone.maxQuestionMessages} | ${fmt.int(r.listBytes)} | ${(r.server.cpuMs / 1000).toFixed(2)} s (${r.server.cpuPct.toFixed(0)}%) | ${fmt.mb(r.rssPeak)} |`,
    )
  }
  for (const r of built) if (Object.keys(r.refused).length > 0) L.push('', `${r.scenario}: refused upvotes ${JSON.stringify(r.refused)}`)
  L.push('')
  return L
}
