import {bucketPrefixProblem} from '../aws/bucket-name.js'
import {BrokerError} from '../errors.js'
import {supportedRegions} from '../provisioning/region.js'
import {checkTeamPolicy, DEFAULT_TEAM_POLICY, type TeamPolicy} from '../provisioning/team-policy.js'
import type {LinkSettings, OnDeprovision, TeamLink} from '../storage/team-links.js'

/** Settings as the admin API takes them: `region` null goes back to each app's own region. */
export interface SettingsRequest extends Partial<TeamPolicy> {
  onDeprovision?: OnDeprovision
  region?: string | null
  bucketPrefix?: string
}

/**
 * Refuses a region S3 cannot use for byo-s3, a prefix that would make invalid bucket names, or
 * a team policy that does not hold together once merged with the link's current one.
 */
export function checkSettings(
  settings: SettingsRequest,
  current?: TeamLink,
): Partial<LinkSettings> {
  const {region, bucketPrefix, onDeprovision} = settings
  if (typeof region === 'string' && !supportedRegions.has(region)) {
    throw new BrokerError(
      422,
      'unsupported_region',
      `byo-s3 cannot create buckets in "${region}". Supported AWS regions: ` +
        `${[...supportedRegions].join(', ')}.`,
    )
  }
  const problem = bucketPrefix === undefined ? null : bucketPrefixProblem(bucketPrefix)
  if (problem) {
    throw new BrokerError(422, 'invalid_bucket_prefix', `The bucket prefix ${problem}.`)
  }

  return {
    ...(onDeprovision === undefined ? {} : {onDeprovision}),
    ...(region === undefined ? {} : {defaultRegion: region}),
    ...(bucketPrefix === undefined ? {} : {bucketPrefix}),
    ...checkPolicyChange(settings, current),
  }
}

function checkPolicyChange(settings: SettingsRequest, current?: TeamLink): Partial<TeamPolicy> {
  const {allowPublic, allowAdopt, forbiddenOptions, forcedOptions} = settings
  const policy = [allowPublic, allowAdopt, forbiddenOptions, forcedOptions]
  if (policy.every((value) => value === undefined)) return {}

  const base = current ?? DEFAULT_TEAM_POLICY
  const checked = checkTeamPolicy({
    allowPublic: allowPublic ?? base.allowPublic,
    allowAdopt: allowAdopt ?? base.allowAdopt,
    forbiddenOptions: forbiddenOptions ?? base.forbiddenOptions,
    forcedOptions: forcedOptions ?? base.forcedOptions,
  })
  return {
    ...(allowPublic === undefined ? {} : {allowPublic: checked.allowPublic}),
    ...(allowAdopt === undefined ? {} : {allowAdopt: checked.allowAdopt}),
    ...(forbiddenOptions === undefined ? {} : {forbiddenOptions: checked.forbiddenOptions}),
    ...(forcedOptions === undefined ? {} : {forcedOptions: checked.forcedOptions}),
  }
}
