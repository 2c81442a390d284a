/**
 * The built-in hub: every environment validates, the generated ones are reproducible, and GSM8K
 * (whose data is referenced by URL + sha256) loads from a cache seeded with the official files
 * from ../shared and is scored with lm-eval's strict-match and flexible-extract rules.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, readFile, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadEnvironment } from '../../src/environment/load.js'
import { buildScorers } from '../../src/scoring/registry.js'
import { scoreCase } from '../../src/scoring/combine.js'
import { repoRoot } from '../helpers/cli-process.js'

const shared = fileURLToPath(new URL('../../../shared/datasets/gsm8k/', import.meta.url))
const hasShared = existsSync(join(shared, 'test.jsonl'))

async function emptyCache(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'benchgen-cache-'))
}

describe('built-in environments', () => {
  it('every environment without downloads validates', async () => {
    const names = (await readdir(join(repoRoot, 'environments'), { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name)
    expect(names).toEqual(expect.arrayContaining(['arithmetic', 'gsm8k', 'instruction-following']))
    for (const name of ['arithmetic', 'instruction-following']) {
      const env = await loadEnvironment(`hub:${name}`, { cacheDir: await emptyCache() })
      expect(env.manifest.name).toBe(name)
      expect(env.phases[env.defaultPhase]!.length).toBeGreaterThan(0)
    }
  })

  it('the generated datasets are reproduced byte for byte by their scripts', async () => {
    const before = await Promise.all(['arithmetic/data/test.jsonl', 'arithmetic/data/dev.jsonl', 'instruction-following/data/test.jsonl'].map((f) => readFile(join(repoRoot, 'environments', f))))
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/generate-arithmetic.ts'], { cwd: repoRoot })
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/generate-instruction-following.ts'], { cwd: repoRoot })
    const after = await Promise.all(['arithmetic/data/test.jsonl', 'arithmetic/data/dev.jsonl', 'instruction-following/data/test.jsonl'].map((f) => readFile(join(repoRoot, 'environments', f))))
    after.forEach((bytes, i) => expect(bytes.equals(before[i]!)).toBe(true))
  })

  describe.skipIf(!hasShared)('gsm8k (needs ../shared/datasets/gsm8k; skipped when absent)', () => {
    async function seededCache(): Promise<string> {
      // The download cache is content-addressed: a file stored under its sha256 is a verified hit.
      const cache = await emptyCache()
      await mkdir(join(cache, 'sha256'), { recursive: true })
      await copyFile(join(shared, 'test.jsonl'), join(cache, 'sha256', '3730d312f6e3440559ace48831e51066acaca737f6eabec99bccb9e4b3c39d14'))
      await copyFile(join(shared, 'train.jsonl'), join(cache, 'sha256', '17f347dc51477c50d4efb83959dbb7c56297aba886e5544ee2aaed3024813465'))
      return cache
    }

    it('loads the official test set from the cache, without network', async () => {
      const env = await loadEnvironment('hub:gsm8k', { cacheDir: await seededCache() })
      expect(env.phases.test).toHaveLength(1319)
      expect(env.fewshotPool?.length).toBe(7473)
      expect(env.phases.test![0]!.target).toBe('18')
      expect(env.phases.test![0]!.input).toMatch(/^Janet’s ducks/)
    })

    it('scores responses with strict-match and flexible-extract as lm-eval does', async () => {
      const env = await loadEnvironment('hub:gsm8k', { cacheDir: await seededCache() })
      const scorers = await buildScorers(env.manifest.scoring, { root: env.root })
      const janet = env.phases.test![0]!
      const score = (response: string) => scoreCase(scorers, env.manifest.scoring, { response, target: janet.target, case: janet })
      const worked = await score('She sells 16 - 3 - 4 = 9 eggs.\nShe makes 9 * 2 = $18.\n#### 18')
      expect(worked.scores['strict-match']!.passed).toBe(true)
      expect(worked.scores['flexible-extract']!.passed).toBe(true)
      const loose = await score('She makes $18 every day.')
      expect(loose.scores['strict-match']!.passed).toBe(false)
      expect(loose.scores['flexible-extract']!.passed).toBe(true)
      expect(loose.passed).toBe(true)
      const wrong = await score('#### 18\nWait, actually it is 20.')
      expect(wrong.scores['strict-match']!.passed).toBe(true)
      expect(wrong.scores['flexible-extract']!.passed).toBe(false)
    })
  })
})
