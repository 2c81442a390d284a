import { describe, expect, it } from 'vitest'
import { Scoring } from '../../src/environment/manifest.js'
import { ValidationError } from '../../src/errors.js'
import { SCORER_TYPES, buildScorers, scorerNames } from '../../src/scoring/registry.js'
import { makeCase } from './_fixtures.js'

const scoring = (scorers: Record<string, unknown>[], extra: Record<string, unknown> = {}) => Scoring.parse({ scorers, ...extra })

describe('scorerNames', () => {
  const table: [string, Record<string, unknown>[], string[]][] = [
    ['type when unnamed', [{ type: 'exact' }], ['exact']],
    ['name when given', [{ type: 'exact', name: 'em' }], ['em']],
    ['repeats numbered', [{ type: 'exact' }, { type: 'exact' }, { type: 'exact' }], ['exact', 'exact-2', 'exact-3']],
    ['explicit names reserved first', [{ type: 'exact' }, { type: 'f1', name: 'exact' }], ['exact-2', 'exact']],
    ['mixed', [{ type: 'numeric' }, { type: 'exact', name: 'strict' }, { type: 'numeric' }], ['numeric', 'strict', 'numeric-2']]
  ]
  it.each(table)('%s', (_label, scorers, names) => {
    expect(scorerNames(scoring(scorers).scorers)).toEqual(names)
  })

  it('rejects duplicate and reserved names', () => {
    expect(() => scorerNames(scoring([{ type: 'exact', name: 'a' }, { type: 'f1', name: 'a' }]).scorers)).toThrow(/scorers\[1\]\.name.*duplicate scorer name "a"/)
    expect(() => scorerNames(scoring([{ type: 'exact', name: 'weighted' }]).scorers)).toThrow(ValidationError)
  })
})

describe('buildScorers', () => {
  it('has a factory for every manifest type', () => {
    expect(SCORER_TYPES.sort()).toEqual(['choice', 'constraints', 'custom', 'exact', 'f1', 'includes', 'numeric', 'regex'])
  })

  it('builds named scorers with their type and weight', async () => {
    const built = await buildScorers(scoring([{ type: 'exact' }, { type: 'includes', weight: 2 }, { type: 'exact', name: 'strict', normalize: { case: false } }]), { root: '.' })
    expect(built.map(({ name, type, weight }) => ({ name, type, weight }))).toEqual([
      { name: 'exact', type: 'exact', weight: 1 },
      { name: 'includes', type: 'includes', weight: 2 },
      { name: 'strict', type: 'exact', weight: 1 }
    ])
    const input = { response: 'paris', target: 'Paris', case: makeCase({ target: 'Paris' }) }
    expect(await Promise.all(built.map((s) => s.score(input)))).toMatchObject([{ passed: true }, { passed: true }, { passed: false }])
  })

  it('collects every configuration problem, located in the manifest', async () => {
    const bad = scoring(
      [{ type: 'regex', pattern: '(' }, { type: 'exact' }, { type: 'exact', extract: { pattern: '(\\d)', group: 3 } }, { type: 'custom', path: 'nope.mjs' }],
      { primary: 'missing' }
    )
    const error = await buildScorers(bad, { root: '/nonexistent' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).issues.map((i) => i.field)).toEqual([
      'scoring.primary',
      'scoring.scorers[0].pattern',
      'scoring.scorers[2].extract.group',
      'scoring.scorers[3].path'
    ])
    expect((error as Error).message).toContain('use "weighted" or one of "regex", "exact", "exact-2", "custom"')
  })

  it('accepts primary weighted or a scorer name', async () => {
    await expect(buildScorers(scoring([{ type: 'exact' }], { primary: 'weighted' }), { root: '.' })).resolves.toHaveLength(1)
    await expect(buildScorers(scoring([{ type: 'exact' }, { type: 'f1' }], { primary: 'f1' }), { root: '.' })).resolves.toHaveLength(2)
  })
})
