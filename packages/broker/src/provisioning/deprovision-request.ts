import type {FastifyBaseLogger as Logger} from 'fastify'
import {DEPROVISION} from '../jobs/queue.js'
import type {Services} from '../services.js'

/**
 * The request part of deprovisioning: answered at once, from stored data only (the app may be
 * gone). A live add-on is handed to the deprovision job; an unknown uuid is remembered as
 * deprovisioned so a late provision request for it gets 410; repeating the call changes nothing.
 */
export async function acceptDeprovision(services: Services, id: string, log: Logger) {
  const {pool, jobs} = services
  const {rows} = await pool.query<{state: string}>(
    `insert into resources (id, state, deprovisioned_at) values ($1, 'deprovisioned', now())
     on conflict (id) do update set
       state = case
         when resources.state in ('provisioning', 'provisioned', 'deprovisioning')
           then 'deprovisioning'
         when resources.state in ('refused', 'failed') then 'deprovisioned'
         else resources.state
       end,
       deprovisioned_at = case
         when resources.state in ('refused', 'failed') then now()
         else resources.deprovisioned_at
       end,
       updated_at = now()
     returning state`,
    [id],
  )

  if (rows[0].state === 'deprovisioning') {
    await jobs.send(DEPROVISION, id)
    log.info({addonId: id}, 'deprovision accepted')
  }
}
