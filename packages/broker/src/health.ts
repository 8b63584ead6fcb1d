import type {FastifyInstance} from 'fastify'
import type {Pool} from 'pg'

/** `GET /healthz`: 200 when the database answers, 503 when it does not. */
export async function health(app: FastifyInstance, {pool}: {pool: Pool}) {
  app.get('/healthz', async (request, reply) => {
    const started = process.hrtime.bigint()
    try {
      await pool.query('select 1')
    } catch (error) {
      request.log.warn({err: error}, 'database health check failed')
      return reply.status(503).send({status: 'unavailable', database: {ok: false}})
    }

    const latencyMs = Number(process.hrtime.bigint() - started) / 1e6
    return {status: 'ok', database: {ok: true, latencyMs: Math.round(latencyMs * 100) / 100}}
  })
}
