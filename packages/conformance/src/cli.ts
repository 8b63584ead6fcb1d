import {startHerokuStandIn} from './heroku/stand-in.js'
import {HELP, parseOptions, UsageError} from './options.js'
import {runConformance} from './run.js'

/** The command line: flags, the stand-in, the run, and an exit status (0, 1, or 2 for usage). */
async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let options
  try {
    options = parseOptions(argv, env, env.INIT_CWD ?? process.cwd())
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    console.error(`conformance: ${error.message}\nSee --help for every flag.`)
    return 2
  }
  if (!options) {
    console.log(HELP)
    return 0
  }

  const {run, team, appName} = options
  const service = String(run.manifest.id ?? 'addon')
  const standIn = await startHerokuStandIn({
    port: options.herokuPort,
    host: options.herokuHost,
    clientSecret: options.clientSecret,
    identity: {service, team, appName},
  }).catch((error: NodeJS.ErrnoException) => {
    const port = options.herokuPort
    console.error(`conformance: the Heroku stand-in cannot listen on port ${port} (${error.code}).`)
    console.error('Choose another with --heroku-port.')
  })
  if (!standIn) return 2

  try {
    console.log(`Heroku stand-in (identity host and Platform API): ${standIn.url}`)
    console.log(
      `  point the add-on's Heroku URLs there; for byo-s3: HEROKU_API_URL=${standIn.url} ` +
        `HEROKU_ID_URL=${standIn.url}`,
    )
    console.log(`  its add-ons are on app ${appName} of team ${team.name} (${team.id})`)
    console.log(`Checking ${run.baseUrl} and ${run.ssoUrl}`)
    const report = await runConformance(run, standIn, (line) => console.log(line))
    return report.failed > 0 ? 1 : 0
  } finally {
    await standIn.close()
  }
}

process.exitCode = await main(process.argv.slice(2), process.env)
