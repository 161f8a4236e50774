/** `mesh-assure judge <journal>`: the product rules' verdicts over a relay or sandbox journal; exits non-zero when a rule fails. */
import type { Command } from 'commander';
import { parseDuration } from '../duration.ts';
import { formatJudgement, judgeJournal, readJournalFile } from '../../relay/judge.ts';
import { output, type GlobalOptions } from '../context.ts';

interface JudgeCliOptions extends GlobalOptions {
  ackWithin: string;
  pollInterval: string;
  handshakeWindow: string;
}

export function registerJudgeCommand(program: Command): void {
  program
    .command('judge <journal>')
    .description(
      "judge the requests in a journal (mesh-assure relay --journal, or a sandbox's journal.jsonl) as assessors read MESH server logs",
    )
    // The MESH specification's limits.
    .option('--ack-within <duration>', 'longest allowed time from a download to its acknowledgement', '60s')
    .option('--poll-interval <duration>', 'shortest allowed time between inbox polls', '5m')
    .option('--handshake-window <duration>', 'a mailbox is validated at most once in this time', '24h')
    .option('--json', 'machine-readable output')
    .action(async (journal: string, options: JudgeCliOptions) => {
      const limits = {
        ackWithinMs: parseDuration('ack-within', options.ackWithin),
        pollIntervalMs: parseDuration('poll-interval', options.pollInterval),
        handshakeWindowMs: parseDuration('handshake-window', options.handshakeWindow),
      };
      const judgements = judgeJournal(await readJournalFile(journal), limits);
      output(options, { journal, limits, mailboxes: judgements }, () => formatJudgement(judgements));
      if (judgements.some((j) => j.rules.some((r) => r.outcome === 'FAIL'))) process.exitCode = 1;
    });
}
