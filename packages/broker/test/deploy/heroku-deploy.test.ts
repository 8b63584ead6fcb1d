import {type ChildProcess, execFile, spawn} from 'node:child_process'
import {once} from 'node:events'
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {promisify} from 'node:util'
import {expect} from 'chai'
import {Ajv} from 'ajv'
import pg from 'pg'
import {generateKey} from '../../src/crypto/fernet-token.js'
import {createTestDatabase, dropTestDatabase} from '../helpers/postgres.js'
import {appJsonSchema} from './app-json-schema.js'

const root = new URL('../../../../', import.meta.url)
const appJson = JSON.parse(readFileSync(new URL('app.json', root), 'utf8'))
const procfile = Object.fromEntries(
  readFileSync(new URL('Procfile', root), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(/:\s*/, 2) as [string, string]),
)
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')

describe('deploying to Heroku: app.json, the Procfile and the release phase', function () {
  this.timeout(120_000)

  it('app.json follows Heroku’s app.json schema', () => {
    const validate = new Ajv({allErrors: true}).compile(appJsonSchema)

    expect(validate(appJson), JSON.stringify(validate.errors)).to.equal(true)
  })

  it('the file-drop example’s app.json follows it too', () => {
    const validate = new Ajv({allErrors: true}).compile(appJsonSchema)
    const example = JSON.parse(readFileSync(new URL('examples/file-drop/app.json', root), 'utf8'))

    expect(validate(example), JSON.stringify(validate.errors)).to.equal(true)
  })

  it('asks for every secret production needs, generating those Heroku can generate', () => {
    const {env} = appJson
    expect(env.NODE_ENV.value).to.equal('production')
    expect(env.ADDON_PASSWORD.generator).to.equal('secret')
    expect(env.SSO_SALT.generator).to.equal('secret')
    expect(env.METRICS_TOKEN).to.include({generator: 'secret', required: false})
    // Heroku's generator makes 64 hex characters, which is no Fernet key: the admin pastes one.
    expect(env.FERNET_KEYS).to.include({required: true})
    expect(env.FERNET_KEYS.description).to.contain('npm run fernet:generate-key')
    expect(env.OAUTH_CLIENT_SECRET).to.include({required: true})
    expect(appJson.addons).to.deep.include({plan: 'heroku-postgresql:essential-0', as: 'DATABASE'})
    expect(Object.keys(appJson.formation).sort()).to.deep.equal(['web', 'worker'])
  })

  it('pins the Node.js major the buildpack installs to the one the project is tested on', () => {
    const {engines} = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'))

    expect(engines.node).to.equal(`${process.versions.node.split('.')[0]}.x`)
  })

  describe('the Procfile’s commands, as Heroku runs them after a build', () => {
    let databaseUrl: string
    let env: NodeJS.ProcessEnv

    before(async () => {
      await promisify(execFile)(process.execPath, [
        tsc,
        '-b',
        new URL('packages/broker', root).pathname,
      ])
      databaseUrl = await createTestDatabaseWithoutMigrations()
      env = {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        DATABASE_URL: databaseUrl,
        PORT: String(30_000 + Math.floor(Math.random() * 20_000)),
        ADDON_PASSWORD: 'a'.repeat(64),
        SSO_SALT: 'b'.repeat(64),
        OAUTH_CLIENT_SECRET: 'oauth-client-secret-for-deploy-test',
        FERNET_KEYS: generateKey(),
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      }
    })

    after(() => dropTestDatabase(databaseUrl))

    it('release migrates the database and exits 0', async () => {
      const {code, output} = await runToEnd(procfile.release, env)

      expect(code, output).to.equal(0)
      expect(output).to.contain('database migrated')
      const client = new pg.Client({connectionString: databaseUrl})
      await client.connect()
      const {rows} = await client.query(`select to_regclass('public.resources') as table`)
      await client.end()
      expect(rows[0].table).to.equal('resources')
    })

    it('web serves /healthz on $PORT, and stops on SIGTERM', async () => {
      const web = start(procfile.web, env)
      try {
        const health = await waitFor(`http://127.0.0.1:${env.PORT}/healthz`, web)
        expect(health).to.deep.include({status: 'ok'})
      } finally {
        expect(await stop(web.child)).to.equal(0)
      }
    })

    it('worker works the job queues, and stops on SIGTERM', async () => {
      const worker = start(procfile.worker, env)
      try {
        await waitForLine(worker, 'working the job queues')
      } finally {
        expect(await stop(worker.child)).to.equal(0)
      }
    })
  })
})

/** A database without the broker's tables, as a new Heroku Postgres is. */
async function createTestDatabaseWithoutMigrations(): Promise<string> {
  const url = await createTestDatabase()
  const client = new pg.Client({connectionString: url})
  await client.connect()
  await client.query(
    'drop schema public cascade; create schema public; drop schema if exists pgboss cascade',
  )
  await client.end()
  return url
}

interface Started {
  child: ChildProcess
  output: string[]
}

// Heroku runs each Procfile command with a shell, from the app's root.
function start(command: string, env: NodeJS.ProcessEnv): Started {
  // exec, as Heroku's own launcher does, so SIGTERM reaches the broker rather than the shell.
  const child = spawn('/bin/sh', ['-c', `exec ${command}`], {cwd: root, env})
  const output: string[] = []
  child.stdout!.on('data', (chunk) => output.push(String(chunk)))
  child.stderr!.on('data', (chunk) => output.push(String(chunk)))
  return {child, output}
}

async function runToEnd(command: string, env: NodeJS.ProcessEnv) {
  const started = start(command, env)
  const [code] = await once(started.child, 'exit')
  return {code, output: started.output.join('')}
}

async function waitFor(url: string, {child, output}: Started): Promise<unknown> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited early:\n${output.join('')}`)
    const body = await fetch(url).then(
      (reply) => (reply.ok ? reply.json() : undefined),
      () => undefined,
    )
    if (body) return body
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`no answer from ${url} within 30 s:\n${output.join('')}`)
}

async function waitForLine({child, output}: Started, text: string): Promise<void> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (output.join('').includes(text)) return
    if (child.exitCode !== null) throw new Error(`exited early:\n${output.join('')}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`"${text}" not logged within 30 s:\n${output.join('')}`)
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode
  child.kill('SIGTERM')
  const [code] = await once(child, 'exit')
  return code
}
