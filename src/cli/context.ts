/** What every MESH command needs: settings from the environment and .env, a client, and output helpers. */
import { loadSettings, type Settings } from '../config/index.ts';
import { clientFor, type MeshClient } from '../mesh/index.ts';

/** The CLI talks to a sandbox started with `mesh-assure sandbox` when nothing else is configured. */
export const CLI_SANDBOX_URL = 'http://127.0.0.1:8700';

export interface GlobalOptions {
  json?: boolean;
}

/** The MESH commands take the workflow as an argument where they need one (`send --workflow`). */
export function cliSettings(): Settings {
  const settings = loadSettings({ unused: ['MESH_WORKFLOW_ID'] });
  return settings.baseUrl ? settings : { ...settings, baseUrl: CLI_SANDBOX_URL };
}

/** Runs `work` with the sut mailbox's client and closes it afterwards. */
export async function withClient<T>(work: (client: MeshClient, settings: Settings) => Promise<T>): Promise<T> {
  const settings = cliSettings();
  const client = clientFor(settings, settings.sut);
  try {
    return await work(client, settings);
  } finally {
    await client.close();
  }
}

/** Prints `value` as JSON with --json, otherwise the human lines. */
export function output(options: GlobalOptions, value: unknown, lines: () => string[]): void {
  if (options.json) console.log(JSON.stringify(value, null, 2));
  else for (const line of lines()) console.log(line);
}
