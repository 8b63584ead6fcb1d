import {BrokerError} from '../errors.js'
import {isOptionName, OPTION_NAMES, parseOptions} from './options.js'

/** What a team's admins allow the team's add-ons: stored with the team's link. */
export interface TeamPolicy {
  /** Whether an add-on may make a prefix of its bucket readable by anyone. */
  allowPublic: boolean
  /**
   * Whether an add-on may adopt an existing bucket of the account (--bucket), which gives its
   * key every object in that bucket.
   */
  allowAdopt: boolean
  /** Options an add-on of the team may not be created with. */
  forbiddenOptions: string[]
  /** Options every add-on of the team gets, whatever its creator asked for. */
  forcedOptions: Record<string, string>
}

export const DEFAULT_TEAM_POLICY: TeamPolicy = {
  allowPublic: false,
  allowAdopt: false,
  forbiddenOptions: [],
  forcedOptions: {},
}

// It names one bucket, and a bucket can serve one add-on at a time.
const NEVER_FORCED = ['bucket']

/**
 * Checks a policy an admin is about to store: known option names only, forced values the
 * options accept, nothing both forbidden and forced, and no forced public prefix on a team that
 * does not allow public buckets. Returns it with the forced values as they will be applied.
 */
export function checkTeamPolicy(policy: TeamPolicy): TeamPolicy {
  const forced = Object.keys(policy.forcedOptions)
  const unknown = [...policy.forbiddenOptions, ...forced].filter((name) => !isOptionName(name))
  if (unknown.length > 0) {
    throw policyError(
      `byo-s3 has no option ${unknown.map((name) => `--${name}`).join(', ')}. ` +
        `Its options are ${OPTION_NAMES.join(', ')}.`,
    )
  }

  const unforceable = forced.filter((name) => NEVER_FORCED.includes(name))
  if (unforceable.length > 0) {
    throw policyError(
      '--bucket adopts one existing bucket, so it cannot be forced on every add-on.',
    )
  }

  const both = forced.filter((name) => policy.forbiddenOptions.includes(name))
  if (both.length > 0) {
    throw policyError(`${both.join(', ')} cannot be both forbidden and forced.`)
  }

  const {texts, parsed} = parseOptions(policy.forcedOptions)
  if (parsed.publicPrefix && !policy.allowPublic) {
    throw policyError('Forcing public-prefix=true needs public buckets allowed (--allow-public).')
  }

  return {...policy, forbiddenOptions: [...new Set(policy.forbiddenOptions)], forcedOptions: texts}
}

/**
 * The options an add-on is created with: its creator's, refused if the team forbids any of
 * them, with the options the team forces put over them.
 */
export function applyTeamPolicy(
  options: Record<string, string>,
  policy: TeamPolicy,
  teamName: string,
): {options: Record<string, string>; forced: string[]} {
  const forbidden = Object.keys(options).filter((name) => policy.forbiddenOptions.includes(name))
  if (forbidden.length > 0) {
    const remaining = policy.forbiddenOptions.filter((name) => !forbidden.includes(name))
    const names = forbidden.map((name) => `--${name}`).join(', ')
    throw new BrokerError(
      422,
      'option_forbidden',
      `Team ${teamName}'s byo-s3 policy forbids ${names}: create the add-on without it, or ask ` +
        `a team admin to allow it with heroku byo-s3:link --team ${teamName} ` +
        `${forbidFlags(remaining)}.`,
    )
  }

  return {
    options: {...options, ...policy.forcedOptions},
    forced: Object.keys(policy.forcedOptions),
  }
}

/** The sentence that refuses a public prefix on a team that does not allow public buckets. */
export function publicNotAllowed(teamName: string): BrokerError {
  return new BrokerError(
    422,
    'public_not_allowed',
    `Team ${teamName}'s byo-s3 policy does not allow public buckets, so --public-prefix cannot ` +
      `be used. A team admin can allow them with heroku byo-s3:link --team ${teamName} ` +
      '--allow-public.',
  )
}

/** The sentence that refuses --bucket on a team that does not allow adopting buckets. */
export function adoptionNotAllowed(teamName: string): BrokerError {
  return new BrokerError(
    422,
    'adopt_not_allowed',
    `Team ${teamName}'s byo-s3 link does not allow adopting existing buckets (its allow-adopt ` +
      'setting is off), so --bucket cannot be used. A team admin can allow it with heroku ' +
      `byo-s3:link --team ${teamName} --allow-adopt.`,
  )
}

/** The `byo-s3:link` flags that forbid these options and no others. */
export function forbidFlags(names: string[]): string {
  if (names.length === 0) return '--forbid-option none'
  return names.map((name) => `--forbid-option ${name}`).join(' ')
}

function policyError(message: string): BrokerError {
  return new BrokerError(422, 'invalid_team_policy', message)
}
