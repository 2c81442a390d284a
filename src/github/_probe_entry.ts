import { cacheStore } from './index.js'
const store = cacheStore({ dir: '/tmp/x' })
console.log(JSON.stringify(await store.load({ environmentHash: 'a'.repeat(64), modelKey: 'm', branch: 'main', sha: 'b'.repeat(40) })))
