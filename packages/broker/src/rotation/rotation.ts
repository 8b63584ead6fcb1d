import {BrokerError} from '../errors.js'
import type {Services} from '../services.js'
import {withResourceLock} from '../storage/resource-lock.js'
import {findResource, type Resource} from '../storage/resources.js'
import {
  latestRotation,
  type Rotation,
  runningRotation,
  startRotationRecord,
} from '../storage/rotations.js'
import {queueRotationJob, requireTeamLink} from './rotation-job.js'

/** An add-on's access keys and its latest rotation. Key ids are not secret; secrets never appear. */
export interface RotationView {
  addonId: string
  /** The key the app uses now. */
  accessKeyId: string | null
  state: 'idle' | 'rotating' | 'overlap' | 'failed'
  /** The key the app used before, while it still works. */
  previousAccessKeyId: string | null
  /** When the previous key is deleted (ISO 8601). */
  previousKeyDeletesAt: string | null
  /** When the latest rotation started (ISO 8601). */
  startedAt: string | null
  /** When the latest rotation finished or failed (ISO 8601). */
  finishedAt: string | null
  failureReason: string | null
}

/**
 * Starts rotating the add-on's access key and returns at once; the rotation job does the work.
 * While a rotation runs, including its overlap, starting again returns that rotation.
 */
export async function startRotation(services: Services, addonId: string): Promise<RotationView> {
  return withResourceLock(services.pool, addonId, async (db) => {
    const resource = await findResource(db, addonId)
    if (!resource) throw unknownAddon(addonId)

    if (resource.state !== 'provisioned' || !resource.appAccessKeyId) {
      throw notProvisioned(resource)
    }

    // Refused at once when the team's AWS link is gone, rather than failing in the background.
    if (!(await runningRotation(db, addonId))) await requireTeamLink(db, resource)

    const rotation = await startRotationRecord(db, addonId, resource.appAccessKeyId)
    // Queued again when one is running: a job lost between recording and queueing comes back,
    // and a repeat folds into the waiting job.
    await queueRotationJob(services, rotation)
    return viewOf(resource, rotation)
  })
}

/** The add-on's keys and its latest rotation, if it ever had one. */
export async function rotationOf(services: Services, addonId: string): Promise<RotationView> {
  const resource = await findResource(services.pool, addonId)
  // A deprovisioned, refused or failed add-on has no keys to show, as the dashboard has no page.
  if (!resource || !['provisioning', 'provisioned'].includes(resource.state)) {
    throw unknownAddon(addonId)
  }

  return viewOf(resource, await latestRotation(services.pool, addonId))
}

function viewOf(resource: Resource, rotation: Rotation | undefined): RotationView {
  const oldKeyKept =
    rotation?.state === 'overlap' ||
    (rotation?.state === 'failed' &&
      rotation.steps.includes('config_updated') &&
      !rotation.steps.includes('old_key_deleted'))
  return {
    addonId: resource.id,
    accessKeyId: resource.state === 'provisioned' ? resource.appAccessKeyId : null,
    state: !rotation || rotation.state === 'done' ? 'idle' : rotation.state,
    previousAccessKeyId: oldKeyKept ? rotation!.oldAccessKeyId : null,
    previousKeyDeletesAt:
      rotation?.state === 'overlap' ? (rotation.oldKeyDeletesAt?.toISOString() ?? null) : null,
    startedAt: rotation?.startedAt.toISOString() ?? null,
    finishedAt: rotation?.finishedAt?.toISOString() ?? null,
    failureReason: rotation?.state === 'failed' ? rotation.failureReason : null,
  }
}

function unknownAddon(addonId: string): BrokerError {
  return new BrokerError(404, 'addon_not_found', `byo-s3 has no add-on with id ${addonId}.`)
}

function notProvisioned(resource: Resource): BrokerError {
  const message =
    resource.state === 'provisioning'
      ? `Add-on ${resource.id} is still being created. Rotate its credentials once ` +
        '`heroku addons:wait` says it is ready.'
      : `Add-on ${resource.id} has no credentials to rotate: it is ${resource.state}.`
  return new BrokerError(409, 'not_provisioned', message)
}
