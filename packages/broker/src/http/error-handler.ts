import type {FastifyError, FastifyInstance, FastifyReply, FastifyRequest} from 'fastify'
import {isBrokerError} from '../errors.js'
import {HerokuApiError} from '../heroku/http.js'

type Refusal = {id: string; message: string}

/**
 * Fastify's own refusals (an unparsable body, an address it cannot route), under ids of ours:
 * its `FST_ERR_*` codes are not part of the broker's API.
 */
const FRAMEWORK_REFUSALS: Record<string, Refusal> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    id: 'invalid_json',
    message: 'The request body is not valid JSON. Send a JSON object.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    id: 'invalid_json',
    message: 'The request body is empty but labelled JSON. Send a JSON object.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    id: 'invalid_content_length',
    message: 'The request body does not match its Content-Length header.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    id: 'body_too_large',
    message: 'The request body is too large.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    id: 'unsupported_media_type',
    message: 'The broker does not take a request body of this Content-Type.',
  },
  FST_ERR_BAD_URL: {
    id: 'invalid_url',
    message: 'The request address is not a valid URL. Check its percent-encoding.',
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    id: 'uri_too_long',
    message:
      'A name or id in the request address is longer than 100 characters. Check it and try again.',
  },
}

/** Any other refusal by status, for errors that carry one but no code we know. */
const REFUSALS_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  413: 'body_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
}

/**
 * The one place that turns errors into replies: `{id, message}` for every error, with the
 * details of 5xx kept in the log and out of the reply. Heroku shows `message` to its users.
 * Fastify calls it for the errors its router raises before any route runs, too (`frameworkErrors`).
 */
export function replyToError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
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

  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    const known = error.code === undefined ? undefined : FRAMEWORK_REFUSALS[error.code]
    const refusal = known ?? {
      id: REFUSALS_BY_STATUS[error.statusCode] ?? 'client_error',
      message: error.message,
    }
    return reply.status(error.statusCode).send(refusal)
  }

  request.log.error({err: error}, 'request failed')
  return reply.status(500).send({
    id: 'internal_error',
    message:
      'The byo-s3 broker hit an unexpected error. Try again; if it persists, contact its operator.',
  })
}

export function handleErrors(app: FastifyInstance): void {
  app.setErrorHandler(replyToError)

  app.setNotFoundHandler((request, reply) => {
    reply
      .status(404)
      .send({id: 'not_found', message: `No route for ${request.method} ${request.url}.`})
  })
}
