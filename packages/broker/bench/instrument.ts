/*
 * Where a provision request's time goes, measured inside the broker: timers around the services
 * the request path calls (the OAuth grant exchange, the Platform API lookups, pg-boss, Fernet),
 * around the PostgreSQL pool (waiting for a client, and every SQL statement), and around each
 * HTTP request as the broker's server sees it. Wrapping changes nothing the broker does.
 */
import {performance} from 'node:perf_hooks'
import type {FastifyInstance} from 'fastify'
import type {PoolClient} from 'pg'

export interface Timing {
  label: string
  count: number
  totalMs: number
  meanMs: number
  p50Ms: number
  p99Ms: number
}

export class Timings {
  #samples = new Map<string, number[]>()

  record(label: string, ms: number): void {
    const samples = this.#samples.get(label)
    if (samples) samples.push(ms)
    else this.#samples.set(label, [ms])
  }

  reset(): void {
    this.#samples.clear()
  }

  summary(): Timing[] {
    return [...this.#samples].map(([label, samples]) => {
      const sorted = [...samples].sort((a, b) => a - b)
      const totalMs = sorted.reduce((sum, ms) => sum + ms, 0)
      return {
        label,
        count: sorted.length,
        totalMs,
        meanMs: totalMs / sorted.length,
        p50Ms: percentile(sorted, 50),
        p99Ms: percentile(sorted, 99),
      }
    })
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN

  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

export const LABELS = {
  server: 'HTTP request, as the broker sees it',
  poolWait: 'wait for a pooled PostgreSQL client',
  sql: 'one SQL statement (broker pool)',
  grant: 'OAuth grant exchange (POST /oauth/token)',
  addon: 'GET /addons/:id',
  app: 'GET /apps/:id',
  jobSend: 'pg-boss send (own pool of 4)',
  seal: 'Fernet seal',
} as const

type AnyFunction = (...args: unknown[]) => unknown

function timeAsync(target: object, key: string, label: string, timings: Timings): void {
  const owner = target as Record<string, AnyFunction>
  const original = owner[key]
  owner[key] = async function (this: unknown, ...args: unknown[]) {
    const started = performance.now()
    try {
      return await original.apply(this, args)
    } finally {
      timings.record(label, performance.now() - started)
    }
  }
}

function timeSync(target: object, key: string, label: string, timings: Timings): void {
  const owner = target as Record<string, AnyFunction>
  const original = owner[key]
  owner[key] = function (this: unknown, ...args: unknown[]) {
    const started = performance.now()
    try {
      return original.apply(this, args)
    } finally {
      timings.record(label, performance.now() - started)
    }
  }
}

/**
 * Times a function that takes an optional node-style callback or returns a promise, as pg's pool
 * and clients do (the pool calls both styles internally).
 */
function timeEitherStyle(target: object, key: string, label: string, timings: Timings): void {
  const owner = target as Record<string, AnyFunction>
  const original = owner[key]
  owner[key] = function (this: unknown, ...args: unknown[]) {
    const started = performance.now()
    const done = () => timings.record(label, performance.now() - started)
    const last = args.length - 1
    if (typeof args[last] === 'function') {
      const callback = args[last] as AnyFunction
      args[last] = (...results: unknown[]) => {
        done()
        return callback(...results)
      }
      return original.apply(this, args)
    }

    const result = original.apply(this, args)
    if (result instanceof Promise) return result.finally(done)

    done()
    return result
  }
}

/** Installs the timers; call before the app serves its first request. */
export function instrumentBroker(app: FastifyInstance): Timings {
  const timings = new Timings()
  const {services} = app

  app.server.on('request', (_request, response) => {
    const started = performance.now()
    response.once('finish', () => timings.record(LABELS.server, performance.now() - started))
  })

  timeEitherStyle(services.pool, 'connect', LABELS.poolWait, timings)
  const timedClients = new WeakSet<PoolClient>()
  services.pool.on('acquire', (client) => {
    if (timedClients.has(client)) return

    timedClients.add(client)
    timeEitherStyle(client, 'query', LABELS.sql, timings)
  })

  timeAsync(services.oauth, 'exchangeGrant', LABELS.grant, timings)
  timeAsync(services.platform, 'getAddon', LABELS.addon, timings)
  timeAsync(services.platform, 'getApp', LABELS.app, timings)
  timeAsync(services.jobs, 'send', LABELS.jobSend, timings)
  timeSync(services.config.keyRing, 'seal', LABELS.seal, timings)
  return timings
}
