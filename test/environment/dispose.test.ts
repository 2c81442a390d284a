import { existsSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadEnvironment, validateEnvironment } from '../../src/environment/load.js'
import { packEnvironment } from '../../src/environment/pack.js'
import { writeFixtureEnvironment } from '../helpers/env-fixture.js'

describe('temporary folders of bundles', () => {
  it('a loaded bundle keeps its files until dispose(), and validation keeps none', async () => {
    const folder = await writeFixtureEnvironment(3)
    const zip = join(await mkdtemp(join(tmpdir(), 'benchgen-zip-')), 'env.zip')
    await packEnvironment(folder, zip)
    const cacheDir = await mkdtemp(join(tmpdir(), 'benchgen-cache-'))

    const env = await loadEnvironment(zip, { cacheDir })
    expect(existsSync(join(env.root, 'environment.yaml'))).toBe(true)
    await env.dispose?.()
    expect(existsSync(env.root)).toBe(false)

    const validated = await validateEnvironment(zip, { cacheDir })
    expect(validated.errors).toEqual([])
    expect(existsSync(validated.environment!.root)).toBe(false)
  })
})
