import { describe, expect, it } from 'vitest'
import { ValidationError } from '../../src/errors.js'
import { addRun, applyRun, rank, runId } from '../../src/leaderboard/board.js'
import { emptyLeaderboard, leaderboardJsonSchema, parseLeaderboard, serializeLeaderboard, type Leaderboard, type LeaderboardPolicy } from '../../src/leaderboard/schema.js'
import { HASH_A, HASH_B, makeRun, type RunSpec } from './fixtures.js'

function boardOf(specs: RunSpec[], policy: LeaderboardPolicy = 'best', maxHistory?: number): Leaderboard {
  return specs.reduce((board, spec) => addRun(board, makeRun(spec), policy, maxHistory === undefined ? {} : { maxHistory }), emptyLeaderboard(policy))
}

const hourly = (i: number): string => new Date(Date.UTC(2025, 0, 1) + i * 3_600_000).toISOString()

describe('leaderboard file format', () => {
  it('round-trips through serialize and parse, byte for byte, whatever the insertion order', () => {
    const specs: RunSpec[] = [
      { model: 'zeta', score: 0.7, day: 3, runId: '991', runUrl: 'https://github.com/octo/demo/actions/runs/991' },
      { model: 'alpha', modelName: 'Alpha <b>"quoted"</b> | pipe', score: null, day: 2 },
      { env: 'arith', model: 'alpha', score: 0.25, day: 1, hash: HASH_B, version: '2.0.0' }
    ]
    const board = boardOf(specs)
    const text = serializeLeaderboard(board)
    const parsed = parseLeaderboard(text)
    expect(parsed).toEqual(board)
    expect(serializeLeaderboard(parsed)).toBe(text)
    expect(serializeLeaderboard(boardOf([...specs].reverse()))).toBe(text)
    expect(Object.keys(JSON.parse(text).environments)).toEqual(['arith', 'gsm8k'])
    expect(Object.keys(JSON.parse(text).environments.gsm8k.models)).toEqual(['alpha', 'zeta'])
    expect(parsed.environments.gsm8k!.models.zeta!.current).toMatchObject({ runId: '991', runUrl: 'https://github.com/octo/demo/actions/runs/991', score: 0.7, scoreCiLow: expect.closeTo(0.65, 10), cases: 200 })
    expect(parsed.environments.gsm8k!.models.alpha!.current).toMatchObject({ score: null, scoreCiLow: null, scoreCiHigh: null })
  })

  it.each([
    ['invalid JSON', '{"schemaVersion": 1,', /is not valid JSON/],
    ['a newer version', '{"schemaVersion": 2, "environments": {}}', /schemaVersion.*is 2; this benchgen reads version 1 \(upgrade benchgen-eval\)/],
    ['a wrong field', '{"schemaVersion": 1, "environments": {"x": {"hash": 1, "version": "1", "date": "d", "models": {}}}}', /field "environments\.x\.hash"/],
    ['not an object', '[]', /is not a leaderboard file/]
  ])('refuses %s with a message naming the file', (_name, text, message) => {
    let error: unknown
    try {
      parseLeaderboard(text, 'boards/lb.json')
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as Error).message).toContain('boards/lb.json')
    expect((error as Error).message).toMatch(message)
  })

  it('exports a JSON Schema that describes the file', () => {
    const schema = leaderboardJsonSchema() as { properties: Record<string, unknown>; required: string[] }
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['schemaVersion', 'policy', 'environments']))
  })
})

describe('addRun', () => {
  // Three runs of one model, oldest first: the middle one has the best score.
  const runs: RunSpec[] = [
    { day: 1, score: 0.6 },
    { day: 2, score: 0.8 },
    { day: 3, score: 0.7 }
  ]

  it.each([
    ['best', 0.8, ['added', 'replaced', 'kept']],
    ['latest', 0.7, ['added', 'replaced', 'replaced']]
  ] as const)('policy %s shows the run scoring %s', (policy, shown, statuses) => {
    let board = emptyLeaderboard()
    const seen: string[] = []
    for (const spec of runs) {
      const result = applyRun(board, makeRun(spec), { policy })
      board = result.board
      seen.push(result.status)
    }
    const model = board.environments.gsm8k!.models['model-a']!
    expect(model.current.score).toBe(shown)
    expect(model.history.map((e) => e.score)).toEqual([0.7, 0.8, 0.6])
    expect(seen).toEqual(statuses)
    expect(board.policy).toBe(policy)
  })

  it('latest goes by the run date, not by the order runs are added', () => {
    const board = boardOf([{ day: 5, score: 0.5 }, { day: 2, score: 0.9 }], 'latest')
    expect(board.environments.gsm8k!.models['model-a']!.current.score).toBe(0.5)
    expect(board.environments.gsm8k!.date).toBe('2025-03-05T12:00:00.000Z')
  })

  it('does not modify the board it is given', () => {
    const before = boardOf([{ day: 1 }])
    const copy = structuredClone(before)
    addRun(before, makeRun({ day: 2, model: 'model-b' }))
    expect(before).toEqual(copy)
  })

  it('adding the same run twice changes nothing', () => {
    const board = boardOf([{ day: 1 }, { day: 2, score: 0.9 }])
    const again = applyRun(board, makeRun({ day: 1 }))
    expect(again.status).toBe('duplicate')
    expect(again.board).toBe(board)
    expect(again.entry.id).toBe(runId(makeRun({ day: 1 }).info))
  })

  it('caps each model\'s history, newest first, and keeps the best run even after it leaves the history', () => {
    const specs: RunSpec[] = Array.from({ length: 60 }, (_, i) => ({ day: hourly(i), score: i === 0 ? 0.99 : 0.5 + i / 1000 }))
    const board = boardOf(specs, 'best', 50)
    const model = board.environments.gsm8k!.models['model-a']!
    expect(model.history).toHaveLength(50)
    expect(model.history[0]!.date).toBe(hourly(59))
    expect(model.history.at(-1)!.date).toBe(hourly(10))
    expect(model.current.score).toBe(0.99)
    expect(model.current.date).toBe(hourly(0))
    // The default cap is 50 too, and the file stays bounded however many runs come.
    expect(boardOf(Array.from({ length: 80 }, (_, i) => ({ day: hourly(i) }))).environments.gsm8k!.models['model-a']!.history).toHaveLength(50)
  })

  it('a run older than the whole capped history still competes for best', () => {
    const specs: RunSpec[] = Array.from({ length: 3 }, (_, i) => ({ day: hourly(10 + i), score: 0.5 }))
    const board = boardOf([...specs, { day: hourly(1), score: 0.9 }], 'best', 3)
    const model = board.environments.gsm8k!.models['model-a']!
    expect(model.history.map((e) => e.date)).toEqual([hourly(12), hourly(11), hourly(10)])
    expect(model.current.score).toBe(0.9)
  })

  it('records each entry\'s hash and flags runs whose hash differs from the environment\'s newest', () => {
    let board = boardOf([
      { model: 'model-a', day: 1, score: 0.9, hash: HASH_A },
      { model: 'model-b', day: 2, score: 0.8, hash: HASH_A }
    ])
    expect(Object.values(board.environments.gsm8k!.models).map((m) => m.current.hashChanged)).toEqual([false, false])

    // The environment changed (new data): model-a runs on it and scores lower.
    const changed = applyRun(board, makeRun({ model: 'model-a', day: 3, score: 0.4, hash: HASH_B, version: '1.1.0' }))
    board = changed.board
    const env = board.environments.gsm8k!
    expect(env).toMatchObject({ hash: HASH_B, version: '1.1.0' })
    // best prefers runs on the newest hash: the old 0.9 is not comparable with the new data.
    expect(changed.status).toBe('replaced')
    expect(env.models['model-a']!.current).toMatchObject({ score: 0.4, envHash: HASH_B, hashChanged: false })
    expect(env.models['model-a']!.history.map((e) => [e.envHash, e.hashChanged])).toEqual([[HASH_B, false], [HASH_A, true]])
    expect(env.models['model-b']!.current).toMatchObject({ envHash: HASH_A, hashChanged: true })

    // An older run on the old hash added later does not move the environment's hash back.
    board = addRun(board, makeRun({ model: 'model-c', day: 1, score: 0.3, hash: HASH_A }))
    expect(board.environments.gsm8k!.hash).toBe(HASH_B)
    expect(board.environments.gsm8k!.models['model-c']!.current.hashChanged).toBe(true)

    // model-b catches up on the new hash: no longer flagged.
    board = addRun(board, makeRun({ model: 'model-b', day: 4, score: 0.75, hash: HASH_B }))
    expect(board.environments.gsm8k!.models['model-b']!.current).toMatchObject({ score: 0.75, hashChanged: false })
  })

  it('treats names that are also Object properties as plain names', () => {
    const board = boardOf([
      { env: 'constructor', model: 'toString', day: 1, score: 0.5 },
      { env: 'constructor', model: 'toString', day: 2, score: 0.6 },
      { env: 'hasOwnProperty', model: 'valueOf', day: 1 }
    ])
    const name: string = 'constructor'
    expect(board.environments[name]!.models['toString' as string]!.history).toHaveLength(2)
    expect(parseLeaderboard(serializeLeaderboard(board))).toEqual(board)
    expect(rank(board).map((env) => env.name)).toEqual(['constructor', 'hasOwnProperty'])
  })

  it('keeps environments apart', () => {
    const board = boardOf([{ env: 'gsm8k', day: 1 }, { env: 'arith', day: 2, hash: HASH_B }])
    expect(Object.keys(board.environments).sort()).toEqual(['arith', 'gsm8k'])
    expect(board.environments.gsm8k!.hash).toBe(HASH_A)
    expect(board.environments.arith!.hash).toBe(HASH_B)
  })
})

describe('rank', () => {
  it('orders by score (missing last), shares ranks on ties, and breaks ties by interval then date', () => {
    const board = boardOf([
      { model: 'low', score: 0.3, day: 1 },
      { model: 'none', score: null, day: 1 },
      { model: 'tie-old', score: 0.8, day: 1 },
      { model: 'tie-new', score: 0.8, day: 2 },
      { model: 'top', score: 0.9, day: 1 }
    ])
    const [env] = rank(board)
    expect(env!.rows.map((r) => [r.rank, r.modelKey])).toEqual([
      [1, 'top'],
      [2, 'tie-new'],
      [2, 'tie-old'],
      [4, 'low'],
      [5, 'none']
    ])
    expect(rank(board, { env: 'nope' })).toEqual([])
  })
})
