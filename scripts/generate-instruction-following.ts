/**
 * Generates environments/instruction-following/data/test.jsonl: writing tasks, each with one to
 * three constraints a program can verify (IFEval's idea, our own prompts). Deterministic; the
 * output is committed.
 *   node --import tsx scripts/generate-instruction-following.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { seededRandom } from '../src/harness/fewshot.js'
import type { Constraint } from '../src/scoring/constraints.js'

const topics = [
  'why the sky is blue', 'how bread rises', 'the water cycle', 'how a bicycle stays upright', 'why cats purr',
  'how vaccines train the immune system', 'the history of the printing press', 'how tides work', 'what a compiler does',
  'why leaves change colour in autumn', 'how bees make honey', 'the rules of chess for a beginner', 'how a refrigerator keeps food cold',
  'why we dream', 'how to plant a tomato', 'what causes earthquakes', 'how a rainbow forms', 'the life cycle of a star',
  'how to make a cup of tea', 'why the moon has phases', 'how email reaches its destination', 'what photosynthesis is',
  'how a lock and key work', 'why ice floats', 'how maps are drawn', 'how sound travels', 'why exercise helps the heart',
  'how coffee is grown', 'what a volcano is', 'how an electric motor turns'
]
const forms = ['Write a short explanation of', 'Explain to a ten-year-old', 'Write a brief note about', 'Describe']

type Pick = () => { phrase: string; constraint: Constraint }
const constraintPool: Pick[] = [
  () => ({ phrase: 'Use at most 60 words.', constraint: { kind: 'max_words', count: 60 } }),
  () => ({ phrase: 'Use at least 80 words.', constraint: { kind: 'min_words', count: 80 } }),
  () => ({ phrase: 'Do not use any commas.', constraint: { kind: 'no_commas' } }),
  () => ({ phrase: 'Write everything in lowercase letters, with no capital letters at all.', constraint: { kind: 'lowercase' } }),
  () => ({ phrase: 'Write your entire answer in capital letters.', constraint: { kind: 'uppercase' } }),
  () => ({ phrase: 'Answer with exactly 3 bullet points in markdown, such as "- point".', constraint: { kind: 'bullet_points', count: 3 } }),
  () => ({ phrase: 'Write at least 2 paragraphs separated by a blank line.', constraint: { kind: 'min_paragraphs', count: 2 } }),
  () => ({ phrase: 'End your response with the exact phrase "Is there anything else I can help with?"', constraint: { kind: 'ends_with', text: 'Is there anything else I can help with?' } }),
  () => ({ phrase: 'Start your response with the word "Imagine".', constraint: { kind: 'starts_with', text: 'Imagine' } }),
  () => ({ phrase: 'Keep it under 400 characters.', constraint: { kind: 'max_chars', count: 400 } }),
  () => ({ phrase: 'Include the keywords "simple" and "example".', constraint: { kind: 'include_keywords', keywords: ['simple', 'example'] } }),
  () => ({ phrase: 'Do not use the words "very" or "really".', constraint: { kind: 'exclude_keywords', keywords: ['very', 'really'] } }),
  () => ({ phrase: 'Wrap your entire answer in JSON, as an object with a "summary" key.', constraint: { kind: 'json_format' } }),
  () => ({ phrase: 'Give it a title wrapped in double angular brackets, such as <<title>>.', constraint: { kind: 'regex', pattern: '<<[^<>\\n]+>>', flags: '' } })
]
// Pairs that contradict each other are never drawn together.
const conflicts = new Set(['lowercase+uppercase', 'max_words+min_words', 'json_format+bullet_points', 'json_format+min_paragraphs', 'json_format+starts_with', 'json_format+ends_with', 'json_format+regex', 'max_chars+min_words', 'max_chars+min_paragraphs', 'uppercase+starts_with', 'lowercase+starts_with', 'lowercase+ends_with', 'uppercase+ends_with', 'bullet_points+min_paragraphs', 'uppercase+include_keywords', 'lowercase+regex'])
const clash = (a: string, b: string): boolean => conflicts.has(`${a}+${b}`) || conflicts.has(`${b}+${a}`)

const random = seededRandom('instruction-following-v1')
const rows = Array.from({ length: 60 }, (_, i) => {
  const topic = topics[i % topics.length] as string
  const form = forms[Math.floor(random() * forms.length)] as string
  const wanted = 1 + Math.floor(random() * 3)
  const chosen: { phrase: string; constraint: Constraint }[] = []
  for (let tries = 0; chosen.length < wanted && tries < 50; tries++) {
    const next = (constraintPool[Math.floor(random() * constraintPool.length)] as Pick)()
    if (chosen.some((c) => c.constraint.kind === next.constraint.kind || clash(c.constraint.kind, next.constraint.kind))) continue
    chosen.push(next)
  }
  return {
    id: `if-${String(i + 1).padStart(3, '0')}`,
    prompt: `${form} ${topic}. ${chosen.map((c) => c.phrase).join(' ')}`,
    constraints: chosen.map((c) => c.constraint),
    kinds: chosen.map((c) => c.constraint.kind)
  }
})

const folder = new URL('../environments/instruction-following/data/', import.meta.url)
mkdirSync(folder, { recursive: true })
writeFileSync(new URL('test.jsonl', folder), rows.map((row) => `${JSON.stringify(row)}\n`).join(''))
