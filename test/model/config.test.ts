import type { AddressInfo } from 'node:net'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ValidationError } from '../../src/errors.js'
import { ModelConfig, modelKey, parseModelSpec, publicModelInfo, resolveApiKey, type ModelConfigInput } from '../../src/model/config.js'
import { PRESETS } from '../../src/model/presets.js'

/** An in-memory file system for model files. */
function files(entries: Record<string, string>) {
  return async (path: string): Promise<string> => {
    const text = entries[path]
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' })
    return text
  }
}

const modelFiles = files({
  'models/qwen.yaml': [
    '$schema: ../schema/model.schema.json',
    'name: Qwen/Qwen2.5-7B-Instruct',
    'baseUrl: http://gpu-box:8000/v1/',
    'api: completions',
    'apiKeyEnv: MY_KEY',
    'headers:',
    '  HTTP-Referer: https://example.com',
    'pricing: { inputPerMTok: 0.1, outputPerMTok: 0.4 }',
    'timeoutMs: 1000',
    'extraBody:',
    '  top_k: 20',
    '  chat_template_kwargs: { enable_thinking: false }'
  ].join('\n'),
  'min.yml': 'name: m\nbaseUrl: https://api.example.com/v1\n',
  'm.json': JSON.stringify({ name: 'gpt-x', baseUrl: 'https://api.example.com/openai/v1', maxRetries: 0 }),
  'typo.yaml': 'name: m\nbaseUrl: http://127.0.0.1:8000/v1\nconcurency: 4\n',
  'bad-types.yaml': 'name: m\nbaseUrl: ftp://host/v1\ntimeoutMs: -5\n',
  'secret-header.yaml': 'name: m\nbaseUrl: http://127.0.0.1:8000/v1\nheaders:\n  Authorization: Bearer sk-live-abc\n',
  'key-in-env.yaml': 'name: m\nbaseUrl: http://127.0.0.1:8000/v1\napiKeyEnv: sk-live-abc123\n',
  'broken.yaml': 'name: [unclosed\n',
  'broken.json': '{"name": ',
  'list.yaml': '- name: m\n',
  'endpoint.yaml': 'name: m\nbaseUrl: http://127.0.0.1:8000/v1/chat/completions\n'
})

describe('parseModelSpec: accepted forms', () => {
  const cases: { spec: string; overrides?: Partial<ModelConfig>; expected: Partial<ModelConfig> }[] = [
    { spec: 'openai:gpt-4o-mini', expected: { name: 'gpt-4o-mini', baseUrl: 'https://api.openai.com/v1', apiKeyEnv: 'OPENAI_API_KEY' } },
    // Ollama tags contain colons: only the first one separates the preset.
    { spec: 'ollama:llama3.2:3b', expected: { name: 'llama3.2:3b', baseUrl: 'http://127.0.0.1:11434/v1', apiKeyEnv: 'BENCHGEN_API_KEY' } },
    { spec: 'vllm:Qwen/Qwen2.5-7B', expected: { name: 'Qwen/Qwen2.5-7B', baseUrl: 'http://127.0.0.1:8000/v1' } },
    { spec: 'sglang:m', expected: { baseUrl: 'http://127.0.0.1:30000/v1' } },
    { spec: 'tgi:m', expected: { baseUrl: 'http://127.0.0.1:8080/v1' } },
    { spec: 'llamacpp:m', expected: { baseUrl: 'http://127.0.0.1:8080/v1' } },
    { spec: 'openrouter:meta-llama/llama-3.1-8b-instruct', expected: { baseUrl: 'https://openrouter.ai/api/v1', apiKeyEnv: 'OPENROUTER_API_KEY' } },
    { spec: 'groq:llama-3.1-8b-instant', expected: { baseUrl: 'https://api.groq.com/openai/v1', apiKeyEnv: 'GROQ_API_KEY' } },
    { spec: 'together:m', expected: { baseUrl: 'https://api.together.xyz/v1', apiKeyEnv: 'TOGETHER_API_KEY' } },
    { spec: 'OpenAI:gpt-4o', expected: { name: 'gpt-4o', baseUrl: 'https://api.openai.com/v1' } },
    {
      spec: 'http://127.0.0.1:8000/v1#Qwen/Qwen2.5-7B',
      expected: { name: 'Qwen/Qwen2.5-7B', baseUrl: 'http://127.0.0.1:8000/v1', api: 'chat', apiKeyEnv: 'BENCHGEN_API_KEY', timeoutMs: 60_000, maxRetries: 4, concurrency: 8 }
    },
    { spec: 'http://127.0.0.1:8000/v1/', overrides: { name: 'm' }, expected: { name: 'm', baseUrl: 'http://127.0.0.1:8000/v1' } },
    { spec: 'https://api.example.com/v1#a', overrides: { name: 'b', concurrency: 2, apiKeyEnv: 'X_KEY' }, expected: { name: 'b', concurrency: 2, apiKeyEnv: 'X_KEY' } },
    { spec: 'openai:gpt-4o', overrides: { name: undefined, timeoutMs: 5 }, expected: { name: 'gpt-4o', timeoutMs: 5 } },
    {
      spec: 'models/qwen.yaml',
      expected: {
        name: 'Qwen/Qwen2.5-7B-Instruct',
        baseUrl: 'http://gpu-box:8000/v1',
        api: 'completions',
        apiKeyEnv: 'MY_KEY',
        headers: { 'HTTP-Referer': 'https://example.com' },
        pricing: { inputPerMTok: 0.1, outputPerMTok: 0.4 },
        timeoutMs: 1000,
        extraBody: { top_k: 20, chat_template_kwargs: { enable_thinking: false } }
      }
    },
    { spec: 'min.yml', expected: { name: 'm', apiKeyEnv: 'BENCHGEN_API_KEY', api: 'chat', concurrency: 8 } },
    { spec: 'm.json', overrides: { concurrency: 3 }, expected: { name: 'gpt-x', maxRetries: 0, concurrency: 3 } }
  ]

  it.each(cases)('$spec', async ({ spec, overrides, expected }) => {
    const config = await parseModelSpec(spec, overrides, modelFiles)
    expect(config).toMatchObject(expected)
    expect(ModelConfig.parse(config)).toEqual(config)
  })

  it('reads a real file, relative to cwd when given', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'benchgen-model-'))
    await writeFile(join(dir, 'model.yaml'), 'name: m\nbaseUrl: http://127.0.0.1:9000/v1\n')
    await expect(parseModelSpec(join(dir, 'model.yaml'))).resolves.toMatchObject({ name: 'm' })
    await expect(parseModelSpec('model.yaml', {}, { cwd: dir })).resolves.toMatchObject({ baseUrl: 'http://127.0.0.1:9000/v1' })
  })

  it('knows every preset', () => {
    expect(Object.keys(PRESETS).sort()).toEqual(['groq', 'llamacpp', 'ollama', 'openai', 'openrouter', 'sglang', 'tgi', 'together', 'vllm'])
  })
})

describe('parseModelSpec: rejected specs', () => {
  const cases: { spec: string; overrides?: Partial<ModelConfig>; message: RegExp; issue?: { file?: string; line?: number; field?: string } }[] = [
    { spec: '', message: /it is empty.*Accepted model specs:.*PRESET:MODEL.*URL#MODEL.*\.yaml/s },
    { spec: 'gpt-4o', message: /^Cannot use model spec "gpt-4o": it is not a preset, a URL or a model file\.\n.*Accepted model specs/ },
    { spec: 'opneai:gpt-4o', message: /"opneai" is not a known preset/ },
    { spec: 'openai:', message: /needs a model after the colon/ },
    { spec: 'http://127.0.0.1:8000/v1', message: /names no model.*#MODEL/s, issue: { field: 'name' } },
    { spec: 'http://127.0.0.1:8000/v1#', message: /names no model/ },
    { spec: 'https://user:pw@api.example.com/v1#m', message: /must not contain credentials/, issue: { field: 'baseUrl' } },
    { spec: 'https://user:pw@api.example.com/v1?key=k', message: /^Cannot use model spec "https:\/\/api.example.com\/v1": the URL names no model/ },
    { spec: 'http://127.0.0.1:8000/v1/chat/completions#m', message: /not an endpoint/ },
    { spec: 'openai:gpt-4o', overrides: { concurrency: 0 }, message: /concurrency/, issue: { field: 'concurrency' } },
    { spec: 'missing.yaml', message: /model file not found/, issue: { file: 'missing.yaml' } },
    { spec: 'typo.yaml', message: /concurency.*not a known field.*known fields: name, baseUrl/s, issue: { file: 'typo.yaml', line: 3, field: 'concurency' } },
    { spec: 'bad-types.yaml', message: /baseUrl.*http:\/\/ or https:\/\//s, issue: { file: 'bad-types.yaml', line: 2, field: 'baseUrl' } },
    { spec: 'bad-types.yaml', message: /timeoutMs/, issue: { file: 'bad-types.yaml', line: 3, field: 'timeoutMs' } },
    { spec: 'secret-header.yaml', message: /looks like a credential/, issue: { file: 'secret-header.yaml', field: 'headers.Authorization' } },
    { spec: 'key-in-env.yaml', message: /NAME of an environment variable/, issue: { file: 'key-in-env.yaml', field: 'apiKeyEnv' } },
    { spec: 'broken.yaml', message: /invalid YAML/, issue: { file: 'broken.yaml' } },
    { spec: 'broken.json', message: /invalid JSON/, issue: { file: 'broken.json' } },
    { spec: 'list.yaml', message: /must be a mapping/ },
    { spec: 'endpoint.yaml', message: /not an endpoint/, issue: { field: 'baseUrl', line: 2 } }
  ]

  it.each(cases)('$spec $overrides', async ({ spec, overrides, message, issue }) => {
    const error = await parseModelSpec(spec, overrides, modelFiles).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).message).toMatch(message)
    if (issue) expect((error as ValidationError).issues).toContainEqual(expect.objectContaining(issue))
  })

  it('never echoes a secret found in a header or apiKeyEnv', async () => {
    for (const spec of ['secret-header.yaml', 'key-in-env.yaml']) {
      const error = (await parseModelSpec(spec, {}, modelFiles).catch((e: unknown) => e)) as ValidationError
      expect(error.message).not.toContain('sk-live-abc')
      expect(JSON.stringify(error.issues)).not.toContain('sk-live-abc')
    }
  })

  it('does not blame the file for a bad override', async () => {
    const error = (await parseModelSpec('min.yml', { maxRetries: -1 }, modelFiles).catch((e: unknown) => e)) as ValidationError
    expect(error.issues).toEqual([expect.objectContaining({ field: 'maxRetries' })])
    expect(error.issues[0]?.file).toBeUndefined()
  })
})

describe('modelKey', () => {
  const config = (name: string, baseUrl: string) => ModelConfig.parse({ name, baseUrl } satisfies ModelConfigInput)

  it.each([
    ['qwen2.5-7b', 'http://127.0.0.1:8000/v1', 'qwen2.5-7b@127.0.0.1-8000'],
    ['Qwen/Qwen2.5-7B', 'http://127.0.0.1:8000/v1', 'qwen-qwen2.5-7b@127.0.0.1-8000'],
    ['gpt-4o-mini', 'https://api.openai.com/v1', 'gpt-4o-mini@api.openai.com'],
    ['llama-3.1-8b-instant', 'https://api.groq.com/openai/v1', 'llama-3.1-8b-instant@api.groq.com-openai'],
    ['llama3.2:3b', 'http://127.0.0.1:11434/v1', 'llama3.2-3b@127.0.0.1-11434'],
    ['m', 'http://[::1]:8000/v1', 'm@__1-8000'],
    ['a -- b <!-- x -->', 'https://h.example/v1', 'a-b-x@h.example']
  ])('%s at %s → %s', (name, baseUrl, key) => {
    expect(modelKey(config(name, baseUrl))).toBe(key)
  })

  it('is the same for every spec naming the same model and server', async () => {
    const keys = await Promise.all(
      ['vllm:Qwen/Qwen2.5-7B', 'http://127.0.0.1:8000/v1#Qwen/Qwen2.5-7B', 'http://127.0.0.1:8000/v1/#Qwen/Qwen2.5-7B'].map(async (spec) => modelKey(await parseModelSpec(spec)))
    )
    expect(new Set(keys).size).toBe(1)
  })

  it('is filesystem- and marker-safe, never holds a secret, and stays short', async () => {
    const long = await parseModelSpec('https://h.example/v1?api-key=SECRET123#' + 'x/'.repeat(200), { headers: { 'X-Title': 'SECRET456' } })
    for (const key of [modelKey(long), modelKey(config('../../etc/passwd', 'http://127.0.0.1:8000/v1')), modelKey(config('////', 'http://h/v1'))]) {
      expect(key).toMatch(/^[a-z0-9._@-]+$/)
      expect(key).not.toContain('--')
      expect(key).not.toContain('..')
      expect(key.length).toBeLessThanOrEqual(120)
      expect(key).not.toMatch(/SECRET/i)
    }
    expect(modelKey(long)).toBe(modelKey(long))
  })
})

describe('publicModelInfo', () => {
  it('keeps what identifies the model and drops secrets', async () => {
    const config = await parseModelSpec('https://api.example.com/v1?key=SECRET#m', {
      headers: { 'X-Title': 'HEADER-VALUE' },
      pricing: { inputPerMTok: 1, outputPerMTok: 2 },
      extraBody: { top_k: 5 }
    })
    const info = publicModelInfo(config)
    expect(info).toEqual({
      key: 'm@api.example.com',
      name: 'm',
      baseUrl: 'https://api.example.com/v1',
      api: 'chat',
      apiKeyEnv: 'BENCHGEN_API_KEY',
      headerNames: ['X-Title'],
      pricing: { inputPerMTok: 1, outputPerMTok: 2 },
      extraBody: { top_k: 5 }
    })
    expect(JSON.stringify(info)).not.toMatch(/SECRET|HEADER-VALUE/)
  })
})

describe('resolveApiKey', () => {
  it.each([
    [{ apiKeyEnv: 'K' }, { K: 'sk-1' }, 'sk-1'],
    [{ apiKeyEnv: 'K' }, { K: '  ' }, undefined],
    [{ apiKeyEnv: 'K' }, {}, undefined],
    [{}, { K: 'sk-1' }, undefined]
  ])('%j in %j → %s', (config, env, expected) => {
    expect(resolveApiKey(config, env)).toBe(expected)
  })
})

describe('apiKeyEnv that looks like a key', () => {
  const keys = [
    'gsk_abcdefghijklmnopqrstuvwxyz0123456789',
    'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789',
    'sk_live_abcdefghijklmnop1234',
    'hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567',
    'ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
    'github_pat_11ABCDEFG0123456789_abcdefghij',
    'AIzaSyA-bcdefghijklmnopqrstuvwxyz012345',
    'A'.repeat(65),
    'Xq7fLm2Pz9RtKw4VbN8sHj3Yc6Ud'
  ]

  it.each(keys)('rejects %s without echoing it', async (value) => {
    const error = (await parseModelSpec('http://127.0.0.1:8000/v1#m', { apiKeyEnv: value }).catch((e: unknown) => e)) as ValidationError
    expect(error).toBeInstanceOf(ValidationError)
    expect(error.issues).toEqual([expect.objectContaining({ field: 'apiKeyEnv' })])
    expect(error.issues[0]?.message).toMatch(/NAME of an environment variable/)
    const shown = `${error.message}\n${JSON.stringify(error.issues)}`
    expect(shown).not.toContain(value.slice(0, 12))
  })

  it('names the key in the message when it matches a known prefix or is too long', async () => {
    const error = (await parseModelSpec('min.yml', { apiKeyEnv: keys[0] }, modelFiles).catch((e: unknown) => e)) as ValidationError
    expect(error.issues[0]?.message).toMatch(/^looks like an API key/)
  })

  it.each(['OPENAI_API_KEY', 'HF_TOKEN', 'hf_token', 'GITHUB_TOKEN', 'MY_VERY_LONG_PROVIDER_API_KEY_FOR_STAGING_2024', 'groq_api_key', 'SK_KEY'])('accepts the name %s', async (name) => {
    await expect(parseModelSpec('http://127.0.0.1:8000/v1#m', { apiKeyEnv: name })).resolves.toMatchObject({ apiKeyEnv: name })
  })

  it('does not name an implausible variable in the 401 hint or in run.json', async () => {
    const { createOpenAIClient } = await import('../../src/model/openai.js')
    const { createServer } = await import('node:http')
    const server = createServer((req, res) => {
      req.resume()
      req.on('end', () => res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"message":"bad key"}}'))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      const pasted = 'gsk_abcdefghijklmnopqrstuvwxyz0123456789'
      // Built without validation, as a library caller could.
      const config = { ...ModelConfig.parse({ name: 'm', baseUrl: `http://127.0.0.1:${port}/v1` }), apiKeyEnv: pasted }
      const client = createOpenAIClient(config, { apiKey: 'sk-real-0123456789abcdef' })
      const error = (await client.complete({ messages: [{ role: 'user', content: 'x' }], params: {} }).catch((e: unknown) => e)) as Error
      await client.close?.()
      expect(error.message).toContain('check the key in the environment variable named by apiKeyEnv')
      expect(error.message).not.toContain('gsk_')
      expect(publicModelInfo(config).apiKeyEnv).toBeUndefined()
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })
})
