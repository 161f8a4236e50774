/** Mailbox commands: handshake, inbox, ack, track, lookup. */
import type { Command } from 'commander';
import { output, withClient, type GlobalOptions } from '../context.ts';

export function registerMailboxCommands(program: Command): void {
  program
    .command('handshake')
    .description('validate the mailbox (MESH asks for this once a day, before other calls)')
    .option('--json', 'machine-readable output')
    .action(async (options: GlobalOptions) => {
      await withClient(async (client) => {
        await client.handshake();
        output(options, { mailboxId: client.mailboxId, url: client.baseUrl, ok: true }, () => [
          `Mailbox ${client.mailboxId} validated at ${client.baseUrl}`,
        ]);
      });
    });

  program
    .command('inbox')
    .description('list the ids of messages waiting in the inbox (one page of up to 500 unless --all)')
    .option('--all', 'follow every page')
    .option('--max-results <n>', 'ids per page (10..5000)', (v) => Number(v))
    .option('--workflow-filter <filter>', 'MESH workflow filter, for example "!*_ACK*"')
    .option('--json', 'machine-readable output')
    .action(async (options: GlobalOptions & { all?: boolean; maxResults?: number; workflowFilter?: string }) => {
      await withClient(async (client) => {
        const query = { maxResults: options.maxResults, workflowFilter: options.workflowFilter };
        const ids: string[] = [];
        let approx: number | undefined;
        let more = false;
        for await (const page of client.inboxPages(query)) {
          ids.push(...page.messages);
          approx = page.approx_inbox_count;
          more = Boolean(page.links?.next);
          if (!options.all) break;
        }
        output(options, { mailboxId: client.mailboxId, messages: ids, approxInboxCount: approx, more }, () => [
          ...ids,
          `${ids.length} message${ids.length === 1 ? '' : 's'} listed${more ? ' (more pages: use --all)' : ''}`,
        ]);
      });
    });

  program
    .command('ack <messageId>')
    .description('acknowledge a downloaded message, which removes it from the inbox')
    .option('--json', 'machine-readable output')
    .action(async (messageId: string, options: GlobalOptions) => {
      await withClient(async (client) => {
        await client.acknowledge(messageId);
        output(options, { messageId, acknowledged: true }, () => [`Acknowledged ${messageId}`]);
      });
    });

  program
    .command('track <messageId>')
    .description('show the status of a message this mailbox sent')
    .option('--json', 'machine-readable output')
    .action(async (messageId: string, options: GlobalOptions) => {
      await withClient(async (client) => {
        const tracking = await client.track(messageId);
        output(options, tracking, () => Object.entries(tracking).map(([k, v]) => `${k}: ${String(v)}`));
      });
    });

  program
    .command('lookup <odsCode> <workflowId>')
    .description('find the mailboxes of an organisation that receive a workflow')
    .option('--json', 'machine-readable output')
    .action(async (odsCode: string, workflowId: string, options: GlobalOptions) => {
      await withClient(async (client) => {
        const found = await client.lookup(odsCode, workflowId);
        output(options, found, () =>
          found.results.length === 0
            ? [`No mailbox of ${odsCode} receives ${workflowId}`]
            : found.results.map((r) => `${r.mailbox_id}\t${r.mailbox_name}`),
        );
      });
    });
}
