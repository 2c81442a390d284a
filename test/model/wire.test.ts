import { describe, expect, it } from 'vitest'
import { ModelError } from '../../src/errors.js'
import { costOf } from '../../src/model/cost.js'
import { buildRequestBody, parseResponseBody, serverErrorMessage } from '../../src/model/openai-wire.js'
import { parseRetryAfter } from '../../src/model/retry-after.js'

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z')
  it.each([
    [{ 'retry-after': '7' }, 7_000],
    [{ 'retry-after': '1.5' }, 1_500],
    [{ 'retry-after': '0' }, 0],
    [{ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }, 30_000],
    [{ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }, 0],
    [{ 'retry-after': ['3', '9'] }, 3_000],
    [{ 'retry-after': '7', 'retry-after-ms': '250' }, 250],
    [{ 'retry-after-ms': 'soon', 'retry-after': '2' }, 2_000],
    [{ 'retry-after': 'whenever' }, undefined],
    [{ 'retry-after': '-5' }, undefined],
    [{}, undefined]
  ])('%j → %s', (headers, expected) => {
    expect(parseRetryAfter(headers, now)).toBe(expected)
  })
})

describe('buildRequestBody', () => {
  it('lets the model, input and defined parameters win over extraBody', () => {
    expect(
      buildRequestBody('chat', 'm', { messages: [{ role: 'user', content: 'hi' }], params: { temperature: 0, seed: undefined } }, { model: 'x', temperature: 1, top_k: 5 })
    ).toEqual({ model: 'm', messages: [{ role: 'user', content: 'hi' }], temperature: 0, top_k: 5 })
    expect(buildRequestBody('completions', 'm', { prompt: 'p', params: { stop: ['\n'] } })).toEqual({ model: 'm', prompt: 'p', stop: ['\n'] })
  })

  it('refuses a request without input for its API', () => {
    expect(() => buildRequestBody('chat', 'm', { params: {} })).toThrow(ModelError)
    expect(() => buildRequestBody('completions', 'm', { messages: [], params: {} })).toThrow(/needs a prompt/)
  })
})

describe('parseResponseBody', () => {
  const body = (value: unknown) => JSON.stringify(value)
  it.each([
    [body({ model: 'm', choices: [{ message: { content: 'a' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 2 } }), { text: 'a', finishReason: 'stop', model: 'm', usage: { promptTokens: 1, completionTokens: 2 } }],
    [body({ choices: [{ message: { content: null, tool_calls: [] } }] }), { text: '' }],
    [body({ choices: [{ message: { content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] } }] }), { text: 'ab' }],
    [body({ choices: [{ text: 'completion', finish_reason: 'length' }], usage: { completion_tokens: 3 } }), { text: 'completion', finishReason: 'length', usage: { promptTokens: 0, completionTokens: 3 } }]
  ])('%s', (text, expected) => {
    expect(parseResponseBody(text)).toEqual(expected)
  })

  it.each([
    ['{"choices": [{"message": {"content": "cut', /invalid or truncated JSON/],
    ['', /empty body/],
    ['[1]', /expected a JSON object/],
    ['{"choices": []}', /no choices/],
    ['{"error": {"message": "upstream overloaded"}}', /no choices \(server said: upstream overloaded\)/]
  ])('%s is a retryable unparseable response', (text, message) => {
    let error: unknown
    try {
      parseResponseBody(text)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ModelError)
    expect(error).toMatchObject({ retryable: true, message: expect.stringMatching(/^unparseable response/) })
    expect((error as Error).message).toMatch(message)
  })
})

describe('serverErrorMessage', () => {
  it.each([
    ['{"error": {"message": "context too long", "type": "invalid_request_error"}}', 'context too long'],
    ['{"error": "model not loaded"}', 'model not loaded'],
    ['{"message": "Bad Request"}', 'Bad Request'],
    ['{"detail": "Not Found"}', 'Not Found'],
    ['{"detail": [{"loc": ["body", "messages"], "msg": "field required"}]}', 'field required'],
    ['<html>\n  <body>502 Bad Gateway</body>\n</html>', '<html> <body>502 Bad Gateway</body> </html>'],
    ['', '']
  ])('%s → %s', (body, expected) => {
    expect(serverErrorMessage(body)).toBe(expected)
  })

  it('cuts long messages', () => {
    expect(serverErrorMessage('y'.repeat(1_000))).toBe(`${'y'.repeat(300)}…`)
  })
})

describe('costOf', () => {
  const pricing = { inputPerMTok: 0.15, outputPerMTok: 0.6 }
  it.each([
    [{ promptTokens: 1_000_000, completionTokens: 0 }, pricing, 0.15],
    [{ promptTokens: 2_000, completionTokens: 500 }, pricing, (2_000 * 0.15 + 500 * 0.6) / 1e6],
    [{ promptTokens: 0, completionTokens: 0 }, pricing, 0],
    [undefined, pricing, null],
    [{ promptTokens: 10, completionTokens: 10 }, undefined, null]
  ])('%j at %j → %s', (usage, price, expected) => {
    const cost = costOf(usage, price)
    if (expected === null) expect(cost).toBeNull()
    else expect(cost).toBeCloseTo(expected, 12)
  })
})
