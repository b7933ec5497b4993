import { describe, expect, it } from 'vitest'
import { newClientId } from '../../shared/ids.ts'
import type { SessionSummary } from '../../shared/protocol.ts'
import { emitAck, useKiosk } from '../helpers/kiosk.ts'

describe('the HTTP API', () => {
  const kiosk = useKiosk()
  const api = (path: string, init: RequestInit = {}, token: string | null = kiosk().token) =>
    fetch(`${kiosk().url}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...init.headers },
    })

  it('answers /healthz with ok once it can take notes', async () => {
    const res = await fetch(`${kiosk().url}/healthz`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true })
  })

  it('creates a session and returns its three links, the board link carrying its key', async () => {
    const res = await api('/api/sessions', { method: 'POST', body: JSON.stringify({ title: '  DX研修 第1回 ', prompt: '今日の気づき' }) })
    expect(res.status).toBe(201)
    const body = await res.json()
    expect(Object.keys(body).sort()).toEqual(['boardUrl', 'facilitatorUrl', 'id', 'joinUrl'])
    expect(body.joinUrl).toMatch(new RegExp(`/j/${body.id}$`))
    const key = new URL(body.boardUrl).searchParams.get('key')!
    expect(key.length).toBeGreaterThanOrEqual(22) // 132 bits
    expect(new URL(body.facilitatorUrl).searchParams.get('token')).toBe(kiosk().token)
    const list = (await (await api('/api/sessions')).json()) as SessionSummary[]
    expect(list.find((s) => s.id === body.id)).toMatchObject({ title: 'DX研修 第1回', prompt: '今日の気づき', notes: 0 })
  })

  it('uses PUBLIC_URL for the links when set', async () => {
    const { kioskForTest } = await import('../helpers/kiosk.ts')
    const other = await kioskForTest({ publicUrl: 'http://kiosk.local:8080' })
    const links = await other.createSession()
    expect(links.joinUrl).toBe(`http://kiosk.local:8080/j/${links.id}`)
    expect(links.boardUrl.startsWith('http://kiosk.local:8080/b/')).toBe(true)
  })

  it('lists sessions newest first', async () => {
    const a = await kiosk().createSession('first')
    const b = await kiosk().createSession('second')
    const ids = ((await (await api('/api/sessions')).json()) as SessionSummary[]).map((s) => s.id)
    expect(ids.indexOf(b.id)).toBeLessThan(ids.indexOf(a.id))
  })

  it.each([
    ['no token', null],
    ['a wrong token', 'wrong-token'],
  ])('answers 401 to facilitator calls with %s', async (_name, token) => {
    expect((await api('/api/sessions', {}, token)).status).toBe(401)
    expect((await api('/api/sessions', { method: 'POST', body: '{"title":"x"}' }, token)).status).toBe(401)
    const links = await kiosk().createSession()
    expect((await api(`/api/sessions/${links.id}/export?format=json`, {}, token)).status).toBe(401)
  })

  it.each([
    ['a missing title', '{"prompt":"p"}', 'invalid'],
    ['an empty title', '{"title":"   "}', 'empty'],
    ['a title of the wrong type', '{"title":5}', 'invalid'],
    ['a title over 120 characters', JSON.stringify({ title: 'あ'.repeat(121) }), 'too_long'],
    ['an array body', '[]', 'invalid'],
    ['broken JSON', '{"title":', 'invalid'],
  ])('answers 400 to %s and creates nothing', async (_name, body, error) => {
    const before = ((await (await api('/api/sessions')).json()) as unknown[]).length
    const res = await api('/api/sessions', { method: 'POST', body })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ error })
    expect(((await (await api('/api/sessions')).json()) as unknown[]).length).toBe(before)
  })

  it('answers 413 to a body over the limit', async () => {
    const res = await api('/api/sessions', { method: 'POST', body: JSON.stringify({ title: 'x'.repeat(200_000) }) })
    expect(res.status).toBe(413)
  })

  it('answers 404 for an unknown session', async () => {
    expect((await api('/api/sessions/abcdefghjk/export?format=json')).status).toBe(404)
    expect((await fetch(`${kiosk().url}/api/sessions/abcdefghjk/join`)).status).toBe(404)
  })

  it('exports the JSON record without hidden notes unless asked, and never a device id or key', async () => {
    const links = await kiosk().createSession('記録', '問い')
    const deviceId = newClientId()
    const phone = await kiosk().phone(links.id, { deviceId })
    const shown = (await emitAck(phone, 'note:create', { id: newClientId(), text: '見える "付箋", です' })) as { noteId: string }
    const hidden = (await emitAck(phone, 'note:create', { id: newClientId(), text: '隠す' })) as { noteId: string }
    const fac = await kiosk().facilitator(links.id)
    await emitAck(fac, 'note:moderate', { noteId: hidden.noteId, action: 'hide' })

    const res = await api(`/api/sessions/${links.id}/export?format=json`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toContain('attachment')
    const text = await res.text()
    const record = JSON.parse(text)
    expect(record).toMatchObject({
      version: 1,
      session: { id: links.id, title: '記録', prompt: '問い' },
      counts: { notes: 2, visible: 1, hidden: 1, pending: 0, phones: 1 },
      includesHidden: false,
    })
    expect(record.notes).toEqual([
      {
        id: shown.noteId,
        text: '見える "付箋", です',
        status: 'visible',
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        promptId: record.session.currentPromptId,
        groupId: null,
        votes: 0,
      },
    ])
    const all = await (await api(`/api/sessions/${links.id}/export?format=json&includeHidden=true`)).json()
    expect(all.notes.map((n: { status: string }) => n.status)).toEqual(['visible', 'hidden'])
    expect(text).not.toContain(deviceId)
    expect(text).not.toContain(new URL(links.boardUrl).searchParams.get('key'))
    expect(text).not.toContain('127.0.0.1')
  })

  it('answers an export format it does not know with 400', async () => {
    const links = await kiosk().createSession()
    const res = await api(`/api/sessions/${links.id}/export?format=xlsx`)
    expect(res.status).toBe(400)
  })

  it('gives a phone opening an unknown session a clear page that echoes nothing back', async () => {
    const res = await fetch(`${kiosk().url}/j/abcdefghjk`)
    expect(res.status).toBe(404)
    const html = await res.text()
    expect(html).toContain('セッションが見つかりません')
    expect(html).toContain('Session not found')
    const evil = await (await fetch(`${kiosk().url}/j/%3Cscript%3Ealert(1)%3C%2Fscript%3E`)).text()
    expect(evil).not.toContain('<script>alert')
  })

  it('serves the phone page for a known session, with security headers', async () => {
    const links = await kiosk().createSession()
    const res = await fetch(`${kiosk().url}/j/${links.id}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/html')
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('serves a QR code of the join URL', async () => {
    const links = await kiosk().createSession()
    const res = await fetch(`${kiosk().url}/qr/${links.id}.svg`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('image/svg+xml')
    expect(await res.text()).toContain('<svg')
    const join = await (await fetch(`${kiosk().url}/api/sessions/${links.id}/join`)).json()
    expect(join).toEqual({ id: links.id, title: 'テストの会', joinUrl: links.joinUrl })
  })
})

describe('serving the screens', () => {
  const kiosk = useKiosk()

  it('sends built assets gzipped to browsers that accept it, and as they are to those that do not', async () => {
    const links = await kiosk().createSession()
    const html = await (await fetch(`${kiosk().url}/j/${links.id}`)).text()
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!
    const { request } = await import('node:http')
    const get = (headers: Record<string, string>) =>
      new Promise<{ encoding?: string; bytes: number }>((resolve) =>
        request(`${kiosk().url}${asset}`, { headers }, (res) => {
          let bytes = 0
          res.on('data', (d: Buffer) => (bytes += d.length))
          res.on('end', () => resolve({ encoding: res.headers['content-encoding'], bytes }))
        }).end(),
      )
    const zipped = await get({ 'accept-encoding': 'gzip, deflate' })
    const plain = await get({})
    expect(zipped.encoding).toBe('gzip')
    expect(plain.encoding).toBeUndefined()
    expect(zipped.bytes).toBeLessThan(plain.bytes / 2)
  })
})
