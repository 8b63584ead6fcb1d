import {readFileSync} from 'node:fs'
import path from 'node:path'
import {parseArgs} from 'node:util'
import type {RunOptions} from './context.js'
import {DEFAULT_TEAM} from './heroku/world.js'
import type {Manifest} from './manifest.js'

export const HELP = `Checks a running Heroku add-on against the Add-on Partner API v3 (kensa's checks
brought to v3, plus the OAuth grant, asynchronous provisioning, idempotency and SSO), playing
Heroku's side: it provisions, changes plans, signs in and deprovisions as Heroku does, and
serves the identity host's grant exchange and the Platform API for Partners that the add-on
calls back.

Usage: npm run conformance -- --url URL --manifest addon-manifest.json [flags]

Where the add-on is:
  --manifest PATH        the add-on manifest (default: addon-manifest.json)
  --url URL              where the add-on runs, e.g. http://127.0.0.1:5000; the paths of the
                         manifest's api.test base_url and sso_url are kept (default: those URLs)
  --base-url URL         the Partner API base URL itself (provision posts here)
  --sso-url URL          the SSO URL itself

Secrets (never on the command line; the first one found is used):
  --password-file PATH   the Basic-auth password; else $ADDON_PASSWORD; else the manifest's
                         api.password
  --sso-salt-file PATH   the SSO salt; else $SSO_SALT; else the manifest's api.sso_salt
  --client-secret-file PATH
                         the add-on's OAuth client secret; else $OAUTH_CLIENT_SECRET. When
                         given, a grant exchange with another secret is refused; when not, any
                         non-empty secret is accepted

Heroku's side:
  --heroku-port N        port of the stand-in for id.heroku.com and api.heroku.com
                         (default: 5510; 0 picks a free one). Point the add-on at it: for
                         byo-s3, HEROKU_API_URL and HEROKU_ID_URL
  --heroku-host HOST     address it listens on (default: 127.0.0.1)
  --team-id UUID         the team that owns the app of the run's add-ons
                         (default: ${DEFAULT_TEAM.id}); set the add-on up for
                         it first if it needs that
  --team-name NAME       that team's name (default: ${DEFAULT_TEAM.name})
  --app-name NAME        that app's name (default: conformance-app)

What to check:
  --plan SLUG            the plan to provision (default: test)
  --other-plan SLUG      a second plan, for the plan change (skipped without it)
  --timeout SECONDS      how long an add-on that answers 202 has to set its config and mark
                         itself provisioned (default: 60)
  --requires-team        the add-on refuses apps of no team, and teams it was not set up for,
                         with 422
  --addon-sso-url URL    an add-on URL that takes the x-addon-sso header (GET), with {id}
                         standing for the add-on id

  --help                 this text

Prints one line per check (✓ passed, ✗ failed with the reason, - skipped) and a summary.
Exit status: 0 when every check passed, 1 when one failed, 2 for a usage error.`

export class UsageError extends Error {}

export interface CliOptions {
  run: RunOptions
  herokuPort: number
  herokuHost: string
  team: {id: string; name: string}
  appName: string
  clientSecret?: string
}

const FLAGS = {
  manifest: {type: 'string', default: 'addon-manifest.json'},
  url: {type: 'string'},
  'base-url': {type: 'string'},
  'sso-url': {type: 'string'},
  'password-file': {type: 'string'},
  'sso-salt-file': {type: 'string'},
  'client-secret-file': {type: 'string'},
  'heroku-port': {type: 'string', default: '5510'},
  'heroku-host': {type: 'string', default: '127.0.0.1'},
  'team-id': {type: 'string', default: DEFAULT_TEAM.id},
  'team-name': {type: 'string', default: DEFAULT_TEAM.name},
  'app-name': {type: 'string', default: 'conformance-app'},
  plan: {type: 'string', default: 'test'},
  'other-plan': {type: 'string'},
  timeout: {type: 'string', default: '60'},
  'requires-team': {type: 'boolean', default: false},
  'addon-sso-url': {type: 'string'},
  help: {type: 'boolean', default: false},
} as const

/** The flags, or undefined for --help. Relative paths are read from `cwd`. */
export function parseOptions(
  argv: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): CliOptions | undefined {
  let values
  try {
    values = parseArgs({args: argv, options: FLAGS, strict: true, allowPositionals: false}).values
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  if (values.help) return undefined

  const read = (file: string, what: string) => {
    try {
      return readFileSync(path.resolve(cwd, file), 'utf8').trim()
    } catch (error) {
      throw new UsageError(`Cannot read the ${what} from ${file}: ${(error as Error).message}`)
    }
  }
  const manifest = readManifest(read(values.manifest, 'manifest'), values.manifest)
  const test = typeof manifest.api?.test === 'object' ? manifest.api.test : {}
  const secret = (file: string | undefined, variable: string, fromManifest: unknown) =>
    file
      ? read(file, variable.toLowerCase().replaceAll('_', ' '))
      : env[variable] || (typeof fromManifest === 'string' ? fromManifest : '')
  const password = secret(values['password-file'], 'ADDON_PASSWORD', manifest.api?.password)
  const ssoSalt = secret(values['sso-salt-file'], 'SSO_SALT', manifest.api?.sso_salt)
  if (!password)
    throw new UsageError('No Basic-auth password: use --password-file or ADDON_PASSWORD.')
  if (!ssoSalt) throw new UsageError('No SSO salt: use --sso-salt-file or SSO_SALT.')
  const clientSecret = values['client-secret-file']
    ? read(values['client-secret-file'], 'OAuth client secret')
    : env.OAUTH_CLIENT_SECRET || undefined

  return {
    run: {
      manifest,
      baseUrl: addonUrl(values['base-url'], values.url, test.base_url, '--base-url'),
      ssoUrl: addonUrl(values['sso-url'], values.url, test.sso_url, '--sso-url'),
      password,
      ssoSalt,
      plan: values.plan,
      otherPlan: values['other-plan'],
      timeoutSeconds: number(values.timeout, '--timeout'),
      requiresTeam: values['requires-team'],
      addonSsoUrl:
        values['addon-sso-url'] && checkedUrl(values['addon-sso-url'], '--addon-sso-url'),
    },
    herokuPort: number(values['heroku-port'], '--heroku-port'),
    herokuHost: values['heroku-host'],
    team: {id: values['team-id'], name: values['team-name']},
    appName: values['app-name'],
    clientSecret,
  }
}

function readManifest(text: string, file: string): Manifest {
  try {
    const manifest: unknown = JSON.parse(text)
    if (typeof manifest === 'object' && manifest !== null) return manifest as Manifest
  } catch {
    // Said below, with what to do.
  }
  throw new UsageError(`${file} is not a JSON object: give the add-on manifest with --manifest.`)
}

/** The explicit URL, or the manifest's api.test URL moved to --url's origin. */
function addonUrl(
  explicit: string | undefined,
  origin: string | undefined,
  test: unknown,
  flag: string,
) {
  if (explicit) return checkedUrl(explicit, flag)
  if (typeof test !== 'string') {
    throw new UsageError(`The manifest has no api.test URL to start from: give ${flag}.`)
  }

  const url = new URL(checkedUrl(test, 'the manifest api.test URL'))
  if (!origin) return url.toString()
  const moved = new URL(`${url.pathname}${url.search}`, checkedUrl(origin, '--url'))
  return moved.toString()
}

function checkedUrl(value: string, what: string): string {
  try {
    const url = new URL(value)
    if (url.protocol === 'http:' || url.protocol === 'https:') return value
  } catch {
    // Said below.
  }
  throw new UsageError(`${what} must be an http or https URL, not ${JSON.stringify(value)}.`)
}

function number(value: string, flag: string): number {
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new UsageError(`${flag} takes a whole number, not ${JSON.stringify(value)}.`)
  }
  return parsed
}
