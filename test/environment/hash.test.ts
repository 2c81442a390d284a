import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { defaultCacheDir } from '../../src/environment/cache-dir.js'
import { canonicalJson } from '../../src/environment/canonical-json.js'
import { environmentHash, normaliseText } from '../../src/environment/hash.js'
import { Manifest } from '../../src/environment/manifest.js'

const base = {
  schemaVersion: 1,
  name: 'tiny',
  version: '1.0.0',
  dataset: { path: 'data/test.jsonl' },
  scoring: { scorers: [{ type: 'exact' }] }
}
const files = [
  { path: 'data/test.jsonl', bytes: Buffer.from('{"input":"a","target":"b"}\n') },
  { path: 'scorers/s.js', bytes: Buffer.from('export function score() {}\n') }
]
const hashOf = (manifest: unknown, list = files) => environmentHash({ manifest: Manifest.parse(manifest), files: list })

describe('environmentHash', () => {
  const reference = hashOf(base)

  it('is a sha256 hex digest', () => {
    expect(reference).toMatch(/^[0-9a-f]{64}$/)
  })

  it.each([
    ['key order', { scoring: base.scoring, dataset: base.dataset, version: '1.0.0', name: 'tiny', schemaVersion: 1 }],
    ['the name, version, description, license, tags and $schema', { ...base, name: 'renamed', version: '9.9.9', description: 'prose', license: 'MIT', tags: ['math'], $schema: './schema.json' }],
    ['defaults written out', { ...base, harness: { template: '{{input}}', api: 'chat' } }]
  ])('ignores %s', (_label, manifest) => {
    expect(hashOf(manifest)).toBe(reference)
  })

  it('ignores phase descriptions but not phase slices', () => {
    const plain = hashOf({ ...base, phases: { test: {} } })
    expect(hashOf({ ...base, phases: { test: { description: 'all rows' } } })).toBe(plain)
    expect(hashOf({ ...base, phases: { test: { slice: [0, 1] } } })).not.toBe(plain)
  })

  it.each([
    ['the template', { ...base, harness: { template: 'Q: {{input}}' } }],
    ['generation settings', { ...base, harness: { generation: { temperature: 0.2 } } }],
    ['a scorer', { ...base, scoring: { scorers: [{ type: 'includes' }] } }],
    ['the field mapping', { ...base, dataset: { ...base.dataset, fields: { input: 'question' } } }]
  ])('changes with %s', (_label, manifest) => {
    expect(hashOf(manifest)).not.toBe(reference)
  })

  it('changes with a data line or a scorer file, not with file order', () => {
    expect(hashOf(base, [...files].reverse())).toBe(reference)
    expect(hashOf(base, [{ path: 'data/test.jsonl', bytes: Buffer.from('{"input":"a","target":"c"}\n') }, files[1]!])).not.toBe(reference)
    expect(hashOf(base, [files[0]!, { path: 'scorers/s.js', bytes: Buffer.from('export function score() { return 1 }\n') }])).not.toBe(reference)
    expect(hashOf(base, [files[0]!])).not.toBe(reference)
  })

  it('normalises line endings and a BOM in text files, not in binary ones', () => {
    const crlf = [{ path: 'data/test.jsonl', bytes: Buffer.from('\uFEFF{"input":"a","target":"b"}\r\n') }, files[1]!]
    expect(hashOf(base, crlf)).toBe(reference)
    expect(normaliseText(Buffer.from('a\rb\r\nc'))).toEqual(Buffer.from('a\nb\nc'))
    const binary = Buffer.from([0, 13, 10, 255])
    expect(normaliseText(binary)).toBe(binary)
  })
})

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: [{ z: 1, a: undefined, y: 2 }], a: 'x' })).toBe('{"a":"x","b":[{"y":2,"z":1}]}')
  })
})

describe('defaultCacheDir', () => {
  it.each([
    [{ BENCHGEN_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x', HOME: '/h' }, '/c'],
    [{ XDG_CACHE_HOME: '/x', HOME: '/h' }, join('/x', 'benchgen')],
    [{ HOME: '/h' }, join('/h', '.cache', 'benchgen')]
  ])('%j → %s', (env, expected) => {
    expect(defaultCacheDir(env)).toBe(expected)
  })
})
