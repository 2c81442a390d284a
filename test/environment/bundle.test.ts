import { existsSync } from 'node:fs'
import { readFile, writeFile, mkdir, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { formatIssue, UnsafeBundleError, ValidationError } from '../../src/errors.js'
import { checkEntryPath, extractBundle } from '../../src/environment/bundle.js'
import { cleanup, lieAboutSizes, listTree, makeZip, renameEntry, tempDir } from './_helpers.js'

let base: string
/** Extraction folders are created in here, so "nothing written" is checkable. */
let extractParent: string

beforeEach(async () => {
  base = await tempDir()
  extractParent = join(base, 'extract')
  await mkdir(extractParent)
})
afterEach(async () => {
  await cleanup(base)
})

async function writeZip(name: string, zip: Buffer): Promise<string> {
  const path = join(base, name)
  await writeFile(path, zip)
  return path
}

/** Extraction must fail with UnsafeBundleError and leave nothing behind anywhere. */
async function expectRefused(zipPath: string, limits: Parameters<typeof extractBundle>[1] = {}): Promise<UnsafeBundleError> {
  const before = await listTree(base)
  const error = await extractBundle(zipPath, { tmpDir: extractParent, ...limits }).then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(UnsafeBundleError)
  expect(await readdir(extractParent)).toEqual([])
  expect(await listTree(base)).toEqual(before)
  return error as UnsafeBundleError
}

describe('extractBundle: safe bundles', () => {
  it('extracts files and finds the manifest at the top', async () => {
    const zip = await writeZip('env.zip', await makeZip([
      { name: 'environment.yaml', data: 'schemaVersion: 1\n' },
      { name: 'data/', directory: true },
      { name: 'data/test.jsonl', data: '{"a":1}\n' }
    ]))
    const { dir, root } = await extractBundle(zip, { tmpDir: extractParent })
    expect(root).toBe(dir)
    expect(dir.startsWith(extractParent)).toBe(true)
    expect(await listTree(dir)).toEqual(['data', 'data/test.jsonl', 'environment.yaml'])
    expect(await readFile(join(dir, 'data/test.jsonl'), 'utf8')).toBe('{"a":1}\n')
  })

  it('uses a single top-level folder as the root (ignoring __MACOSX)', async () => {
    const zip = await writeZip('env.zip', await makeZip([
      { name: 'gsm8k-1.0.0/environment.yaml', data: 'x: 1\n' },
      { name: '__MACOSX/gsm8k-1.0.0/._environment.yaml', data: 'junk' }
    ]))
    const { dir, root } = await extractBundle(zip, { tmpDir: extractParent })
    expect(root).toBe(join(dir, 'gsm8k-1.0.0'))
  })

  it('reports a file that is not a zip as a validation problem', async () => {
    const path = await writeZip('notzip.zip', Buffer.from('this is not a zip file at all, just text'))
    const error = await extractBundle(path, { tmpDir: extractParent }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ValidationError)
    expect(formatIssue((error as ValidationError).issues[0]!)).toMatch(/^notzip\.zip: is not a readable zip file/)
    expect(await readdir(extractParent)).toEqual([])
  })
})

describe('extractBundle: hostile bundles are refused before anything is written', () => {
  it('zip-slip: ../evil.txt', async () => {
    const zip = renameEntry(await makeZip([{ name: 'ok.txt', data: 'fine' }, { name: 'XX/evil.txt', data: 'pwned' }]), 'XX/evil.txt', '../evil.txt')
    const error = await expectRefused(await writeZip('slip.zip', zip))
    expect(error.issues.map(formatIssue)).toEqual(['slip.zip: field "../evil.txt" has a ".." segment that would escape the extraction folder'])
    expect(error.message).toContain('Refusing to extract slip.zip')
    expect(existsSync(join(base, 'evil.txt'))).toBe(false)
  })

  it('absolute path: /tmp/evil…', async () => {
    const name = `/tmp/evil-${process.pid}-${Date.now()}`
    const zip = renameEntry(await makeZip([{ name: `_${name.slice(1)}`, data: 'pwned' }]), `_${name.slice(1)}`, name)
    const error = await expectRefused(await writeZip('abs.zip', zip))
    expect(error.issues[0]).toMatchObject({ file: 'abs.zip', field: name, message: 'is an absolute path' })
    expect(existsSync(name)).toBe(false)
  })

  it('drive letters and backslashes', async () => {
    const zip = renameEntry(renameEntry(await makeZip([{ name: 'Cx/win.txt', data: 'a' }, { name: 'dir_evil.txt', data: 'b' }]), 'Cx/win.txt', 'C:/win.txt'), 'dir_evil.txt', 'dir\\evil.txt')
    const error = await expectRefused(await writeZip('win.zip', zip))
    expect(error.issues.map((i) => [i.field, i.message.split(' (')[0]])).toEqual([
      ['C:/win.txt', 'starts with a drive letter'],
      ['dir\\evil.txt', 'has a backslash in its name']
    ])
  })

  it('symbolic links', async () => {
    const zip = await makeZip([
      { name: 'environment.yaml', data: 'x: 1\n' },
      { name: 'data/link', data: '/etc/passwd', mode: 0o120777 }
    ])
    const error = await expectRefused(await writeZip('link.zip', zip))
    expect(error.issues.map(formatIssue)).toEqual(['link.zip: field "data/link" is a symbolic link; bundles may only hold regular files and folders'])
  })

  it('a zip bomb, by its declared size', async () => {
    const zip = await makeZip([{ name: 'zeros.bin', data: Buffer.alloc(50 * 1024 * 1024) }])
    expect(zip.length).toBeLessThan(1024 * 1024)
    const error = await expectRefused(await writeZip('bomb.zip', zip), { maxTotalBytes: 10 * 1024 * 1024 })
    expect(error.issues.map((i) => i.message)).toEqual([`declares ${50 * 1024 * 1024} bytes in all, over the limit of ${10 * 1024 * 1024}`])
  })

  it('a single file over the per-file cap', async () => {
    const zip = await makeZip([{ name: 'big.bin', data: Buffer.alloc(2048) }])
    const error = await expectRefused(await writeZip('big.zip', zip), { maxFileBytes: 1024 })
    expect(formatIssue(error.issues[0]!)).toBe('big.zip: field "big.bin" declares 2048 bytes, over the per-file limit of 1024')
  })

  it('a zip bomb that lies about its sizes is stopped while streaming, and cleaned up', async () => {
    const zip = lieAboutSizes(await makeZip([{ name: 'zeros.bin', data: Buffer.alloc(50 * 1024 * 1024) }]), 1000)
    const error = await expectRefused(await writeZip('liar.zip', zip))
    expect(formatIssue(error.issues[0]!)).toBe('liar.zip: field "zeros.bin" holds more than the 1000 bytes it declares')
  })

  it('too many entries', async () => {
    const zip = await makeZip(Array.from({ length: 6 }, (_, i) => ({ name: `f${i}.txt`, data: 'x' })))
    const error = await expectRefused(await writeZip('many.zip', zip), { maxEntries: 5 })
    expect(formatIssue(error.issues[0]!)).toBe('many.zip: holds 6 entries, over the limit of 5')
  })

  it('names that collide ignoring case', async () => {
    const zip = await makeZip([{ name: 'Data.txt', data: 'a' }, { name: 'data.txt', data: 'b' }])
    const error = await expectRefused(await writeZip('dup.zip', zip))
    expect(error.issues[0]).toMatchObject({ field: 'data.txt', message: 'appears twice in the bundle (names compared ignoring case)' })
  })
})

describe('checkEntryPath', () => {
  it.each([
    ['data/test.jsonl', undefined],
    ['./a/b.txt', undefined],
    ['a/../../b', 'has a ".." segment that would escape the extraction folder'],
    ['/etc/passwd', 'is an absolute path'],
    ['c:evil', 'starts with a drive letter'],
    ['a\u0000b', 'has control characters in its name'],
    ['', 'has an empty name']
  ])('%j → %s', (name, problem) => {
    expect(checkEntryPath(name)).toBe(problem)
  })
})
