import type {FastifyInstance, FastifyRequest} from 'fastify'
import type {Pool} from 'pg'
import {findResource} from '../storage/resources.js'
import {UUID} from './uuid.js'

export interface LogScope {
  addonId?: string
  teamId?: string | null
}

const scopes = new WeakMap<FastifyRequest, LogScope>()

/**
 * Binds the add-on and team a request concerns to its log lines from here on, each once: pino
 * would repeat a key bound twice.
 */
export function scopeLog(request: FastifyRequest, scope: LogScope): void {
  const bound = scopes.get(request) ?? {}
  const added = Object.fromEntries(
    Object.entries(scope).filter(([key, value]) => value && bound[key as keyof LogScope] !== value),
  )
  if (Object.keys(added).length === 0) return

  request.log = request.log.child(added)
  scopes.set(request, {...bound, ...added})
}

/** Binds an add-on and, when the broker knows the add-on, its team. */
export async function scopeLogToAddon(
  request: FastifyRequest,
  pool: Pool,
  addonId: string | undefined,
): Promise<void> {
  if (!addonId || !UUID.test(addonId)) return

  scopeLog(request, {addonId})
  const resource = await findResource(pool, addonId)
  scopeLog(request, {teamId: resource?.teamId})
}

/**
 * Fastify logs "request completed" through the reply's logger, made when the request arrived;
 * hand it the request's, with whatever the route bound since. onResponse hooks run just before.
 */
export function logCompletionInScope(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    reply.log = request.log
  })
}
