import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { emitAck, startKiosk, tempDir } from '../helpers/kiosk.ts'

describe('the data folder', () => {
  it('belongs to one kiosk: a second one on it does not start, and says which folder and which process', async () => {
    const dataDir = tempDir()
    const first = await startKiosk({ dataDir })
    try {
      const links = await first.createSession()
      const before = await emitAck(await first.phone(links.id), 'note:create', { id: 'n1', text: '最初のキオスクへ' })
      expect(before).toMatchObject({ ok: true })

      const second = startKiosk({ dataDir })
      await expect(second).rejects.toThrow(`Another Kurumaza is already using the data folder ${path.resolve(dataDir)} (process ${process.pid}, started `)
      // The refused one touched nothing: the first keeps serving and storing.
      expect((await fetch(`${first.url}/healthz`)).status).toBe(200)
      expect(await emitAck(await first.phone(links.id), 'note:create', { id: 'n2', text: 'まだ動いている' })).toMatchObject({ ok: true })
    } finally {
      await first.close()
    }
    // Once the first has closed, the folder is free again, with everything in it.
    const third = await startKiosk({ dataDir })
    try {
      const [summary] = (await (await fetch(`${third.url}/api/sessions`, { headers: { authorization: `Bearer ${third.token}` } })).json()) as Array<{ notes: number }>
      expect(summary?.notes).toBe(2)
    } finally {
      await third.close()
    }
  })

  it('refuses to start on a damaged database with the file, the remedy and where the records are', async () => {
    const dataDir = tempDir()
    const k = await startKiosk({ dataDir })
    await k.createSession()
    await k.close()
    // Keep the header, damage the schema page: SQLite opens the file, then finds it malformed.
    const file = path.join(dataDir, 'kurumaza.sqlite')
    const fd = fs.openSync(file, 'r+')
    fs.writeSync(fd, Buffer.alloc(3_000, 0xa5), 0, 3_000, 100)
    fs.closeSync(fd)
    const started = startKiosk({ dataDir })
    await expect(started).rejects.toThrow(`The database ${path.resolve(file)} is damaged and cannot be read`)
    await expect(started).rejects.toThrow(`the records of closed sessions are still in ${path.resolve(dataDir, 'records')}`)
    // The damaged file is left as it was, for whoever rescues it.
    expect(fs.readFileSync(file).subarray(100, 110)).toEqual(Buffer.alloc(10, 0xa5))
  })

  it('finds damage in any page at start-up, not at the first load of a session in the middle of a workshop', async () => {
    const dataDir = tempDir()
    const k = await startKiosk({ dataDir })
    const links = await k.createSession()
    const phone = await k.phone(links.id)
    for (let i = 0; i < 20; i++) await emitAck(phone, 'note:create', { id: `n${i}`, text: `付箋 ${i} ${'あ'.repeat(150)}` })
    await k.close()
    // The schema page is intact; the last page (the board's update log or an index) is not.
    const file = path.join(dataDir, 'kurumaza.sqlite')
    const size = fs.statSync(file).size
    const fd = fs.openSync(file, 'r+')
    fs.writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, size - 4096)
    fs.closeSync(fd)
    await expect(startKiosk({ dataDir })).rejects.toThrow(`The database ${path.resolve(file)} is damaged and cannot be read (malformed`)
  })
})
