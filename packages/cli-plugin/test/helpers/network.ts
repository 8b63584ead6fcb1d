import nock from 'nock'

const allowedHosts = new Set<string>()
const strayRequests: string[] = []

type UnmatchedRequest = {hostname?: string; href?: string; path?: string}

/**
 * Every request must hit a nock interceptor: one that reaches no mock fails the test, even when
 * the code under test swallowed the network error.
 */
export function watchForStrayRequests(): void {
  nock.disableNetConnect()
  nock.emitter.on('no match', (request: UnmatchedRequest) => {
    if (request.hostname && allowedHosts.has(request.hostname)) return
    strayRequests.push(request.href ?? `${request.hostname}${request.path}`)
  })
}

export function allowRealConnections(hostname: string): void {
  allowedHosts.add(hostname)
  nock.enableNetConnect(hostname)
}

export function resetNetwork(): string[] {
  const stray = strayRequests.splice(0)
  allowedHosts.clear()
  nock.cleanAll()
  nock.disableNetConnect()
  return stray
}
