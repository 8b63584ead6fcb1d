import type {FastifyBaseLogger as Logger} from 'fastify'
import {type AccountUsage, readAccountUsage} from '../aws/account-quotas.js'
import type {AwsCredentials} from '../aws/clients.js'
import {BrokerError} from '../errors.js'
import type {Services} from '../services.js'
import type {Queryable} from '../storage/db.js'
import {findFreshQuotaSnapshot, saveQuotaSnapshot} from '../storage/quota-snapshots.js'

type Counts = Omit<AccountUsage, 'denied'>

export interface QuotaContext {
  teamId: string
  teamName: string
  awsAccountId: string
  /** An adopted bucket already exists: only the IAM user is new. */
  adopting: boolean
}

/**
 * How many must remain free for a provision to go ahead: 1 % of the quota, and at least one.
 * One is what this add-on takes; the rest covers what the check cannot see, namely other
 * add-ons queued for the same account since the count, and users and buckets the account's
 * own people make meanwhile (a snapshot may be a day old). 1 % of IAM's 5,000 users is 50,
 * of 10,000 buckets 100: close enough to the limit that nobody is refused early in practice.
 */
export function headroomFor(quota: number): number {
  return Math.max(1, Math.ceil(quota / 100))
}

/** The refusal for an account too close to one of its quotas, or undefined when it is not. */
export function quotaRefusal(counts: Counts, context: QuotaContext): BrokerError | undefined {
  const {awsAccountId: account, teamName} = context
  const problems: string[] = []
  const {iamUsers, iamUsersQuota, buckets, bucketsQuota} = counts
  if (iamUsers !== null && iamUsersQuota !== null && isNear(iamUsers, iamUsersQuota)) {
    problems.push(
      `AWS account ${account} has ${iamUsers} of its ${iamUsersQuota} IAM users, and each ` +
        `add-on needs one. IAM's "Users per account" quota (L-F55AF5E4) cannot be raised: ` +
        `delete IAM users that are no longer used, or link team ${teamName} to another AWS ` +
        `account (heroku byo-s3:link --team ${teamName}).`,
    )
  }

  if (!context.adopting && buckets !== null && isNear(buckets, bucketsQuota)) {
    problems.push(
      `AWS account ${account} has ${buckets} of its ${bucketsQuota} general purpose S3 ` +
        `buckets. Raise the Amazon S3 quota "General purpose buckets" (L-DC2B2D3D) in the ` +
        `Service Quotas console in US East (N. Virginia), or delete buckets that are no ` +
        `longer used.`,
    )
  }

  if (problems.length === 0) return undefined
  return new BrokerError(422, 'aws_quota_near', `${problems.join(' ')} Then try again.`)
}

function isNear(used: number, quota: number): boolean {
  return quota - used < headroomFor(quota)
}

/**
 * Counts the account now (two AWS calls), keeps the counts for the Partner API, and returns
 * them. A count the linked identity may not read is skipped with a warning rather than
 * blocking every provision: verify tells the admin which permission to add.
 */
export async function refreshQuotaSnapshot(
  services: Services,
  db: Queryable,
  credentials: AwsCredentials,
  {teamId, awsAccountId}: Pick<QuotaContext, 'teamId' | 'awsAccountId'>,
  log?: Logger,
): Promise<AccountUsage> {
  const usage = await readAccountUsage(services.aws, credentials)
  if (usage.denied.length > 0) {
    log?.warn({teamId, denied: usage.denied}, 'quota check skipped: permission denied')
  }

  await saveQuotaSnapshot(db, teamId, awsAccountId, usage)
  return usage
}

/** The provision job's check, before it creates anything. */
export async function checkAccountQuotas(
  services: Services,
  db: Queryable,
  credentials: AwsCredentials,
  context: QuotaContext,
  log: Logger,
): Promise<void> {
  const usage = await refreshQuotaSnapshot(services, db, credentials, context, log)
  const refusal = quotaRefusal(usage, context)
  if (refusal) throw refusal
}

/** The Partner API's check: the last snapshot only, never AWS, and none older than a day. */
export async function refuseFromSnapshot(db: Queryable, context: QuotaContext): Promise<void> {
  const snapshot = await findFreshQuotaSnapshot(db, context.teamId, context.awsAccountId)
  const refusal = snapshot && quotaRefusal(snapshot, context)
  if (refusal) throw refusal
}
