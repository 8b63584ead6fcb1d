import {prompter} from '@heroku-cli/command'

const required = (input: string) => input.length > 0 || 'This field is required'

/**
 * Everything the commands read from the user's terminal, in one object so tests can replace
 * single members. Prompts write their UI to stderr, keeping stdout for data.
 */
export const terminal = {
  isInteractive(): boolean {
    return Boolean(process.stdin.isTTY)
  },

  async prompt(message: string): Promise<string> {
    const {answer} = await prompter.prompt([
      {message, name: 'answer', type: 'input', validate: required},
    ])
    return answer
  },

  async promptHidden(message: string): Promise<string> {
    const {answer} = await prompter.prompt([
      {message, name: 'answer', type: 'password', validate: required},
    ])
    return answer
  },

  async readStdin(): Promise<string> {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk))
    return Buffer.concat(chunks).toString('utf8')
  },
}
