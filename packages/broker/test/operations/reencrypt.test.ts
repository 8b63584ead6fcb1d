import {randomUUID} from 'node:crypto'
import {expect} from 'chai'
import pg from 'pg'
import {generateKey} from '../../src/crypto/fernet-token.js'
import {KeyRing} from '../../src/crypto/key-ring.js'
import {runOperation} from '../../src/operations/cli.js'
import {reencryptSecrets, SEALED_COLUMNS} from '../../src/operations/reencrypt.js'
import {createTestDatabase, dropTestDatabase} from '../helpers/postgres.js'

const SECRETS = {
  link: 'link-secret-wJalrXUtnFEMI',
  app: 'app-secret-K7MDENG',
  access: 'oauth-access-token-5a2c',
  refresh: 'oauth-refresh-token-9e71',
  rotation: 'new-key-secret-bPxRfiCY',
}

describe('re-encrypting stored secrets under a new Fernet key', () => {
  const keyA = generateKey()
  const keyB = generateKey()
  let databaseUrl: string
  let pool: pg.Pool

  beforeEach(async () => {
    databaseUrl = await createTestDatabase()
    pool = new pg.Pool({connectionString: databaseUrl})
  })

  afterEach(async () => {
    await pool.end()
    await dropTestDatabase(databaseUrl)
  })

  /** One row in every table with a sealed column, each secret sealed with `ring`'s first key. */
  async function storeSecrets(ring: KeyRing, count = 1) {
    for (let i = 0; i < count; i++) {
      const teamId = randomUUID()
      const addonId = randomUUID()
      await pool.query(
        `insert into team_links (team_id, team_name, aws_account_id, access_key_id,
           secret_access_key_sealed, linked_by_id, linked_by_email)
         values ($1, $2, '111122223333', 'AKIAIOSFODNN7EXAMPLE', $3, $4, 'ada@acme.example')`,
        [teamId, `team-${i}`, ring.seal(SECRETS.link), randomUUID()],
      )
      await pool.query(
        `insert into resources (id, state, team_id, app_secret_access_key_sealed,
           oauth_access_token_sealed, oauth_refresh_token_sealed)
         values ($1, 'provisioned', $2, $3, $4, $5)`,
        [
          addonId,
          teamId,
          ring.seal(SECRETS.app),
          ring.seal(SECRETS.access),
          ring.seal(SECRETS.refresh),
        ],
      )
      await pool.query(
        `insert into rotations (addon_id, new_secret_access_key_sealed) values ($1, $2)`,
        [addonId, ring.seal(SECRETS.rotation)],
      )
    }
  }

  async function storedValues(): Promise<string[]> {
    const values = []
    for (const {table, column} of SEALED_COLUMNS) {
      const {rows} = await pool.query(
        `select ${column} as sealed from ${table} where ${column} is not null`,
      )
      values.push(...rows.map((row) => row.sealed as string))
    }
    return values
  }

  it('covers every column the schema seals', async () => {
    const {rows} = await pool.query(
      `select table_name || '.' || column_name as name from information_schema.columns
       where table_schema = 'public' and column_name like '%sealed' order by 1`,
    )

    expect(rows.map((row) => row.name)).to.have.members(
      SEALED_COLUMNS.map(({table, column}) => `${table}.${column}`),
    )
  })

  it('makes secrets sealed with key A readable with key B alone', async () => {
    await storeSecrets(new KeyRing([keyA]), 3)

    const results = await reencryptSecrets(pool, new KeyRing([keyB, keyA]), {batchSize: 2})

    expect(results.map(({checked, resealed}) => [checked, resealed])).to.deep.equal(
      SEALED_COLUMNS.map(() => [3, 3]),
    )
    const stored = await storedValues()
    const onlyB = new KeyRing([keyB])
    const opened = stored.map((sealed) => onlyB.unseal(sealed))
    expect(opened).to.have.length(15)
    expect(new Set(opened)).to.deep.equal(new Set(Object.values(SECRETS)))
    const onlyA = new KeyRing([keyA])
    for (const sealed of stored) expect(() => onlyA.unseal(sealed)).to.throw()
  })

  it('leaves what is already under the first key alone, so a second run changes nothing', async () => {
    await storeSecrets(new KeyRing([keyA]), 2)
    const ring = new KeyRing([keyB, keyA])
    await reencryptSecrets(pool, ring)
    const after = await storedValues()

    const again = await reencryptSecrets(pool, ring)

    expect(again.every(({checked, resealed}) => checked === 2 && resealed === 0)).to.equal(true)
    expect(await storedValues()).to.deep.equal(after)
  })

  it('carries on after an interruption, resealing only what is left', async () => {
    await storeSecrets(new KeyRing([keyA]), 2)
    await storeSecrets(new KeyRing([keyB]), 1)

    const results = await reencryptSecrets(pool, new KeyRing([keyB, keyA]))

    expect(results.every(({checked, resealed}) => checked === 3 && resealed === 2)).to.equal(true)
  })

  it('never overwrites a secret written while it ran', async () => {
    await storeSecrets(new KeyRing([keyA]), 1)
    const ring = new KeyRing([keyB, keyA])
    const written = ring.seal('written-meanwhile')

    await reencryptSecrets(pool, ring, {
      // The broker replaces the link's secret between the read and the write.
      beforeWrite: async ({column}) => {
        if (column === 'team_links.secret_access_key_sealed') {
          await pool.query('update team_links set secret_access_key_sealed = $1', [written])
        }
      },
    })

    const {rows} = await pool.query('select secret_access_key_sealed as sealed from team_links')
    expect(rows[0].sealed).to.equal(written)
  })

  it('runs from the command line with DATABASE_URL and FERNET_KEYS, and says what it did', async () => {
    await storeSecrets(new KeyRing([keyA]), 1)
    const lines: string[] = []

    const code = await runOperation(
      ['reencrypt'],
      {DATABASE_URL: databaseUrl, FERNET_KEYS: `${keyB},${keyA}`},
      (line) => lines.push(line),
    )

    expect(code).to.equal(0)
    expect(lines).to.include('team_links.secret_access_key_sealed: 1 checked, 1 sealed again')
    expect(lines.at(-1)).to.match(/^Every stored secret is now sealed with the first key/)
    expect(lines.join('\n')).not.to.contain(keyA).and.not.to.contain(keyB)
    for (const secret of Object.values(SECRETS)) expect(lines.join('\n')).not.to.contain(secret)
  })

  it('explains what it needs when DATABASE_URL or FERNET_KEYS is missing or bad', async () => {
    const lines: string[] = []

    const missing = await runOperation(['reencrypt'], {}, (line) => lines.push(line))
    const bad = await runOperation(
      ['reencrypt'],
      {DATABASE_URL: databaseUrl, FERNET_KEYS: 'not-a-key'},
      (line) => lines.push(line),
    )

    expect([missing, bad]).to.deep.equal([2, 2])
    expect(lines[0]).to.match(/^reencrypt needs DATABASE_URL and FERNET_KEYS/)
    expect(lines[1]).to.equal(
      'FERNET_KEYS is not valid: Fernet key 1 is not 32 bytes of URL-safe base64.',
    )
  })

  it('prints a new valid Fernet key', async () => {
    const lines: string[] = []

    expect(await runOperation(['generate-fernet-key'], {}, (line) => lines.push(line))).to.equal(0)
    expect(() => new KeyRing(lines)).not.to.throw()
    expect(lines[0]).not.to.equal(keyA)
  })
})
