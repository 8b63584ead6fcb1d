import {Writable} from 'node:stream'
import type {FastifyInstance} from 'fastify'
import {buildApp} from '../../src/app.js'
import {type Config, loadConfig} from '../../src/config/config.js'
import {generateKey} from '../../src/crypto/fernet-token.js'
import {createLogger} from '../../src/logger.js'
import {auditLogLine, auditSecret} from './log-audit.js'
import {createTestDatabase} from './postgres.js'

export const ADDON_PASSWORD = 'partner-password-0123456789abcdef'
export const OAUTH_CLIENT_SECRET = 'oauth-client-secret-0123456789'
export const HEROKU_API = 'https://api.heroku.test'
export const HEROKU_ID = 'https://id.heroku.test'
export const SSO_SALT = 'sso-salt-0123456789abcdef'
auditSecret('ADDON_PASSWORD', ADDON_PASSWORD)
auditSecret('OAUTH_CLIENT_SECRET', OAUTH_CLIENT_SECRET)
auditSecret('SSO_SALT', SSO_SALT)

export interface TestBroker {
  app: FastifyInstance
  config: Config
  databaseUrl: string
  /** Every line the broker logged, as written. */
  logLines: string[]
  partnerAuth: string
}

export interface TestBrokerOptions {
  workers?: boolean
  afterStep?: (step: string) => void | Promise<void>
  /** Another broker's database, to run a second process of the same broker (a worker dyno). */
  databaseUrl?: string
}

/** Readiness probes that do not wait: tests answer them at once. */
export const instantReadiness = {sleep: async () => {}, initialDelayMs: 0, maxWaitMs: 60_000}

/**
 * A broker on a fresh database, with Heroku hosts that only nock answers. Its job queue runs,
 * but nothing works it unless `workers` is set; tests usually run jobs themselves.
 */
export async function startTestBroker(
  env: NodeJS.ProcessEnv = {},
  {workers = false, afterStep, ...options}: TestBrokerOptions = {},
): Promise<TestBroker> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase())
  const vars = {
    NODE_ENV: 'test',
    ADDON_PASSWORD,
    SSO_SALT,
    OAUTH_CLIENT_SECRET,
    FERNET_KEYS: generateKey(),
    HEROKU_API_URL: HEROKU_API,
    HEROKU_ID_URL: HEROKU_ID,
    // Everything is logged, into memory: the more the broker writes, the more the audit reads.
    LOG_LEVEL: 'trace',
    ...env,
  }
  for (const name of ['ADDON_PASSWORD', 'SSO_SALT', 'OAUTH_CLIENT_SECRET', 'METRICS_TOKEN']) {
    auditSecret(name, vars[name as keyof typeof vars])
  }
  for (const key of (vars.FERNET_KEYS ?? '').split(',')) auditSecret('FERNET_KEYS', key.trim())
  const config = loadConfig(vars)
  const logLines: string[] = []
  const sink = new Writable({
    write(chunk, _encoding, done) {
      const lines = String(chunk).split('\n').filter(Boolean)
      logLines.push(...lines)
      for (const line of lines) auditLogLine(line)
      done()
    },
  })
  const app = await buildApp({
    config,
    databaseUrl,
    logger: createLogger(config.logLevel, sink),
    workers,
    pollingIntervalSeconds: 0.5,
    overrides: {readiness: instantReadiness, hooks: {afterStep}},
  })
  await app.ready()
  const partnerAuth =
    'Basic ' + Buffer.from(`${config.addonId}:${ADDON_PASSWORD}`).toString('base64')
  return {app, config, databaseUrl, logLines, partnerAuth}
}
