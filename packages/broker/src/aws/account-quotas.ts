import {GetAccountSummaryCommand} from '@aws-sdk/client-iam'
import {ListBucketsCommand} from '@aws-sdk/client-s3'

import type {AwsClients, AwsCredentials} from './clients.js'
import {isAwsError, httpStatusOf} from './service-errors.js'

/**
 * How full the account is, read with exactly two calls: IAM GetAccountSummary and one page of
 * S3 ListBuckets. A count is null when the linked identity may not read it.
 */
export interface AccountUsage {
  iamUsers: number | null
  iamUsersQuota: number | null
  buckets: number | null
  bucketsQuota: number
  /** The actions the linked identity was refused, so admins can be told to grant them. */
  denied: string[]
}

// The default general-purpose bucket quota per account since November 2024. The raised value
// is only in Service Quotas (a third call, and a client byo-s3 does not otherwise need), so
// this default stands in for it.
// TODO: read L-DC2B2D3D with servicequotas:GetServiceQuota once a check may make a third call.
export const DEFAULT_BUCKETS_QUOTA = 10_000

const ACCESS_DENIED = ['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']

export async function readAccountUsage(
  clients: AwsClients,
  credentials: AwsCredentials,
): Promise<AccountUsage> {
  const denied: string[] = []
  const [iam, buckets] = await Promise.all([
    iamUsers(clients, credentials).catch(deniedAs('iam:GetAccountSummary', denied)),
    bucketCount(clients, credentials).catch(deniedAs('s3:ListAllMyBuckets', denied)),
  ])
  return {
    iamUsers: iam?.users ?? null,
    iamUsersQuota: iam?.quota ?? null,
    buckets: buckets ?? null,
    bucketsQuota: DEFAULT_BUCKETS_QUOTA,
    denied: denied.sort(),
  }
}

async function iamUsers(clients: AwsClients, credentials: AwsCredentials) {
  const reply = await clients.iam(credentials).send(new GetAccountSummaryCommand({}))
  const users = reply.SummaryMap?.Users
  const quota = reply.SummaryMap?.UsersQuota
  if (users === undefined || quota === undefined) return undefined

  return {users, quota}
}

/**
 * Paginated on purpose: AWS refuses unpaginated ListBuckets once an account's bucket quota is
 * above 10,000. A continuation token means more buckets than the default quota allows, so the
 * quota was raised to a value this call cannot see: the count is then left unknown rather than
 * compared against the wrong quota.
 */
async function bucketCount(clients: AwsClients, credentials: AwsCredentials) {
  // ListBuckets is global; us-east-1 is where S3 answers it for every region.
  const reply = await clients
    .s3(credentials, 'us-east-1')
    .send(new ListBucketsCommand({MaxBuckets: DEFAULT_BUCKETS_QUOTA}))
  if (reply.ContinuationToken) return undefined

  return reply.Buckets?.length ?? 0
}

// Only a refusal is swallowed: throttling or an outage is thrown, so a job retries it.
function deniedAs(action: string, denied: string[]) {
  return (error: unknown): undefined => {
    if (!isAwsError(error, ...ACCESS_DENIED) && httpStatusOf(error) !== 403) throw error

    denied.push(action)
    return undefined
  }
}
