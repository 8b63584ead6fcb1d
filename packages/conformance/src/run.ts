import {checkAsyncProvision} from './checks/async.js'
import {checkProvisionAuth} from './checks/auth.js'
import {checkDeprovision, cleanUp} from './checks/deprovision.js'
import {checkPlanChange} from './checks/plan-change.js'
import {checkProvision} from './checks/provision.js'
import {checkRefusals} from './checks/refusals.js'
import {checkAddonSso, checkSso, checkSsoGone} from './checks/sso.js'
import {newContext, type RunOptions} from './context.js'
import type {HerokuStandIn} from './heroku/stand-in.js'
import {checkManifest} from './manifest.js'
import {Report} from './report.js'

export type {RunOptions} from './context.js'

/**
 * One conformance run against a running add-on, with `standIn` playing Heroku: the manifest,
 * then one add-on's life from provision to 410, with the refusals each step owes on the way.
 * Prints one line per check and the summary; answers the report.
 */
export async function runConformance(
  options: RunOptions,
  standIn: HerokuStandIn,
  write: (line: string) => void,
): Promise<Report> {
  const report = new Report(write)
  const context = newContext(options, report, standIn)

  await checkManifest(report, options.manifest)
  try {
    await checkProvisionAuth(context)
    const {main, second} = await checkProvision(context)
    await checkAsyncProvision(context, main, second)
    await checkPlanChange(context, main)

    const live = main.created ? main.body.uuid : undefined
    await checkSso(context, live)
    await checkAddonSso(context, live)
    await checkRefusals(context)
    await checkDeprovision(context, main, second)
    await checkSsoGone(context, live)
  } catch (error) {
    // Only an add-on that stopped answering gets here: every check catches its own failures.
    report.record('the add-on answers every request', {
      ok: false,
      reason: unreachable(error, options.baseUrl),
    })
  } finally {
    await cleanUp(context)
  }

  write(report.summary())
  return report
}

function unreachable(error: unknown, baseUrl: string): string {
  const cause = (error as {cause?: {code?: string}})?.cause?.code
  if (cause) return `cannot reach it (${cause}): check that it runs at ${baseUrl}`
  return error instanceof Error ? error.message : String(error)
}
