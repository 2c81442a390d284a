import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { environmentSchemaText, schemaFiles } from '../../scripts/gen-schema.js'

describe('schema/environment.schema.json', () => {
  it('is what the zod Manifest generates (run `npm run schema` after changing manifest.ts)', async () => {
    const committed = await readFile(new URL('../../schema/environment.schema.json', import.meta.url), 'utf8')
    expect(committed).toBe(environmentSchemaText())
  })

  it('every committed schema under schema/ is what its zod schema generates', async () => {
    for (const [name, text] of Object.entries(schemaFiles())) {
      expect(await readFile(new URL(`../../schema/${name}`, import.meta.url), 'utf8'), name).toBe(text)
    }
  })

  it('describes the input side: defaults are optional, unknown keys are refused', () => {
    const schema = JSON.parse(environmentSchemaText()) as { required: string[]; additionalProperties: boolean }
    expect(schema.required).toEqual(['schemaVersion', 'name', 'version', 'dataset', 'scoring'])
    expect(schema.additionalProperties).toBe(false)
  })
})
