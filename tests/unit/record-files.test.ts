import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { recordFilesOf } from '../../server/record/files.ts'

/**
 * The console asks for a closed session's record files until it is told some, and then stops: a
 * list that named the JSON while the Markdown was still being written left it showing one file
 * (seen under load in the full suite). The files are renamed into place Markdown first, JSON
 * last, and the list names a record only once its JSON is there.
 */
describe('the record files of a closed session', () => {
  const dataDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kurumaza-records-'))
    fs.mkdirSync(path.join(dir, 'records'))
    return dir
  }
  const put = (dir: string, name: string) => fs.writeFileSync(path.join(dir, 'records', name), 'x')

  it('are none while they are being written, and both once the JSON is in place', () => {
    const dir = dataDir()
    expect(recordFilesOf(dir, 'abc')).toEqual([])
    put(dir, '2026-11-30_会議_abc.md.tmp')
    put(dir, '2026-11-30_会議_abc.json.tmp')
    expect(recordFilesOf(dir, 'abc')).toEqual([])
    fs.renameSync(path.join(dir, 'records', '2026-11-30_会議_abc.md.tmp'), path.join(dir, 'records', '2026-11-30_会議_abc.md'))
    expect(recordFilesOf(dir, 'abc')).toEqual([])
    fs.renameSync(path.join(dir, 'records', '2026-11-30_会議_abc.json.tmp'), path.join(dir, 'records', '2026-11-30_会議_abc.json'))
    expect(recordFilesOf(dir, 'abc').map((f) => path.basename(f))).toEqual(['2026-11-30_会議_abc.json', '2026-11-30_会議_abc.md'])
  })

  it("never names another session's files", () => {
    const dir = dataDir()
    put(dir, '2026-11-30_会議_abcd.json')
    put(dir, '2026-11-30_会議_xabc.md')
    expect(recordFilesOf(dir, 'abc')).toEqual([])
  })
})
