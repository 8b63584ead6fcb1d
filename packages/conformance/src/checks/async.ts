import {setTimeout as sleep} from 'node:timers/promises'
import type {Context} from '../context.js'
import type {PlatformCall} from '../heroku/stand-in.js'
import {fail, type Outcome, pass, skip} from '../report.js'
import {checkVars, type Provisioned} from './provision.js'

const isProvisionAction = (id: string) => (call: PlatformCall) =>
  call.method === 'POST' && call.path === `/addons/${id}/actions/provision` && call.status === 200

/**
 * The follow-up of a 202: within the timeout the add-on sets its config with the Platform API
 * and marks itself provisioned, refreshing its expired grant token first. Also the grant
 * exchange itself, for either kind of add-on.
 */
export async function checkAsyncProvision(
  context: Context,
  main: Provisioned,
  second: Provisioned,
): Promise<void> {
  const {report, standIn, options} = context
  const pending = [main, second].filter(({async}) => async).map(({body}) => body.uuid)
  const deadline = Date.now() + options.timeoutSeconds * 1000
  while (Date.now() < deadline) {
    const calls = standIn.calls()
    if (pending.every((id) => calls.some(isProvisionAction(id)))) break
    await sleep(100)
  }

  const id = main.body.uuid
  const calls = standIn.calls().filter((call) => call.addonId === id)
  const whenAsync = (check: () => Outcome) => () =>
    main.async ? check() : skip(main.created ? 'provisioned synchronously' : 'not provisioned')

  await report.check(
    'async: marks the add-on provisioned (POST /addons/{id}/actions/provision)',
    whenAsync(() =>
      calls.some(isProvisionAction(id))
        ? pass()
        : fail(`no successful call within ${options.timeoutSeconds} s`),
    ),
  )
  await report.check(
    'async: sets config (PATCH /addons/{id}/config) before marking it provisioned',
    whenAsync(() => configBeforeProvision(context, calls, id)),
  )
  await report.check(
    'async: refreshes the expired grant token (grant_type=refresh_token) first',
    whenAsync(() => {
      const refreshed = standIn
        .tokenRequests()
        .some((request) => request.addonId === id && request.grantType === 'refresh_token')
      if (!refreshed) return fail('no refresh; the grant token was refused for PATCH and actions')
      return calls.some((call) => call.token === 'refreshed' && call.status === 200)
        ? pass()
        : fail('the refreshed token was never used')
    }),
  )
  await report.check(
    'async: Platform API calls send the vendor Accept header and a bearer token',
    whenAsync(() => {
      const headerless = calls.filter(
        (call) => !/application\/vnd\.heroku\+json; *version=3/.test(call.accept ?? ''),
      )
      if (headerless.length > 0) return fail(`${describe(headerless[0])} had no vendor Accept`)
      const tokenless = calls.filter(({token}) => token === 'none' || token === 'unknown')
      if (tokenless.length > 0) return fail(`${describe(tokenless[0])} had no valid token`)
      return pass()
    }),
  )

  await report.check('grant: exchanged once per add-on, with its code and client_secret', () => {
    const outcomes = [main, second].map((addon) => grantOutcome(context, addon))
    return outcomes.find((outcome) => 'ok' in outcome && !outcome.ok) ?? outcomes[0]
  })
}

function configBeforeProvision(context: Context, calls: PlatformCall[], id: string): Outcome {
  const provisioned = calls.findIndex(isProvisionAction(id))
  const patches = calls
    .slice(0, provisioned < 0 ? calls.length : provisioned)
    .filter((call) => call.method === 'PATCH' && call.status === 200)
  if (patches.length === 0) return fail('no successful PATCH before the provision action')

  const vars: [string, unknown][] = []
  for (const {config} of patches) {
    const sent = (config as {config?: unknown} | undefined)?.config
    if (!Array.isArray(sent)) return fail('the PATCH body has no config array')
    for (const item of sent) vars.push([String(item?.name), item?.value])
  }
  return checkVars(context, vars)
}

/** The grant is exchanged once, with the code and the client secret. */
function grantOutcome({standIn}: Context, addon: Provisioned): Outcome {
  if (!addon.created) return skip('not provisioned')

  const exchanges = standIn
    .tokenRequests()
    .filter((r) => r.addonId === addon.body.uuid && r.grantType === 'authorization_code')
  // A synchronous add-on may have no use for the Platform API, and so for the grant.
  if (exchanges.length === 0) return addon.async ? fail('never exchanged') : pass('not used')
  if (exchanges.length > 1) return fail(`exchanged ${exchanges.length} times`)
  const [exchange] = exchanges
  if (!exchange.clientSecretSent) return fail('no client_secret sent')
  if (!exchange.clientSecretRight) return fail('the client_secret is not the expected one')
  return pass()
}

function describe(call: PlatformCall): string {
  return `${call.method} ${call.path.replace(/[0-9a-f-]{36}/, '{id}')}`
}
