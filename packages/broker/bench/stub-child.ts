// The stub (stub.ts) in a child process of its own, so that it does not compete with the broker
// for its event loop: commands `calls` and `reset`, and `cpu` for its usage.
import {serveParent} from './child.js'
import {startStub} from './stub.js'

const stub = await startStub()
serveParent(
  {calls: () => stub.calls(), reset: () => stub.reset(), cpu: () => process.cpuUsage()},
  {url: stub.url},
)
