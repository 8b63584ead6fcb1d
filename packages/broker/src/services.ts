import type {Pool} from 'pg'
import type {AwsClients} from './aws/clients.js'
import type {Config} from './config/config.js'
import type {HerokuOAuth} from './heroku/oauth.js'
import type {HerokuPlatform} from './heroku/platform.js'

/** What the broker's routes and jobs work with; built once by the app. */
export interface Services {
  config: Config
  pool: Pool
  oauth: HerokuOAuth
  platform: HerokuPlatform
  aws: AwsClients
}
