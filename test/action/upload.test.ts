import { mkdtemp, mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { artifactName, filesUnder } from '../../src/action/upload.js'

describe('artifact upload helpers', () => {
  it('lists files in sub-folders too (the fork comment data keeps its baseline/ folder)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'benchgen-upload-'))
    await mkdir(join(dir, 'baseline'))
    for (const file of ['pr.json', 'run.json', 'baseline/run.json', 'baseline/results.jsonl']) await writeFile(join(dir, file), '{}')
    const files = (await filesUnder(dir)).map((file) => relative(dir, file))
    expect(files).toEqual(['baseline/results.jsonl', 'baseline/run.json', 'pr.json', 'run.json'])
  })

  it('makes artifact names the service accepts', () => {
    expect(artifactName('benchgen-gsm8k-org/model:7b@host|x')).toBe('benchgen-gsm8k-org-model-7b@host-x')
  })
})
