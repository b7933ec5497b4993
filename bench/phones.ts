/**
 * A phone worker: many socket.io-client phones in one process, driven by bench/run.ts over IPC
 * (child_process.fork with `--import tsx`), so load generation does not share the server's thread.
 * It only ever connects to the URL it is given (127.0.0.1), and every action is bounded: a fixed
 * number of notes per phone, each with an ack timeout.
 */
import crypto from 'node:crypto'
import { io, type Socket } from 'socket.io-client'
import type { AskCmd, BallotSeen, ConnectCmd, ConnectResult, NoteResult, PhoneBytes, PostCmd, StatsResult, SurveyCmd, UpvoteCmd, VoteCmd, WorkerCmd, WorkerReply } from './lib/ipc.ts'
import { sampleTexts, tagText } from './lib/texts.ts'
import { now, sleep } from './lib/util.ts'

interface Phone {
  socket: Socket
  index: number
  prefix: string
  bytes: PhoneBytes
  ballot: BallotSeen & { noteIds: string[] }
  /** the question ids of the last `question:list` heard */
  questions: string[]
}

const emptyBallot = () => ({ bytes: 0, notes: 0, count: 0, totalBytes: 0, noteIds: [] })

let phones: Phone[] = []
const texts = sampleTexts()

const randomId = () => crypto.randomBytes(16).toString('base64url')

const packetSize = (data: unknown): number =>
  typeof data === 'string' ? Buffer.byteLength(data) : data instanceof ArrayBuffer || ArrayBuffer.isView(data) ? data.byteLength : 0

function openPhone(cmd: ConnectCmd, index: number): Promise<Phone> {
  return new Promise((resolve, reject) => {
    const socket = io(cmd.url, {
      auth: { session: cmd.session, deviceId: `bench-${cmd.prefix}-${index}-${randomId()}` },
      query: { session: cmd.session },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: 15_000,
    })
    const bytes: PhoneBytes = { payloadIn: 0, payloadOut: 0, wireIn: 0, wireOut: 0, packetsIn: 0, states: 0, ballots: 0, ballotBytes: 0, questionMessages: 0, questionBytes: 0 }
    const phone: Phone = { socket, index, prefix: cmd.prefix, bytes, ballot: emptyBallot(), questions: [] }
    // Engine.IO packets: a one-character type plus the payload.
    let lastPacketBytes = 0
    socket.io.engine.on('packet', (p) => {
      lastPacketBytes = 1 + packetSize(p.data)
      bytes.packetsIn++
      bytes.payloadIn += lastPacketBytes
    })
    socket.io.engine.on('packetCreate', (p) => {
      bytes.payloadOut += 1 + packetSize(p.data)
    })
    socket.on('session:state', () => bytes.states++)
    socket.on('survey:current', (survey: unknown) => {
      bytes.surveys = (bytes.surveys ?? 0) + 1
      // the event's JSON as sent (Socket.io's frame adds the event name and a few bytes)
      bytes.surveyBytes = (bytes.surveyBytes ?? 0) + Buffer.byteLength(JSON.stringify(['survey:current', survey]))
    })
    // Questions to the speaker, where the server has them: the room's list, then new counts.
    socket.on('question:list', (list: { questions?: Array<{ id: string }> }) => {
      bytes.questionMessages++
      bytes.questionBytes += lastPacketBytes
      phone.questions = (list.questions ?? []).map((q) => q.id)
    })
    socket.on('question:votes', () => {
      bytes.questionMessages++
      bytes.questionBytes += lastPacketBytes
    })
    // Dot voting, where the server has it: remember the latest open ballot's notes.
    socket.on('vote:ballot', (b: { open?: boolean; notes?: Array<{ noteId: string }> } | null) => {
      const t = now()
      // the Engine.IO packet that carried it (socket.io decodes right after the 'packet' event)
      const size = lastPacketBytes
      bytes.ballots++
      bytes.ballotBytes += size
      phone.ballot.count++
      phone.ballot.totalBytes += size
      if (!b?.open || !Array.isArray(b.notes)) return
      phone.ballot.at ??= t
      phone.ballot.bytes = size
      phone.ballot.notes = b.notes.length
      phone.ballot.noteIds = b.notes.map((n) => n.noteId)
    })
    socket.once('connect', () => resolve(phone))
    socket.once('connect_error', (err) => {
      socket.close()
      reject(err)
    })
  })
}

async function connect(cmd: ConnectCmd): Promise<ConnectResult> {
  const t0 = now()
  let next = 0
  let failed = 0
  const errors: string[] = []
  const opened: Phone[] = []
  const lane = async () => {
    while (next < cmd.count) {
      const i = next++
      try {
        opened.push(await openPhone(cmd, i))
      } catch (err) {
        failed++
        const e = err as Error & { data?: unknown }
        if (errors.length < 5) errors.push(`${e.message}${e.data ? ` ${JSON.stringify(e.data)}` : ''}`)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(cmd.concurrency, cmd.count) }, lane))
  phones.push(...opened.sort((a, b) => a.index - b.index))
  return { connected: opened.length, failed, errors, ms: now() - t0 }
}

/** Every phone posts `perPhone` notes at random moments in the window; resolves when all are answered. */
function post(cmd: PostCmd): Promise<NoteResult[]> {
  const results: NoteResult[] = []
  const total = phones.length * cmd.perPhone
  if (total === 0) return Promise.resolve(results)
  return new Promise((resolve) => {
    let answered = 0
    const done = () => {
      if (++answered === total) resolve(results)
    }
    for (const phone of phones) {
      const offsets = Array.from({ length: cmd.perPhone }, () => Math.random() * cmd.windowMs).sort((a, b) => a - b)
      offsets.forEach((offset, seq) => {
        const key = `${phone.prefix}.${phone.index}.${seq}`
        const sample = texts[(phone.index * 7 + seq * 13) % texts.length] as string
        setTimeout(() => {
          const r: NoteResult = { key, sendAt: now(), ok: false }
          results.push(r)
          if (!phone.socket.connected) {
            r.error = 'disconnected'
            done()
            return
          }
          phone.socket.timeout(cmd.ackTimeoutMs).emit('note:create', { id: randomId(), text: tagText(sample, key) }, (err: Error | null, res?: { ok: boolean; error?: string }) => {
            r.ackAt = now()
            if (err) r.error = 'ack_timeout'
            else if (res?.ok) r.ok = true
            else r.error = res?.error ?? 'no_answer'
            done()
          })
        }, Math.max(0, cmd.startAt - now() + offset))
      })
    }
  })
}

/** Every phone places its dots at random moments in the window, on distinct random notes of its ballot. */
function vote(cmd: VoteCmd): Promise<NoteResult[]> {
  const results: NoteResult[] = []
  const plan: Array<{ phone: Phone; noteId: string; offset: number }> = []
  for (const phone of phones) {
    const ids = [...phone.ballot.noteIds]
    for (let d = 0; d < cmd.dots && ids.length > 0; d++) {
      const noteId = ids.splice(Math.floor(Math.random() * ids.length), 1)[0] as string
      plan.push({ phone, noteId, offset: Math.random() * cmd.windowMs })
    }
  }
  if (plan.length === 0) return Promise.resolve(results)
  return new Promise((resolve) => {
    let answered = 0
    for (const { phone, noteId, offset } of plan) {
      setTimeout(() => {
        const r: NoteResult = { key: noteId, sendAt: now(), ok: false }
        results.push(r)
        phone.socket.timeout(cmd.ackTimeoutMs).emit('vote:cast', { noteId }, (err: Error | null, res?: { ok: boolean; error?: string }) => {
          r.ackAt = now()
          if (err) r.error = 'ack_timeout'
          else if (res?.ok) r.ok = true
          else r.error = res?.error ?? 'no_answer'
          if (++answered === plan.length) resolve(results)
        })
      }, Math.max(0, cmd.startAt - now() + offset))
    }
  })
}

/** The first `count` phones each ask one question; resolves with every answer. */
function ask(cmd: AskCmd): Promise<NoteResult[]> {
  return Promise.all(
    phones.slice(0, cmd.count).map(
      (phone, i) =>
        new Promise<NoteResult>((resolve) => {
          const key = `${phone.prefix}.q${i}`
          const r: NoteResult = { key, sendAt: now(), ok: false }
          const text = tagText(texts[(phone.index * 11) % texts.length] as string, key)
          phone.socket.timeout(cmd.ackTimeoutMs).emit('question:ask', { id: randomId(), text }, (err: Error | null, res?: { ok: boolean; error?: string }) => {
            r.ackAt = now()
            if (err) r.error = 'ack_timeout'
            else if (res?.ok) r.ok = true
            else r.error = res?.error ?? 'no_answer'
            resolve(r)
          })
        }),
    ),
  )
}

/** Every phone upvotes distinct random questions of its list at random moments in the window. */
function upvote(cmd: UpvoteCmd): Promise<NoteResult[]> {
  const results: NoteResult[] = []
  const plan: Array<{ phone: Phone; questionId: string; offset: number }> = []
  for (const phone of phones) {
    const ids = [...phone.questions]
    for (let d = 0; d < cmd.upvotes && ids.length > 0; d++) {
      const questionId = ids.splice(Math.floor(Math.random() * ids.length), 1)[0] as string
      plan.push({ phone, questionId, offset: Math.random() * cmd.windowMs })
    }
  }
  if (plan.length === 0) return Promise.resolve(results)
  return new Promise((resolve) => {
    let answered = 0
    for (const { phone, questionId, offset } of plan) {
      setTimeout(() => {
        const r: NoteResult = { key: questionId, sendAt: now(), ok: false }
        results.push(r)
        phone.socket.timeout(cmd.ackTimeoutMs).emit('question:upvote', { questionId, on: true }, (err: Error | null, res?: { ok: boolean; error?: string }) => {
          r.ackAt = now()
          if (err) r.error = 'ack_timeout'
          else if (res?.ok) r.ok = true
          else r.error = res?.error ?? 'no_answer'
          if (++answered === plan.length) resolve(results)
        })
      }, Math.max(0, cmd.startAt - now() + offset))
    }
  })
}

/** How many questions each phone's last list held. */
function questionCounts(): number[] {
  return phones.map((p) => p.questions.length)
}

/**
 * The bench's survey (five questions: choice of 4, multi of 3, scale 1–5, scale 0–10, text):
 * each phone's answers follow from its index.
 */
function benchAnswers(i: number): unknown[] {
  return [i % 4, [i % 3, (i + 1) % 3].sort(), 1 + (i % 5), i % 11, i % 2 === 0 ? `紙の決裁が多い ${i % 7}` : null]
}

/** Every phone answers once at a random moment in the window; resolves when all are answered. */
function survey(cmd: SurveyCmd): Promise<NoteResult[]> {
  const results: NoteResult[] = []
  if (phones.length === 0) return Promise.resolve(results)
  return new Promise((resolve) => {
    let answered = 0
    for (const phone of phones) {
      setTimeout(() => {
        const r: NoteResult = { key: `${phone.prefix}.${phone.index}`, sendAt: now(), ok: false }
        results.push(r)
        phone.socket.timeout(cmd.ackTimeoutMs).emit('survey:answer', { surveyId: cmd.surveyId, round: cmd.round, answers: benchAnswers(phone.index) }, (err: Error | null, res?: { ok: boolean; error?: string }) => {
          r.ackAt = now()
          if (err) r.error = 'ack_timeout'
          else if (res?.ok) r.ok = true
          else r.error = res?.error ?? 'no_answer'
          if (++answered === phones.length) resolve(results)
        })
      }, Math.max(0, cmd.startAt - now() + Math.random() * cmd.windowMs))
    }
  })
}

function ballots(): BallotSeen[] {
  return phones.map(({ ballot: { noteIds: _ids, ...seen } }) => seen)
}

function stats(): StatsResult {
  return {
    phones: phones.map((p) => {
      const ws = (p.socket.io.engine.transport as unknown as { ws?: { _socket?: { bytesRead: number; bytesWritten: number } } }).ws
      if (ws?._socket) {
        p.bytes.wireIn = ws._socket.bytesRead
        p.bytes.wireOut = ws._socket.bytesWritten
      }
      return { ...p.bytes }
    }),
  }
}

async function disconnect(): Promise<{ closed: number }> {
  const n = phones.length
  for (const p of phones) p.socket.close()
  phones = []
  await sleep(50)
  return { closed: n }
}

async function handle(cmd: WorkerCmd): Promise<unknown> {
  switch (cmd.type) {
    case 'clock':
      return now()
    case 'connect':
      return connect(cmd)
    case 'post':
      return post(cmd)
    case 'stats':
      return stats()
    case 'disconnect':
      return disconnect()
    case 'vote':
      return vote(cmd)
    case 'survey':
      return survey(cmd)
    case 'resetBallots':
      for (const p of phones) p.ballot = emptyBallot()
      return phones.length
    case 'ballots':
      return ballots()
    case 'ask':
      return ask(cmd)
    case 'upvote':
      return upvote(cmd)
    case 'questionCounts':
      return questionCounts()
  }
}

if (!process.send) {
  console.error('bench/phones.ts is a worker: bench/run.ts forks it.')
  process.exit(2)
}

process.on('message', (cmd: WorkerCmd) => {
  handle(cmd).then(
    (result) => process.send?.({ id: cmd.id, ok: true, result } satisfies WorkerReply),
    (err: Error) => process.send?.({ id: cmd.id, ok: false, error: err.message } satisfies WorkerReply),
  )
})
// The worker ends with its parent: no phone outlives the bench.
process.on('disconnect', () => process.exit(0))
