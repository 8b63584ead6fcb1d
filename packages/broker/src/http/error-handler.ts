import type {FastifyError, FastifyInstance} from 'fastify'
import {isBrokerError} from '../errors.js'
import {HerokuApiError} from '../heroku/http.js'

/**
 * The one place that turns errors into replies: `{id, message}` for every error, with the
 * details of 5xx kept in the log and out of the reply. Heroku shows `message` to its users.
 */
export function handleErrors(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isBrokerError(error)) {
      if (error.status >= 500) request.log.warn({err: error}, 'request failed')
      return reply.status(error.status).send({id: error.id, message: error.message})
    }

    if (error.validation) {
      return reply
        .status(422)
        .send({id: 'invalid_request', message: `Invalid request: ${error.message}.`})
    }

    if (error instanceof HerokuApiError) {
      request.log.warn({err: error}, 'heroku call failed')
      return reply.status(502).send({id: 'heroku_error', message: `${error.message}. Try again.`})
    }

    if (error.statusCode && error.statusCode < 500) {
      return reply
        .status(error.statusCode)
        .send({id: error.code ?? 'bad_request', message: error.message})
    }

    request.log.error({err: error}, 'request failed')
    return reply.status(500).send({
      id: 'internal_error',
      message:
        'The byo-s3 broker hit an unexpected error. Try again; if it persists, contact its operator.',
    })
  })

  app.setNotFoundHandler((request, reply) => {
    reply
      .status(404)
      .send({id: 'not_found', message: `No route for ${request.method} ${request.url}.`})
  })
}
