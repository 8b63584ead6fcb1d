import type {FastifyBaseLogger} from 'fastify'
import PgBoss from 'pg-boss'

export const CHANGE_PLAN = 'change-plan'
export const PROVISION = 'provision'
export const DEPROVISION = 'deprovision'
export const ROTATE = 'rotate'
export const DELETE_OLD_KEY = 'delete-old-key'
export const DOCTOR = 'doctor'

/** Every linked team is checked for drift at the start of each hour (UTC). */
export const DOCTOR_SCHEDULE = '0 * * * *'

export interface AddonJob {
  addonId: string
}

export interface JobQueueOptions {
  /** The team an add-on belongs to, bound to the job's log lines when known. */
  teamOf?: (addonId: string) => Promise<string | null | undefined>
  /** Told of every run of a job in this process, for metrics. */
  observeRun?: (run: {queue: string; seconds: number; outcome: 'completed' | 'failed'}) => void
  /**
   * Shorter waits than production's, for tests that run jobs through their retries: the first
   * retry's delay for every queue (backoff doubles it from there), how long a job may run before
   * it counts as lost (its worker died) and is retried, and how often that is checked.
   */
  timing?: {
    retryDelaySeconds?: number
    expireInSeconds?: number
    maintenanceIntervalSeconds?: number
  }
}

export type JobHandler = (
  job: AddonJob,
  attempt: {retryCount: number; retryLimit: number},
  log: FastifyBaseLogger,
) => Promise<void>

/**
 * The broker's durable jobs, kept by pg-boss in the broker's own PostgreSQL (schema `pgboss`).
 * A job is retried with exponential backoff when its handler throws; handlers are written to
 * resume where an earlier attempt stopped, so a retry after a crash is always safe.
 */
export class JobQueue {
  readonly #boss: PgBoss
  readonly #log: FastifyBaseLogger
  #stopping = false
  readonly #options: JobQueueOptions

  constructor(databaseUrl: string, log: FastifyBaseLogger, options: JobQueueOptions = {}) {
    this.#log = log
    this.#options = options
    this.#boss = new PgBoss({
      connectionString: databaseUrl,
      max: 4,
      application_name: 'byo-s3-jobs',
      // Keep finished jobs a week, for anyone reading what happened to an add-on.
      deleteAfterDays: 7,
      ...(options.timing?.maintenanceIntervalSeconds
        ? {maintenanceIntervalSeconds: options.timing.maintenanceIntervalSeconds}
        : {}),
    })
    this.#boss.on('error', (error) => {
      // While stopping, a database that stops too (the embedded one, on Ctrl-C) is expected.
      if (this.#stopping && isAdminShutdown(error)) log.debug({err: error}, 'job queue closed')
      else log.error({err: error}, 'job queue error')
    })
  }

  async start(): Promise<void> {
    await this.#boss.start()
    // A plan change writes a few bucket settings; ten retries from 10 s add up to ~3 hours.
    await this.#boss.createQueue(CHANGE_PLAN, {
      name: CHANGE_PLAN,
      policy: 'stately',
      retryLimit: 10,
      retryDelay: this.#retryDelay(10),
      retryBackoff: true,
      expireInSeconds: this.#expireIn(15 * 60),
    })
    // 'stately' keeps at most one waiting and one running job per add-on: repeats fold in.
    // Provisioning must end within Heroku's 12 hours: ten retries from 10 s add up to ~3 hours.
    await this.#boss.createQueue(PROVISION, {
      name: PROVISION,
      policy: 'stately',
      retryLimit: 10,
      retryDelay: this.#retryDelay(10),
      retryBackoff: true,
      expireInSeconds: this.#expireIn(15 * 60),
    })
    // Emptying a large bucket can take long; each attempt resumes where the last one stopped.
    // Ten retries from 30 s add up to at most a day, well inside pg-boss's 14-day keep window.
    await this.#boss.createQueue(DEPROVISION, {
      name: DEPROVISION,
      policy: 'stately',
      retryLimit: 10,
      retryDelay: this.#retryDelay(30),
      retryBackoff: true,
      expireInSeconds: this.#expireIn(60 * 60),
    })
    // A rotation swaps the keys in one queue, and deletes the old key after the overlap in
    // another, so a deletion waiting for its time never folds into a rotation queued to run now.
    // Each run has ten retries from 10 s, about three hours.
    for (const name of [ROTATE, DELETE_OLD_KEY]) {
      await this.#boss.createQueue(name, {
        name,
        policy: 'stately',
        retryLimit: 10,
        retryDelay: this.#retryDelay(10),
        retryBackoff: true,
        expireInSeconds: this.#expireIn(15 * 60),
      })
    }
    // pg-boss makes one job per tick however many processes schedule it. A failed run is not
    // retried: the next hour's is as good.
    await this.#boss.createQueue(DOCTOR, {
      name: DOCTOR,
      policy: 'singleton',
      retryLimit: 0,
      expireInSeconds: this.#expireIn(50 * 60),
    })
    await this.#boss.schedule(DOCTOR, DOCTOR_SCHEDULE)
  }

  #retryDelay(seconds: number): number {
    return this.#options.timing?.retryDelaySeconds ?? seconds
  }

  #expireIn(seconds: number): number {
    return this.#options.timing?.expireInSeconds ?? seconds
  }

  /**
   * Queues work on one add-on, to start at once or at `startAfter`; a second request while one
   * waits is folded into it.
   */
  async send(
    queue: string,
    addonId: string,
    {startAfter}: {startAfter?: Date} = {},
  ): Promise<void> {
    await this.#boss.send(queue, {addonId}, {singletonKey: addonId, startAfter})
  }

  /** Runs `handler` for each job of `queue`, with a log scoped to the job, its add-on and team. */
  async work(queue: string, handler: JobHandler, pollingIntervalSeconds = 2): Promise<void> {
    await this.#boss.work<AddonJob>(
      queue,
      {includeMetadata: true, pollingIntervalSeconds, batchSize: 1},
      async ([job]) => {
        const {addonId} = job.data
        const teamId = await this.#teamOf(addonId)
        const log = this.#log.child({jobId: job.id, queue, addonId, ...(teamId ? {teamId} : {})})
        log.info({attempt: job.retryCount + 1}, 'job started')
        const started = performance.now()
        let outcome: 'completed' | 'failed' = 'failed'
        try {
          await handler(job.data, job, log)
          outcome = 'completed'
        } finally {
          const seconds = (performance.now() - started) / 1000
          this.#options.observeRun?.({queue, seconds, outcome})
        }

        log.info('job finished')
      },
    )
  }

  // A log line without the team is better than a job that fails for want of one.
  async #teamOf(addonId: string | undefined): Promise<string | null | undefined> {
    if (!addonId || !this.#options.teamOf) return undefined

    try {
      return await this.#options.teamOf(addonId)
    } catch (error) {
      this.#log.warn({err: error, addonId}, 'could not look up the team of a job')
      return undefined
    }
  }

  /** Works a queue whose jobs carry no add-on: the scheduled ones. */
  async workScheduled(
    queue: string,
    handler: (log: FastifyBaseLogger) => Promise<void>,
    pollingIntervalSeconds = 2,
  ): Promise<void> {
    await this.#boss.work(queue, {pollingIntervalSeconds, batchSize: 1}, async ([job]) => {
      const log = this.#log.child({jobId: job.id, queue})
      log.info('job started')
      await handler(log)
      log.info('job finished')
    })
  }

  stop(): Promise<void> {
    this.#stopping = true
    return this.#boss.stop({graceful: true, timeout: 15_000, wait: true})
  }
}

/** PostgreSQL's `admin_shutdown`: the server ended the connection because it is stopping. */
export function isAdminShutdown(error: unknown): boolean {
  return (error as {code?: string} | undefined)?.code === '57P01'
}
