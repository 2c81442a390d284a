/**
 * Generates environments/arithmetic/data/*.jsonl: arithmetic word problems from a fixed seed.
 * The output is committed; rerunning this script reproduces it byte for byte.
 *   node --import tsx scripts/generate-arithmetic.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { seededRandom } from '../src/harness/fewshot.js'

interface Problem {
  id: string
  question: string
  answer: number
  operation: string
  steps: number
}

const names = ['Ana', 'Bo', 'Chen', 'Dara', 'Eli', 'Fatima', 'Goran', 'Hana', 'Ivo', 'Jun', 'Kemal', 'Lena', 'Mateo', 'Nia', 'Omar', 'Priya']
const items = ['apples', 'marbles', 'stickers', 'books', 'pencils', 'cookies', 'stamps', 'shells', 'coins', 'cards']

type Template = (r: () => number, pick: <T>(xs: readonly T[]) => T, int: (lo: number, hi: number) => number) => Omit<Problem, 'id'>

const templates: Template[] = [
  (_r, pick, int) => {
    const [who, what, a, b] = [pick(names), pick(items), int(5, 500), int(5, 500)]
    return { question: `${who} has ${a} ${what}. A friend gives ${who} ${b} more. How many ${what} does ${who} have now?`, answer: a + b, operation: 'addition', steps: 1 }
  },
  (_r, pick, int) => {
    const [who, what] = [pick(names), pick(items)]
    const a = int(50, 900)
    const b = int(1, a - 1)
    return { question: `${who} had ${a} ${what} and gave away ${b}. How many ${what} are left?`, answer: a - b, operation: 'subtraction', steps: 1 }
  },
  (_r, pick, int) => {
    const [who, what, boxes, per] = [pick(names), pick(items), int(3, 40), int(3, 60)]
    return { question: `${who} fills ${boxes} boxes with ${per} ${what} each. How many ${what} is that in total?`, answer: boxes * per, operation: 'multiplication', steps: 1 }
  },
  (_r, pick, int) => {
    const [who, what, groups, per] = [pick(names), pick(items), int(2, 25), int(2, 40)]
    return { question: `${who} shares ${groups * per} ${what} equally among ${groups} friends. How many ${what} does each friend get?`, answer: per, operation: 'division', steps: 1 }
  },
  (_r, pick, int) => {
    const [who, what, a, b, c] = [pick(names), pick(items), int(20, 300), int(5, 200), int(2, 9)]
    return {
      question: `${who} has ${a} ${what}, buys ${b} more, then packs them into bags of ${c}, setting any left over aside. How many full bags does ${who} make?`,
      answer: Math.floor((a + b) / c),
      operation: 'multi-step',
      steps: 2
    }
  },
  (_r, pick, int) => {
    const [who, price, count] = [pick(names), int(2, 30), int(2, 12)]
    const total = price * count
    const note = Math.ceil((total + 1) / 50) * 50
    return { question: `${who} buys ${count} tickets at $${price} each and pays with $${note}. How many dollars of change does ${who} get?`, answer: note - total, operation: 'multi-step', steps: 2 }
  },
  (_r, pick, int) => {
    const [who, what, days, perDay, eaten] = [pick(names), pick(items), int(3, 14), int(4, 30), int(1, 3)]
    return {
      question: `Every day for ${days} days, ${who} collects ${perDay} ${what} and loses ${eaten}. How many ${what} does ${who} have at the end?`,
      answer: days * (perDay - eaten),
      operation: 'multi-step',
      steps: 2
    }
  }
]

function generate(count: number, seed: string): Problem[] {
  const random = seededRandom(seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1))
  return Array.from({ length: count }, (_, i) => {
    const template = templates[Math.floor(random() * templates.length)] as Template
    return { id: `${seed}-${String(i + 1).padStart(4, '0')}`, ...template(random, pick, int) }
  })
}

const folder = new URL('../environments/arithmetic/data/', import.meta.url)
mkdirSync(folder, { recursive: true })
const write = (file: string, rows: Problem[]): void => writeFileSync(new URL(file, folder), rows.map((row) => `${JSON.stringify(row)}\n`).join(''))
write('test.jsonl', generate(250, 'test'))
write('dev.jsonl', generate(20, 'dev'))
