import {ByoS3Error, ExitCode} from './errors.js'
import {terminal} from './terminal.js'

/**
 * Asks the user to type the team's name, unless --confirm already carries it. Without a
 * terminal there is nobody to ask, so the command stops and says which flag to pass.
 */
export async function confirmTeam(
  team: string,
  confirmation: string | undefined,
  {action, warning}: {action: string; warning: string},
): Promise<void> {
  if (!confirmation && !terminal.isInteractive()) {
    throw new ByoS3Error(
      `${action} needs a confirmation and stdin is not a terminal. Pass --confirm ${team}.`,
      ExitCode.usage,
    )
  }

  if (confirmation === team) return

  try {
    // Loaded only to prompt: it brings the whole of heroku-cli-util's output code (see output.ts).
    const {hux} = await import('@heroku/heroku-cli-util')
    await hux.confirmCommand({
      comparison: team,
      confirmation,
      promptFunction: (message: string) => terminal.prompt(message),
      warningMessage: warning,
    })
  } catch (error) {
    throw new ByoS3Error((error as Error).message, ExitCode.usage)
  }
}

export function confirmUnlink(team: string, confirmation: string | undefined): Promise<void> {
  return confirmTeam(team, confirmation, {
    action: `Unlinking team ${team}`,
    warning: `This unlinks team ${team} from its AWS account. Its apps cannot create byo-s3 add-ons until it is linked again.`,
  })
}

export function confirmNewExternalId(team: string, confirmation: string | undefined) {
  return confirmTeam(team, confirmation, {
    action: `Replacing the External ID of team ${team}`,
    warning: `This replaces the External ID byo-s3 presents for team ${team}. A role linked now stops working until its trust policy names the new External ID.`,
  })
}

export function confirmFix(team: string, confirmation: string | undefined): Promise<void> {
  return confirmTeam(team, confirmation, {
    action: `Repairing team ${team}`,
    warning: `This deletes IAM users and access keys of team ${team} that belong to no add-on, and applies drifted bucket settings again. Buckets are never deleted.`,
  })
}
