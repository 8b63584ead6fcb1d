import {runScheduledDoctor} from '../doctor/scheduled.js'
import {runPlanChangeJob} from '../plans/plan-change-job.js'
import {runDeprovisionJob} from '../provisioning/deprovision-job.js'
import {runProvisionJob} from '../provisioning/provision-job.js'
import {queueRunningRotations, runRotationJob} from '../rotation/rotation-job.js'
import type {Services} from '../services.js'
import {
  CHANGE_PLAN,
  DELETE_OLD_KEY,
  DEPROVISION,
  DOCTOR,
  type JobQueue,
  PROVISION,
  ROTATE,
} from './queue.js'

/**
 * Works every queue in this process. Several processes may do so at once: jobs lock per add-on.
 * Each job logs through the queue's logger, scoped to the job, its add-on and its team.
 */
export async function startWorkers(
  services: Services,
  jobs: JobQueue,
  pollingIntervalSeconds?: number,
): Promise<void> {
  await jobs.work(
    CHANGE_PLAN,
    ({addonId}, attempt, log) => runPlanChangeJob(services, addonId, log, attempt),
    pollingIntervalSeconds,
  )
  await jobs.work(
    PROVISION,
    ({addonId}, attempt, log) => runProvisionJob(services, addonId, log, attempt),
    pollingIntervalSeconds,
  )
  await jobs.work(
    DEPROVISION,
    ({addonId}, attempt, log) => runDeprovisionJob(services, addonId, log, attempt),
    pollingIntervalSeconds,
  )
  // Both rotation queues run the same resumable job: it carries on from its last recorded step.
  for (const queue of [ROTATE, DELETE_OLD_KEY]) {
    await jobs.work(
      queue,
      ({addonId}, attempt, log) => runRotationJob(services, addonId, log, attempt),
      pollingIntervalSeconds,
    )
  }
  await jobs.workScheduled(
    DOCTOR,
    (log) => runScheduledDoctor(services, log),
    pollingIntervalSeconds,
  )
  await queueRunningRotations(services)
}
