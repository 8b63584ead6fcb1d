import type {Services} from '../services.js'
import {BrokerError} from '../errors.js'
import {findResource, type Resource} from '../storage/resources.js'
import {UUID} from '../http/uuid.js'

/** An add-on one may open the dashboard of: one being created, or one that has its bucket. */
const OPENABLE = new Set(['provisioning', 'provisioned'])

/**
 * The add-on behind a dashboard login or session. Unknown, removed and never-provisioned add-ons
 * get the same 404, at login and on every later request of a session.
 */
export async function openableAddon(services: Services, addonId: string): Promise<Resource> {
  const resource = UUID.test(addonId) ? await findResource(services.pool, addonId) : undefined
  if (!resource || !OPENABLE.has(resource.state)) {
    throw new BrokerError(
      404,
      'addon_not_found',
      'byo-s3 has no active add-on with this id: it may have been removed, or never finished provisioning.',
    )
  }

  return resource
}
