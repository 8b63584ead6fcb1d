import type {Queryable} from './db.js'
import {queryRows} from './db.js'

/** An add-on, or its key rotation, that has not moved for longer than its jobs can retry. */
export interface StuckWork {
  addonId: string
  what: 'provisioning' | 'deprovisioning' | 'blocked' | 'rotation'
  since: Date
  reason: string | null
}

/**
 * The bounds are the queues' whole retry windows (jobs/queue.ts): about three hours for
 * provisioning and rotations, a day for deprovisioning. A step or a retry updates the row, so a
 * row older than that is no longer being worked. A blocked add-on waits for an admin at once.
 */
export function stuckWorkOfTeam(db: Queryable, teamId: string): Promise<StuckWork[]> {
  return queryRows<StuckWork>(
    db,
    `select id as "addonId", state as what, updated_at as since, failure_reason as reason
       from resources
      where team_id = $1
        and ((state = 'provisioning' and updated_at < now() - interval '3 hours')
          or (state = 'deprovisioning' and updated_at < now() - interval '24 hours')
          or state = 'blocked')
     union all
     select r.addon_id, 'rotation', r.updated_at, r.failure_reason
       from rotations r join resources s on s.id = r.addon_id
      where s.team_id = $1
        and ((r.state = 'rotating' and r.updated_at < now() - interval '3 hours')
          or (r.state = 'overlap' and r.old_key_deletes_at < now() - interval '1 hour'))
     order by since`,
    [teamId],
  )
}

export interface FailingJob {
  jobId: string
  queue: string
  addonId: string
  state: 'retry' | 'failed'
  retryCount: number
  at: Date
  /** The error's message only: never its stack or data. */
  error: string | null
}

/**
 * The team's jobs that are retrying, or failed with no later run of the same queue for the same
 * add-on completing since. pg-boss keeps finished jobs a week, so older failures are gone.
 */
export function failingJobsOfTeam(db: Queryable, teamId: string, max = 50): Promise<FailingJob[]> {
  return queryRows<FailingJob>(
    db,
    `select j.id::text as "jobId", j.name as queue, j.data->>'addonId' as "addonId", j.state,
            j.retry_count as "retryCount",
            coalesce(j.completed_on, j.started_on, j.created_on) as at,
            j.output->>'message' as error
       from pgboss.job j
      where j.state in ('retry', 'failed')
        and j.data->>'addonId' in (select id::text from resources where team_id = $1)
        and not exists (
          select 1 from pgboss.job later
           where later.name = j.name and later.data->>'addonId' = j.data->>'addonId'
             and later.state = 'completed' and later.created_on > j.created_on)
      order by at desc
      limit $2`,
    [teamId, max],
  )
}
