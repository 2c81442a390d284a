import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { describe, expect, it } from 'vitest'
import { stripInvalidXml, toJUnit, xmlAttr, xmlText } from '../../src/report/junit.js'
import type { CaseRecord } from '../../src/run/record.js'
import { makeInfo, makeRecord } from '../diff/fixtures.js'

// fast-xml-parser is not our dependency: it is installed through @actions/artifact. It is only a
// second opinion on well-formedness; the structural assertions below stand on their own.

/** Characters XML 1.0 forbids, checked independently of the implementation's own regex. */
function invalidXmlChars(text: string): string[] {
  const bad: string[] = []
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0
    const ok =
      cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff)
    if (!ok) bad.push(`U+${cp.toString(16)}`)
  }
  return bad
}

const HOSTILE = [
  '</failure></testcase></testsuite><testsuite name="injected">',
  '<![CDATA[ ]]> ]]>',
  '<!-- comment --> <?xml version="1.0"?>',
  '&amp; &lt; & &#0; &#x1F;',
  `"double" 'single'`,
  'nul \u0000 bell \u0007 esc \u001b[31m vt \u000b ff \u000c',
  'lone surrogates \ud800 \udfff and a pair 😀',
  'noncharacters \ufffe \uffff',
  'tab\tnewline\ncarriage\r\nend'
]

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', htmlEntities: true, isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) })

interface ParsedCase {
  classname: string
  name: string
  time: string
  failure?: { message: string; type: string; '#text': string }
  error?: { message: string; type: string; '#text': string }
}
interface ParsedSuite {
  name: string
  tests: string
  failures: string
  errors: string
  properties: { property: Array<{ name: string; value: string }> }
  testcase: ParsedCase[]
}

function parse(xml: string): { testsuites: { tests: string; failures: string; errors: string; testsuite: ParsedSuite[] } } {
  expect(XMLValidator.validate(xml)).toBe(true)
  expect(invalidXmlChars(xml)).toEqual([])
  return parser.parse(xml)
}

function sample(): CaseRecord[] {
  return [
    makeRecord({ id: 'b', index: 1, latencyMs: 1500 }),
    makeRecord({ id: 'a', index: 0, status: 'fail', target: ['42', '42.0'], response: 'The answer is 41', extracted: '41' }),
    makeRecord({ id: 'c', index: 2, status: 'error', error: { type: 'RateLimitError', message: 'HTTP 429', status: 429 }, attempts: 3 }),
    makeRecord({ id: 'v1', phase: 'validation', index: 0 })
  ]
}

describe('toJUnit', () => {
  it('writes one suite per phase and one case per record', () => {
    const doc = parse(toJUnit(makeInfo({ cases: 4 }), sample()))
    expect(doc.testsuites).toMatchObject({ tests: '4', failures: '1', errors: '1' })
    const [test, validation] = doc.testsuites.testsuite
    expect(test).toMatchObject({ name: 'gsm8k.test', tests: '3', failures: '1', errors: '1' })
    expect(validation).toMatchObject({ name: 'gsm8k.validation', tests: '1', failures: '0', errors: '0' })
    // Case order, not completion order.
    expect(test?.testcase.map((c) => [c.classname, c.name, c.time])).toEqual([
      ['gsm8k.test', 'a', '0.400'],
      ['gsm8k.test', 'b', '1.500'],
      ['gsm8k.test', 'c', '0.400']
    ])
  })

  it('describes failures and errors', () => {
    const [test] = parse(toJUnit(makeInfo(), sample())).testsuites.testsuite
    const [failed, passed, errored] = test?.testcase ?? []
    expect(passed?.failure).toBeUndefined()
    expect(failed?.failure?.message).toBe('expected "42 | 42.0", got "41"')
    expect(failed?.failure?.type).toBe('fail')
    expect(failed?.failure?.['#text']).toBe('expected: 42 | 42.0\ngot: The answer is 41\nextracted: 41\nreason (exact): expected 42')
    expect(errored?.error).toMatchObject({ message: 'HTTP 429', type: 'RateLimitError' })
    expect(errored?.error?.['#text']).toBe('RateLimitError: HTTP 429\nstatus: 429\nattempts: 3')
  })

  it('records the environment hash and the model as properties', () => {
    const [test] = parse(toJUnit(makeInfo(), sample())).testsuites.testsuite
    const props = Object.fromEntries((test?.properties.property ?? []).map((p) => [p.name, p.value]))
    expect(props).toMatchObject({
      'environment.name': 'gsm8k',
      'environment.hash': makeInfo().environment.hash,
      'model.key': 'my-model',
      'model.name': 'my-model-v1',
      phase: 'test',
      'git.sha': '0123456789abcdef0123456789abcdef01234567'
    })
  })

  it.each(HOSTILE)('stays well-formed with hostile text: %j', (text) => {
    const records = [
      makeRecord({ id: text, phase: text, tags: [text], status: 'fail', input: text, target: text, response: text, extracted: text }),
      makeRecord({ id: `${text}-err`, phase: text, status: 'error', error: { type: text, message: text } })
    ]
    const info = makeInfo({ envName: text, modelKey: text })
    const xml = toJUnit(info, records)
    const doc = parse(xml)
    // Exactly the structure we wrote: hostile text created no element of its own.
    expect(doc.testsuites.testsuite).toHaveLength(1)
    expect(doc.testsuites.testsuite[0]?.testcase).toHaveLength(2)
    expect(xml.match(/<testcase /g)).toHaveLength(2)
    expect(xml.match(/<testsuite /g)).toHaveLength(1)
    // What survives parsing is the text, with forbidden characters made visible.
    const name = doc.testsuites.testsuite[0]?.testcase[0]?.name
    expect(name).toBe(stripInvalidXml(text))
  })

  it('caps untrusted fields', () => {
    const huge = 'x'.repeat(50_000)
    const xml = toJUnit(makeInfo(), [makeRecord({ id: 'a', status: 'fail', response: huge, extracted: huge })], { maxFieldChars: 1000, maxMessageChars: 100 })
    const failure = parse(xml).testsuites.testsuite[0]?.testcase[0]?.failure
    expect(failure?.message.length).toBeLessThan(130)
    expect(failure?.message).toMatch(/… \([\d,]+ more characters\)$/)
    expect(xml.length).toBeLessThan(5000)
    expect(failure?.['#text']).toContain('… (49,000 more characters)')
  })

  it('writes an empty run as an empty, valid document', () => {
    const doc = parse(toJUnit(makeInfo(), []))
    expect(doc.testsuites.tests).toBe('0')
  })
})

describe('xml escaping helpers', () => {
  it.each([
    { text: 'a<b>&"\'', attr: 'a&lt;b&gt;&amp;&quot;&apos;', body: 'a&lt;b&gt;&amp;"\'' },
    { text: 'a\tb\nc\rd', attr: 'a&#9;b&#10;c&#13;d', body: 'a\tb\nc\rd' },
    { text: 'x\u0000y\u001bz', attr: 'x\\u0000y\\u001Bz', body: 'x\\u0000y\\u001Bz' },
    { text: '\ud800😀\uffff', attr: '\\uD800😀\\uFFFF', body: '\\uD800😀\\uFFFF' }
  ])('$text', ({ text, attr, body }) => {
    expect(xmlAttr(text)).toBe(attr)
    expect(xmlText(text)).toBe(body)
  })
})
