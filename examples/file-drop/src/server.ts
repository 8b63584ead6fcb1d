import {buildApp} from './app.js'

const app = await buildApp({env: process.env})

// Heroku sends SIGTERM before it stops a dyno: finish the requests in flight, then exit.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    app.log.info({signal}, 'shutting down')
    app.close().then(() => process.exit(0))
  })
}

await app.listen({host: '0.0.0.0', port: Number(process.env.PORT ?? 3000)})
