import {isDeepStrictEqual} from 'node:util'

import {type BucketSettings, DEFAULT_BUCKET_SETTINGS} from '../aws/bucket-settings.js'
import {BrokerError} from '../errors.js'
import type {Plan} from '../plans/catalogue.js'
import type {TeamLink} from '../storage/team-links.js'
import {type AddonOptions, kmsKeyPlace, parseOptions, settingsFor} from './options.js'
import {awsRegionOf} from './region.js'
import {adoptionNotAllowed, applyTeamPolicy, publicNotAllowed} from './team-policy.js'

/** What the provision request settled about the add-on's bucket. */
export interface BucketChoice {
  /** The options the add-on is created with, the team's forced ones included, as texts. */
  options: Record<string, string>
  settings: BucketSettings
  /** Where the bucket goes; for an adopted bucket, where it is thought to be. */
  region: string
  /** The existing bucket to adopt, or null for a new one. */
  adoptedBucket: string | null
}

export interface ChoiceRequest {
  plan: Plan
  /** The options as Heroku sent them, already known to parse. */
  options: Record<string, string>
  link: TeamLink
  /** The team's name now, for messages: the link keeps the one it had when it was made. */
  teamName: string
  /** Heroku's region of the app, `amazon-web-services::us-east-1`. */
  herokuRegion: string | undefined
}

// An adopted bucket keeps its settings: besides its name, only where it is and which key
// encrypts it may be said.
const ADOPTION_OPTIONS = ['region', 'kms-key-arn', 'bucket']

/**
 * Applies the team's policy to the options, overlays the plan's settings with them, and refuses
 * with 422 whatever does not fit together: the team's policy, the linked account and the
 * bucket's region. The region is the option's, else the team's default, else the app's.
 */
export function chooseBucket(request: ChoiceRequest): BucketChoice {
  const {plan, options: asked, link, teamName: team, herokuRegion} = request
  const {options, forced} = applyTeamPolicy(asked, link, team)
  const {parsed} = parseOptions(options)
  const region = parsed.region ?? link.defaultRegion ?? awsRegionOf(herokuRegion)

  if (parsed.bucket !== undefined) {
    if (!link.allowAdopt) throw adoptionNotAllowed(team)
    refuseAdoptionMisfits(plan, options, forced, team)
  }
  if (expiresVersionsItDoesNotKeep(plan, parsed)) {
    throw optionError(
      '--noncurrent-expiry-days deletes old versions, and this bucket would not keep any: ' +
        `add --versioning true, or choose the versioned plan.`,
    )
  }
  const settings = settingsUnderPolicy(plan, parsed, {link, team, region})

  return {options, settings, region, adoptedBucket: parsed.bucket ?? null}
}

/** Whether the options ask to expire old versions of a bucket that, on this plan, keeps none. */
export function expiresVersionsItDoesNotKeep(plan: Plan, parsed: AddonOptions): boolean {
  return parsed.noncurrentExpiryDays !== undefined && !settingsFor(plan, parsed).versioning
}

/**
 * The plan's settings with the options over them, refused with 422 where the team's link does
 * not allow them: a public prefix the team does not allow, a KMS key of another account or of
 * another region than the bucket's.
 */
export function settingsUnderPolicy(
  plan: Plan,
  parsed: AddonOptions,
  {link, team, region}: {link: TeamLink; team: string; region: string},
): BucketSettings {
  const settings = settingsFor(plan, parsed)
  if (settings.publicPrefix !== null && !link.allowPublic) throw publicNotAllowed(team)
  if (settings.kmsKeyArn !== null) {
    refuseForeignKey(settings.kmsKeyArn, {parsed, region, link, team})
  }

  return settings
}

function refuseAdoptionMisfits(
  plan: Plan,
  options: Record<string, string>,
  forced: string[],
  team: string,
) {
  const misfits = Object.keys(options).filter((name) => !ADOPTION_OPTIONS.includes(name))
  if (misfits.length > 0) {
    const names = misfits.map((name) =>
      forced.includes(name) ? `--${name} (set by team ${team}'s policy)` : `--${name}`,
    )
    throw optionError(
      `byo-s3 adopts an existing bucket as it is and never changes its settings, so --bucket ` +
        `goes only with --region and --kms-key-arn, not with ${names.join(', ')}.`,
    )
  }

  if (!isDeepStrictEqual(plan.settings, DEFAULT_BUCKET_SETTINGS)) {
    throw optionError(
      `byo-s3 adopts an existing bucket as it is and never changes its settings, so an adopted ` +
        `bucket cannot have the ${plan.slug} plan's settings. Choose the standard plan.`,
    )
  }
}

/**
 * S3 can encrypt with a key of the bucket's own region only, and the key must be the team's:
 * the app's policy grants its use, and a key of another account would tie the data to it.
 */
function refuseForeignKey(
  arn: string,
  {
    parsed,
    region,
    link,
    team,
  }: {parsed: AddonOptions; region: string; link: TeamLink; team: string},
) {
  const key = kmsKeyPlace(arn)
  if (key.accountId !== link.awsAccountId) {
    throw optionError(
      `The KMS key ${arn} belongs to AWS account ${key.accountId}, and team ${team} is ` +
        `linked to account ${link.awsAccountId}. Use a key of the linked account.`,
    )
  }

  // An adopted bucket's region is known for sure only once S3 is asked, in the job.
  const regionKnown = parsed.bucket === undefined || parsed.region !== undefined
  if (regionKnown && key.region !== region) {
    throw optionError(
      `The KMS key ${arn} is in ${key.region}, and the bucket ${parsed.bucket ? 'is' : 'would be'} ` +
        `in ${region}: S3 uses keys of the bucket's own region only. Pass --region ` +
        `${key.region}, or use a key in ${region}.`,
    )
  }
}

function optionError(message: string): BrokerError {
  return new BrokerError(422, 'invalid_option', message)
}
