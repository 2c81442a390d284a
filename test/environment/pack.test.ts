import { readFile, symlink, utimes } from 'node:fs/promises'
import { join } from 'node:path'
import unzipper from 'unzipper'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { formatIssue, ValidationError } from '../../src/errors.js'
import { loadEnvironment } from '../../src/environment/load.js'
import { packEnvironment } from '../../src/environment/pack.js'
import { cleanup, manifestYaml, tempDir, writeFiles, writeTinyEnv } from './_helpers.js'

let work: string
let folder: string
let cacheDir: string

const savedTmpdir = process.env.TMPDIR
beforeEach(async () => {
  work = await tempDir()
  cacheDir = await tempDir()
  // Bundles are extracted under os.tmpdir(): point it at a folder the test removes.
  process.env.TMPDIR = await tempDir()
  folder = join(work, 'tiny')
  await writeTinyEnv(folder, {
    'scorers/judge.js': 'export function score() { return { value: 1, passed: true, extracted: null, reason: "ok" } }\n',
    '.git/HEAD': 'ref: refs/heads/main\n',
    'node_modules/x/index.js': 'module.exports = 1\n',
    '.DS_Store': 'junk',
    'data/.DS_Store': 'junk'
  })
})
afterEach(async () => {
  const extracted = process.env.TMPDIR
  if (savedTmpdir === undefined) delete process.env.TMPDIR
  else process.env.TMPDIR = savedTmpdir
  await cleanup(work, cacheDir, extracted)
})

describe('packEnvironment', () => {
  it('writes byte-identical zips for the same folder, whatever the file times', async () => {
    const first = await packEnvironment(folder, join(work, 'a.zip'), { cacheDir })
    await utimes(join(folder, 'data', 'test.jsonl'), new Date('2001-02-03T04:05:06Z'), new Date('2001-02-03T04:05:06Z'))
    const second = await packEnvironment(folder, join(work, 'b.zip'), { cacheDir })
    expect(await readFile(second.file)).toEqual(await readFile(first.file))
    expect(second).toMatchObject({ hash: first.hash, files: 4, bytes: first.bytes })
  })

  it('stores sorted forward-slash paths with a fixed time and mode, skipping clutter', async () => {
    const { file } = await packEnvironment(folder, join(work, 'tiny.zip'), { cacheDir })
    const zip = await unzipper.Open.file(file)
    expect(zip.files.map((f) => f.path)).toEqual(['README.md', 'data/test.jsonl', 'environment.yaml', 'scorers/judge.js'])
    for (const entry of zip.files) {
      expect(entry.externalFileAttributes >>> 16).toBe(0o100644)
      // DOS date 1980-01-01, time 00:00 (local time by definition).
      expect([entry.lastModifiedDate, entry.lastModifiedTime]).toEqual([(0 << 9) | (1 << 5) | 1, 0])
    }
  })

  it('round-trips: the packed bundle loads with the folder’s hash and cases', async () => {
    const manifest = manifestYaml().replace('    - type: exact', '    - type: exact\n    - type: custom\n      path: scorers/judge.js')
    await writeFiles(folder, { 'environment.yaml': manifest })
    const direct = await loadEnvironment(folder, { cacheDir })
    const packed = await packEnvironment(folder, join(work, 'tiny.zip'), { cacheDir })
    const loaded = await loadEnvironment(packed.file, { cacheDir })
    expect(packed.hash).toBe(direct.hash)
    expect(loaded.hash).toBe(direct.hash)
    expect(loaded.phases).toEqual(direct.phases)
  })

  it('writes <name>-<version>.zip beside the folder by default', async () => {
    const result = await packEnvironment(folder, undefined, { cacheDir })
    expect(result.file).toBe(join(work, 'tiny-1.0.0.zip'))
  })

  it('refuses an invalid environment', async () => {
    await writeFiles(folder, { 'environment.yaml': manifestYaml().replace('version: 1.0.0', 'version: latest') })
    const error = await packEnvironment(folder, join(work, 'x.zip'), { cacheDir }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).issues.map(formatIssue)).toEqual(['environment.yaml:3: field "version" must be a semantic version such as 1.0.0 (got "latest")'])
  })

  it('refuses symbolic links rather than packing what they point at', async () => {
    await symlink('/etc/hostname', join(folder, 'data', 'link.txt'))
    const error = await packEnvironment(folder, join(work, 'x.zip'), { cacheDir }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ValidationError)
    expect(formatIssue((error as ValidationError).issues[0]!)).toBe('data/link.txt: is a symbolic link; bundles hold regular files only (replace it with a copy of the file)')
  })
})
