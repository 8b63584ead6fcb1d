/*
 * Operator commands, run next to the broker with its environment:
 *
 *   node packages/broker/dist/operations/cli.js generate-fernet-key
 *   node packages/broker/dist/operations/cli.js reencrypt
 *
 * (`npm run fernet:generate-key` and `npm run fernet:reencrypt` from a checkout.)
 */
import pg from 'pg'
import {generateKey} from '../crypto/fernet-token.js'
import {KeyRing} from '../crypto/key-ring.js'
import {reencryptSecrets} from './reencrypt.js'

const USAGE = `Usage: cli.js <command>

  generate-fernet-key   print a new Fernet key, to put first in FERNET_KEYS
  reencrypt             seal every stored secret again under the first key of FERNET_KEYS,
                        so the keys after it can be removed; needs DATABASE_URL

To rotate the broker's key: put a new key first in FERNET_KEYS (keep the old ones after it),
restart the broker, run reencrypt, then remove the old keys and restart again.`

export async function runOperation(
  args: string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
): Promise<number> {
  const [command] = args
  if (command === 'generate-fernet-key') {
    out(generateKey())
    return 0
  }

  if (command === 'reencrypt') return reencrypt(env, out)

  const asksForHelp = [undefined, 'help', '--help', '-h'].includes(command)
  out(asksForHelp ? USAGE : `Unknown command "${command}".\n\n${USAGE}`)
  return asksForHelp ? 0 : 2
}

async function reencrypt(env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<number> {
  if (!env.DATABASE_URL || !env.FERNET_KEYS) {
    out(
      'reencrypt needs DATABASE_URL and FERNET_KEYS, as the broker has them. A broker run ' +
        'locally on its embedded PostgreSQL keeps its one key in .data/local-secrets.json and ' +
        'needs no rotation.',
    )
    return 2
  }

  let keyRing: KeyRing
  try {
    keyRing = KeyRing.parse(env.FERNET_KEYS)
  } catch (error) {
    out(`FERNET_KEYS is not valid: ${(error as Error).message}`)
    return 2
  }

  const pool = new pg.Pool({connectionString: env.DATABASE_URL, max: 2})
  try {
    const results = await reencryptSecrets(pool, keyRing, {
      onProgress: ({column, checked, resealed}) =>
        out(`${column}: ${checked} checked, ${resealed} sealed again so far`),
    })
    for (const {column, checked, resealed} of results) {
      out(`${column}: ${checked} checked, ${resealed} sealed again`)
    }
    out('Every stored secret is now sealed with the first key. Keys after it can be removed.')
    return 0
  } finally {
    await pool.end()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runOperation(process.argv.slice(2), process.env, (line) => console.log(line)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error instanceof Error ? error.message : error)
      process.exit(1)
    },
  )
}
