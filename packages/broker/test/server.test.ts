import {type ChildProcess, spawn} from 'node:child_process'
import {randomUUID} from 'node:crypto'
import {chmodSync, existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {once} from 'node:events'
import {expect} from 'chai'

const serverScript = new URL('../src/server.ts', import.meta.url).pathname

interface Run {
  child: ChildProcess
  output: string[]
  port: number
}

/** Starts `src/server.ts` as `npm start` does, with no configuration but a port and a data folder. */
async function startBroker(dataDir: string): Promise<Run> {
  const port = 30_000 + Math.floor(Math.random() * 20_000)
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    BYO_S3_DATA_DIR: dataDir,
  }
  const child = spawn(process.execPath, ['--import', 'tsx', serverScript], {env})
  const output: string[] = []
  child.stdout!.on('data', (chunk) => output.push(String(chunk)))
  child.stderr!.on('data', (chunk) => output.push(String(chunk)))

  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`broker exited early:\n${output.join('')}`)
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) return {child, output, port}
    await new Promise((resolve) => setTimeout(resolve, 200))
  }

  child.kill('SIGKILL')
  throw new Error(`broker did not answer /healthz within 30 s:\n${output.join('')}`)
}

async function stop(run: Run, signal: NodeJS.Signals): Promise<number | null> {
  run.child.kill(signal)
  const [code] = await once(run.child, 'exit')
  return code
}

describe('npm start: the broker on an embedded PostgreSQL', function () {
  this.timeout(90_000)

  const root = mkdtempSync(path.join(tmpdir(), 'byo-s3-start-'))
  // As root, PostgreSQL runs as an unprivileged user that must be able to enter the folder.
  chmodSync(root, 0o755)
  const dataDir = path.join(root, '.data')
  const postmasterPid = path.join(dataDir, 'postgres', 'postmaster.pid')
  const addonId = randomUUID()

  after(() => rmSync(root, {recursive: true, force: true}))

  it('serves /healthz with the database, and stops PostgreSQL on SIGINT', async () => {
    const run = await startBroker(dataDir)
    const health = (await fetch(`http://127.0.0.1:${run.port}/healthz`).then((r) => r.json())) as {
      status: string
      database: {ok: boolean}
    }
    expect(health).to.deep.include({status: 'ok'})
    expect(health.database.ok).to.equal(true)
    expect(existsSync(postmasterPid)).to.equal(true)

    const secrets = JSON.parse(readFileSync(path.join(dataDir, 'local-secrets.json'), 'utf8'))
    const auth = 'Basic ' + Buffer.from(`byo-s3:${secrets.ADDON_PASSWORD}`).toString('base64')
    const deleted = await fetch(`http://127.0.0.1:${run.port}/heroku/resources/${addonId}`, {
      method: 'DELETE',
      headers: {authorization: auth},
    })
    expect(deleted.status).to.equal(204)

    expect(await stop(run, 'SIGINT')).to.equal(0)
    expect(existsSync(postmasterPid), 'postmaster.pid left behind').to.equal(false)
    expect(run.output.join('')).to.contain('Generated local secrets')
  })

  it('reuses the data on the next start, and stops PostgreSQL on SIGTERM', async () => {
    const run = await startBroker(dataDir)
    const secrets = JSON.parse(readFileSync(path.join(dataDir, 'local-secrets.json'), 'utf8'))
    const auth = 'Basic ' + Buffer.from(`byo-s3:${secrets.ADDON_PASSWORD}`).toString('base64')

    const replay = await fetch(`http://127.0.0.1:${run.port}/heroku/resources`, {
      method: 'POST',
      headers: {authorization: auth, 'content-type': 'application/json'},
      body: JSON.stringify({
        uuid: addonId,
        plan: 'standard',
        region: 'amazon-web-services::us-east-1',
      }),
    })

    expect(replay.status, 'the deprovisioned uuid from the first run').to.equal(410)
    expect(await stop(run, 'SIGTERM')).to.equal(0)
    expect(existsSync(postmasterPid)).to.equal(false)
    expect(run.output.join('')).not.to.contain('Generated local secrets')
    expect(run.output.join('')).to.contain('"fresh":false')
  })
})
