// The benchmark runs the stub of Heroku and AWS and the load generator in child processes of
// their own, so that neither competes with the broker for its event loop. This is the little
// request/reply protocol over the IPC channel between them.
import {type ChildProcess, fork} from 'node:child_process'
import {fileURLToPath} from 'node:url'

type Handler = (payload: never) => unknown
type Message = {id?: number; command?: string; payload?: unknown}
type Reply = {id: number; result?: unknown; error?: string}

/** A TypeScript module running in a child process, answering commands from this one. */
export class Child {
  readonly #process: ChildProcess
  readonly #pending = new Map<number, {resolve(value: unknown): void; reject(e: Error): void}>()
  #nextId = 0
  #exited: Promise<void>

  private constructor(child: ChildProcess) {
    this.#process = child
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()))
    child.on('message', (message: Reply) => {
      const pending = this.#pending.get(message.id)
      if (!pending) return

      this.#pending.delete(message.id)
      if (message.error === undefined) pending.resolve(message.result)
      else pending.reject(new Error(message.error))
    })
    child.once('exit', (code, signal) => {
      for (const {reject} of this.#pending.values()) {
        reject(new Error(`child process exited (${signal ?? code}) before answering`))
      }
      this.#pending.clear()
    })
  }

  /** Starts `module` under tsx and waits for its `ready` message, which it resolves with. */
  static async start<T>(module: URL): Promise<{child: Child; ready: T}> {
    const child = new Child(
      fork(fileURLToPath(module), [], {
        execArgv: ['--import', import.meta.resolve('tsx')],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    )
    const ready = await new Promise<T>((resolve, reject) => {
      child.#process.once('message', (message: {ready?: T}) => resolve(message.ready as T))
      child.#process.once('exit', (code) => reject(new Error(`${module} exited with ${code}`)))
    })
    return {child, ready}
  }

  ask<T>(command: string, payload?: unknown): Promise<T> {
    const id = ++this.#nextId
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, {resolve: resolve as (value: unknown) => void, reject})
      this.#process.send({id, command, payload})
    })
  }

  /** Ends the child (by its own pid) and waits until it is gone. */
  async stop(): Promise<void> {
    if (this.#process.exitCode === null && this.#process.signalCode === null) {
      this.#process.kill('SIGTERM')
    }

    await this.#exited
  }
}

/**
 * The child's side: answers each command with its handler and tells the parent it is ready.
 * The child ends when the parent goes away, so a benchmark that crashes leaves nothing behind.
 */
export function serveParent(handlers: Record<string, Handler>, ready: unknown): void {
  if (!process.send) throw new Error('This module runs as a child of bench/provision.ts.')

  process.on('message', async ({id, command, payload}: Message) => {
    if (id === undefined || command === undefined) return

    try {
      const handler = handlers[command]
      if (!handler) throw new Error(`unknown command ${command}`)

      process.send!({id, result: await handler(payload as never)})
    } catch (error) {
      process.send!({id, error: error instanceof Error ? error.message : String(error)})
    }
  })
  process.once('disconnect', () => process.exit(0))
  process.send({ready})
}
