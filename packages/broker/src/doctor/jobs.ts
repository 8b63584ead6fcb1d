import {excerpt} from '../errors.js'
import type {Queryable} from '../storage/db.js'
import {failingJobsOfTeam, stuckWorkOfTeam} from '../storage/job-health.js'
import {finding, type Inspected} from './findings.js'

// Job errors are our own sentences or AWS's and Heroku's messages; kept short all the same.
const MAX_ERROR = 300

const STUCK_ACTIONS = {
  provisioning:
    'Its provisioning job gave up without failing the add-on: destroy the add-on and create it again.',
  deprovisioning:
    'Its deprovisioning job stopped: check the bucket and user in AWS, then destroy the add-on again.',
  blocked: 'Do what the reason says, then destroy the add-on again to let byo-s3 finish.',
  rotation:
    'Its key rotation stopped: run heroku byo-s3:credentials:rotate again to finish or restart it.',
}

/** Add-ons and rotations that stopped moving, and the team's jobs that are retrying or failed. */
export async function jobFindings(db: Queryable, teamId: string): Promise<Inspected[]> {
  const stuck = (await stuckWorkOfTeam(db, teamId)).map(({addonId, what, since, reason}) =>
    finding({
      kind: 'stuck',
      resource: what === 'rotation' ? 'rotation' : 'addon',
      name: addonId,
      addonId,
      problem:
        `${what === 'blocked' ? 'Blocked' : `${capital(what)} without progress`} since ` +
        `${since.toISOString()}${reason ? `: ${excerpt(reason, MAX_ERROR)}` : '.'}`,
      action: STUCK_ACTIONS[what],
    }),
  )
  const failing = (await failingJobsOfTeam(db, teamId)).map((job) =>
    finding({
      kind: 'failing',
      resource: 'job',
      name: job.jobId,
      addonId: job.addonId,
      problem:
        `The ${job.queue} job ${job.state === 'retry' ? 'is retrying' : 'failed'} after ` +
        `${job.retryCount + 1} attempt(s), last at ${job.at.toISOString()}` +
        (job.error ? `: ${excerpt(job.error, MAX_ERROR)}` : '.'),
      action:
        job.state === 'retry'
          ? 'Nothing yet: byo-s3 retries it with backoff. Fix what the error names if it persists.'
          : 'Fix what the error names; the add-on shows the reason in heroku byo-s3:buckets.',
    }),
  )
  return [...stuck, ...failing]
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
