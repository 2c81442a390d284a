import { mkdir, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ValidationError } from '../../src/errors.js'
import { fileStore } from '../../src/github/baseline/file-store.js'
import { findBaseline } from '../../src/github/baseline/find.js'
import type { BaselineKey } from '../../src/github/baseline/types.js'
import { HASH, MODEL, tempDir, writeRunDir } from './fixtures.js'

const SHA = 'abcdef0123456789abcdef0123456789abcdef01'
const key: BaselineKey = { environmentHash: HASH, modelKey: MODEL, branch: 'main', sha: SHA }

describe('file store', () => {
  it('uses a committed run folder, relative to cwd, exact when its commit is the merge base', async () => {
    const dir = await writeRunDir({ sha: SHA })
    const store = fileStore({ path: basename(dir), cwd: dirname(dir) })
    const lines: string[] = []
    const hit = await findBaseline([store], key, (line) => lines.push(line))
    expect(hit).toEqual({ dir, sha: SHA, source: 'file', exact: true, description: `the folder ${basename(dir)} (commit abcdef0), the merge base` })
    expect(lines).toEqual([`Baseline from file: using ${hit!.description}`])
  })

  it('is used (not exact) for another commit or none, and whatever environment hash it has: the diff flags a mismatch', async () => {
    const dir = await writeRunDir({ hash: 'f'.repeat(64) })
    const hit = await findBaseline([fileStore({ path: dir })], key, () => {})
    expect(hit).toMatchObject({ sha: null, exact: false, description: `the folder ${dir}, not the merge base abcdef0` })
  })

  it.each(['run.json', 'scores.json', 'results.jsonl'])('names the missing %s', async (name) => {
    const dir = await writeRunDir({ omit: [name] })
    const error = await findBaseline([fileStore({ path: dir })], key, () => {}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).issues[0]).toMatchObject({ file: join(dir, name), message: 'is missing' })
    expect((error as Error).message).toContain(`${join(dir, name)}: is missing (a baseline folder holds run.json, scores.json, results.jsonl`)
  })

  it('says when the folder does not exist or is a file', async () => {
    const root = await tempDir()
    await expect(fileStore({ path: 'nope', cwd: root }).load(key)).rejects.toThrow(`Baseline folder "nope" cannot be used:\n  ${join(root, 'nope')}: does not exist`)
    await writeFile(join(root, 'file'), 'x')
    await expect(fileStore({ path: 'file', cwd: root }).load(key)).rejects.toThrow('is a file, not a folder')
  })

  it('names the bad field of a run.json that is not one', async () => {
    const dir = await writeRunDir()
    await writeFile(join(dir, 'run.json'), JSON.stringify({ schemaVersion: 1 }))
    await expect(fileStore({ path: dir }).load(key)).rejects.toThrow(/run\.json: field "tool"/)
    await writeFile(join(dir, 'run.json'), '{')
    await expect(fileStore({ path: dir }).load(key)).rejects.toThrow(/run\.json: is not valid JSON/)
  })

  it('an explicit store’s error is thrown by findBaseline even after other stores', async () => {
    const root = await tempDir()
    await mkdir(join(root, 'empty'))
    const failing = { name: 'cache', load: async () => Promise.reject(new Error('down')) }
    await expect(findBaseline([failing, fileStore({ path: 'empty', cwd: root })], key, () => {})).rejects.toThrow(ValidationError)
  })
})
