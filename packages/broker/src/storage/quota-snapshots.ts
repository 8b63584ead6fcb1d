import type {AccountUsage} from '../aws/account-quotas.js'
import type {Queryable} from './db.js'
import {queryOne} from './db.js'

export interface QuotaSnapshot extends Omit<AccountUsage, 'denied'> {
  teamId: string
  awsAccountId: string
  checkedAt: Date
}

// Past a day the counts say too little: add-ons come and go, and so do the account's own users.
const FRESH_FOR = '1 day'

const columns = `
  team_id as "teamId", aws_account_id as "awsAccountId", iam_users as "iamUsers",
  iam_users_quota as "iamUsersQuota", buckets, buckets_quota as "bucketsQuota",
  checked_at as "checkedAt"`

export async function saveQuotaSnapshot(
  db: Queryable,
  teamId: string,
  awsAccountId: string,
  usage: AccountUsage,
): Promise<void> {
  await db.query(
    `insert into quota_snapshots
       (team_id, aws_account_id, iam_users, iam_users_quota, buckets, buckets_quota)
     values ($1, $2, $3, $4, $5, $6)
     on conflict (team_id) do update set
       aws_account_id = excluded.aws_account_id, iam_users = excluded.iam_users,
       iam_users_quota = excluded.iam_users_quota, buckets = excluded.buckets,
       buckets_quota = excluded.buckets_quota, checked_at = now()`,
    [teamId, awsAccountId, usage.iamUsers, usage.iamUsersQuota, usage.buckets, usage.bucketsQuota],
  )
}

/** The team's last snapshot of that account, unless it is older than a day. */
export function findFreshQuotaSnapshot(
  db: Queryable,
  teamId: string,
  awsAccountId: string,
): Promise<QuotaSnapshot | undefined> {
  return queryOne<QuotaSnapshot>(
    db,
    `select ${columns} from quota_snapshots
     where team_id = $1 and aws_account_id = $2 and checked_at > now() - $3::interval`,
    [teamId, awsAccountId, FRESH_FOR],
  )
}
