/**
 * The mirror thread (see mirror.ts): a copy of each served document, kept by applying the
 * updates the main thread forwards in order, and the encoding of a document's state for a
 * client's sync step 1 done here, off the kiosk's event loop.
 */
import { parentPort } from 'node:worker_threads'
import * as Y from 'yjs'
import type { FromMirror, ToMirror } from './mirror.ts'

interface Mirror {
  doc: Y.Doc
  /** bumped by every update: the cached full state is current while it has not moved */
  version: number
  full?: { version: number; update: Uint8Array }
}

const mirrors = new Map<number, Mirror>()

/** Whether a state vector claims nothing of this document: a fresh client, or made-up clients. */
function knowsNothing(doc: Y.Doc, stateVector: Uint8Array): boolean {
  const own = doc.store.clients
  for (const [client, clock] of Y.decodeStateVector(stateVector)) if (clock > 0 && own.has(client)) return false
  return true
}

function encode(m: Mirror, stateVector: Uint8Array): Uint8Array {
  if (!knowsNothing(m.doc, stateVector)) return Y.encodeStateAsUpdate(m.doc, stateVector)
  // Every board page that opens is a fresh client: one encoding serves all of them until the next change.
  if (m.full?.version !== m.version) m.full = { version: m.version, update: Y.encodeStateAsUpdate(m.doc) }
  return m.full.update
}

const port = parentPort!
port.on('message', (msg: ToMirror) => {
  if (msg.kind === 'updates') {
    let m = mirrors.get(msg.id)
    if (!m) mirrors.set(msg.id, (m = { doc: new Y.Doc(), version: 0 }))
    for (const u of msg.updates) Y.applyUpdate(m.doc, u)
    m.version++
  } else if (msg.kind === 'encode') {
    const m = mirrors.get(msg.id) ?? { doc: new Y.Doc(), version: 0 }
    let reply: FromMirror
    try {
      reply = { kind: 'encoded', seq: msg.seq, update: encode(m, msg.stateVector) }
    } catch (err) {
      reply = { kind: 'encoded', seq: msg.seq, error: String((err as Error)?.message ?? err) }
    }
    port.postMessage(reply)
  } else if (msg.kind === 'drop') {
    mirrors.get(msg.id)?.doc.destroy()
    mirrors.delete(msg.id)
  }
})
port.postMessage({ kind: 'ready' } satisfies FromMirror)
