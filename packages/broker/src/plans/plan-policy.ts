import type {BucketSettings} from '../aws/bucket-settings.js'
import {BrokerError} from '../errors.js'
import {expiresVersionsItDoesNotKeep, settingsUnderPolicy} from '../provisioning/bucket-choice.js'
import {parseOptions} from '../provisioning/options.js'
import {forbidFlags} from '../provisioning/team-policy.js'
import type {Resource} from '../storage/resources.js'
import type {TeamLink} from '../storage/team-links.js'
import {DEFAULT_PLAN, type Plan} from './catalogue.js'

// The bucket exists already: where it is and which bucket it is cannot change.
const PLACEMENT_OPTIONS = ['region', 'bucket']

/**
 * The options and settings a created bucket gets on another plan, checked as provisioning
 * checks them, against the team's policy as it is now: an option the team now forbids is
 * refused, the options it now forces go over the add-on's (except its region), and the result
 * must fit together and fit the team's link. Refuses with 422 saying what to do instead.
 */
export function settingsForPlanChange(
  plan: Plan,
  resource: Resource,
  link: TeamLink,
): {options: Record<string, string>; settings: BucketSettings} {
  const team = resource.teamName ?? link.teamName
  refuseForbiddenInUse(resource.options, link, team)

  const forced = Object.entries(link.forcedOptions).filter(
    ([name]) => !PLACEMENT_OPTIONS.includes(name),
  )
  const options = {...resource.options, ...Object.fromEntries(forced)}
  const {parsed} = parseOptions(options)
  if (expiresVersionsItDoesNotKeep(plan, parsed)) {
    throw new BrokerError(
      422,
      'invalid_option',
      `This add-on has --noncurrent-expiry-days ${options['noncurrent-expiry-days']}, which ` +
        `deletes old versions, and the ${plan.slug} plan keeps none, so the plan cannot change. ` +
        `Stay on the ${resource.plan ?? DEFAULT_PLAN} plan, or create a new add-on on the ${plan.slug} plan ` +
        'without --noncurrent-expiry-days.',
    )
  }

  const region = resource.region!
  return {options, settings: settingsUnderPolicy(plan, parsed, {link, team, region})}
}

function refuseForbiddenInUse(options: Record<string, string>, link: TeamLink, team: string) {
  const forbidden = Object.keys(options).filter((name) => link.forbiddenOptions.includes(name))
  if (forbidden.length === 0) return

  const remaining = link.forbiddenOptions.filter((name) => !forbidden.includes(name))
  throw new BrokerError(
    422,
    'option_forbidden',
    `Team ${team}'s byo-s3 policy now forbids ${forbidden.map((name) => `--${name}`).join(', ')}, ` +
      'which this add-on has, so its plan cannot change. A team admin can allow it with heroku ' +
      `byo-s3:link --team ${team} ${forbidFlags(remaining)}; or create a new add-on without it.`,
  )
}
