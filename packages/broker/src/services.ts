import type {Pool} from 'pg'
import type {AwsClients} from './aws/clients.js'
import type {ReadinessOptions} from './aws/readiness.js'
import type {Config} from './config/config.js'
import type {HerokuOAuth} from './heroku/oauth.js'
import type {HerokuPlatform} from './heroku/platform.js'
import type {JobQueue} from './jobs/queue.js'

/** What the broker's routes and jobs work with; built once by the app. */
export interface Services {
  config: Config
  pool: Pool
  oauth: HerokuOAuth
  platform: HerokuPlatform
  aws: AwsClients
  jobs: Pick<JobQueue, 'send'>
  /** How long to wait for a new key to work; tests shorten it. */
  readiness?: ReadinessOptions
  /** Called after each recorded job step; tests use it to simulate a crash at that point. */
  hooks?: {afterStep?: (step: string) => void | Promise<void>}
}
