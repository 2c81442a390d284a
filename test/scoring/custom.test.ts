import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ValidationError } from '../../src/errors.js'
import { toScore } from '../../src/scoring/custom.js'
import { makeCase, scoreWith, scorerFrom } from './_fixtures.js'

let root: string
let outside: string

const MODULES: Record<string, string> = {
  // Named export returning a full result; echoes what it received so the test can check it.
  'scorers/full.mjs': `export function score({ response, target, case: c }) {
    const ok = response.trim().toLowerCase() === String(target).toLowerCase()
    return { value: ok ? 1 : 0.25, extracted: response.trim(), reason: 'saw ' + c.id + ' expecting ' + target }
  }`,
  'scorers/default.mjs': `export default async ({ response }) => response.length > 3`,
  'scorers/number.mjs': `export const score = ({ response }) => Number(response)`,
  'scorers/cjs-style.mjs': `export default { score: () => ({ value: true, passed: true }) }`,
  'scorers/throws.mjs': `export function score() { throw new Error('database offline') }`,
  'scorers/rejects.mjs': `export async function score() { throw 'plain string' }`,
  'scorers/bad-result.mjs': `export function score() { return { value: 2 } }`,
  'scorers/undefined.mjs': `export function score() {}`,
  'scorers/mutates.mjs': `export function score({ case: c }) { c.row.secret = 'changed'; c.tags.push('x'); return 1 }`,
  'scorers/no-export.mjs': `export const nothing = 1`,
  'scorers/syntax-error.mjs': `export function score( {`
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'benchgen-custom-'))
  outside = await mkdtemp(path.join(tmpdir(), 'benchgen-outside-'))
  await mkdir(path.join(root, 'scorers'))
  for (const [file, source] of Object.entries(MODULES)) await writeFile(path.join(root, file), source)
  await writeFile(path.join(outside, 'evil.mjs'), 'export const score = () => 1')
  await symlink(path.join(outside, 'evil.mjs'), path.join(root, 'scorers', 'link.mjs'))
})

afterAll(async () => {
  await rm(root, { recursive: true, force: true })
  await rm(outside, { recursive: true, force: true })
})

const custom = (file: string, extra: Record<string, unknown> = {}) => scorerFrom({ type: 'custom', path: file, ...extra }, root)

describe('custom scorer', () => {
  it('passes response, target and case; takes value, extracted and reason from the result', async () => {
    const scorer = await custom('scorers/full.mjs')
    expect(await scoreWith(scorer, ' Paris ', 'paris', { id: 'q7' })).toEqual({ value: 1, passed: true, extracted: 'Paris', reason: 'saw q7 expecting paris' })
    // passed defaults to value === 1.
    expect(await scoreWith(scorer, 'Lyon', 'paris')).toMatchObject({ value: 0.25, passed: false })
  })

  const shapes: [string, string, string, string | null][] = [
    ['default export, async, returning a boolean', 'scorers/default.mjs', 'long enough', 'no'],
    ['a number', 'scorers/number.mjs', '1', '0'],
    ['CommonJS-style default object with score', 'scorers/cjs-style.mjs', 'anything', null]
  ]
  it.each(shapes)('%s', async (_label, file, passing, failing) => {
    const scorer = await custom(file)
    expect(await scoreWith(scorer, passing, '')).toMatchObject({ value: 1, passed: true })
    if (failing !== null) expect(await scoreWith(scorer, failing, '')).toMatchObject({ value: 0, passed: false })
  })

  it('a fractional number is the value and does not pass', async () => {
    expect(await scoreWith(await custom('scorers/number.mjs'), '0.5', '')).toMatchObject({ value: 0.5, passed: false, reason: 'custom scorer: 0.5' })
  })

  const failures: [string, string, RegExp][] = [
    ['a thrown Error', 'scorers/throws.mjs', /^custom scorer scorers\/throws\.mjs threw: database offline$/],
    ['a rejected non-Error', 'scorers/rejects.mjs', /threw: plain string$/],
    ['a value out of range', 'scorers/bad-result.mjs', /returned \{"value":2\}: expected a number in \[0, 1\]/],
    ['nothing returned', 'scorers/undefined.mjs', /returned undefined: expected/]
  ]
  it.each(failures)('%s becomes a failed score, not a crash', async (_label, file, reason) => {
    const score = await scoreWith(await custom(file), 'answer', 'x')
    expect(score.value).toBe(0)
    expect(score.passed).toBe(false)
    expect(score.reason).toMatch(reason)
  })

  it('a number out of range is a failed score', async () => {
    expect((await scoreWith(await custom('scorers/number.mjs'), '7', '')).reason).toMatch(/returned 7: expected a number in \[0, 1\]/)
  })

  it('cannot change the case other scorers see', async () => {
    const c = makeCase({ row: { secret: 'kept' }, tags: [] })
    await (await custom('scorers/mutates.mjs')).score({ response: 'x', target: '', case: c })
    expect(c.row.secret).toBe('kept')
    expect(c.tags).toEqual([])
  })

  it('receives the extracted answer when extract is set', async () => {
    const scorer = await custom('scorers/full.mjs', { extract: { pattern: 'FINAL: (\\w+)' } })
    expect(await scoreWith(scorer, 'thinking… FINAL: Paris', 'paris')).toMatchObject({ passed: true, extracted: 'Paris' })
    expect(await scoreWith(scorer, 'no final line', 'paris')).toMatchObject({ passed: false, extracted: null, reason: 'no answer found matching /FINAL: (\\w+)/' })
  })

  const buildErrors: [string, string, RegExp][] = [
    ['a missing file', 'scorers/missing.mjs', /scoring\.scorers\[0\]\.path.*custom scorer scorers\/missing\.mjs not found/],
    ['a module without a score function', 'scorers/no-export.mjs', /exports no score function/],
    ['a module that does not load', 'scorers/syntax-error.mjs', /failed to load/],
    ['a symlink leading outside the environment', 'scorers/link.mjs', /resolves outside the environment/]
  ]
  it.each(buildErrors)('%s is a ValidationError when the scorer is built', async (_label, file, message) => {
    const built = custom(file)
    await expect(built).rejects.toBeInstanceOf(ValidationError)
    await expect(built).rejects.toThrow(message)
  })
})

describe('toScore', () => {
  const table: [unknown, { value: number; passed: boolean; extracted: string | null }][] = [
    [true, { value: 1, passed: true, extracted: 'ans' }],
    [false, { value: 0, passed: false, extracted: 'ans' }],
    [0, { value: 0, passed: false, extracted: 'ans' }],
    [{ value: 0.6, passed: true }, { value: 0.6, passed: true, extracted: 'ans' }],
    [{ value: false, extracted: null }, { value: 0, passed: false, extracted: null }],
    [Number.NaN, { value: 0, passed: false, extracted: 'ans' }],
    ['1', { value: 0, passed: false, extracted: 'ans' }],
    [{ value: 1, unknown: 2 }, { value: 0, passed: false, extracted: 'ans' }]
  ]
  it.each(table)('%j', (result, expected) => {
    expect(toScore(result, 'ans', 'x.mjs')).toMatchObject(expected)
  })
})
