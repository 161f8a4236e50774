/** Set "Mailbox validation": the handshake, once per mailbox per run, before anything else. */
import { callsFromExchanges, callsFromJournal, type Call } from '../../fixtures/assessor-rules.ts';
import { attachJson } from '../../fixtures/evidence-steps.ts';
import { exchangeLog, handshakes } from '../../src/pack/run-state.ts';
import { expect, notDemonstrable, test, witnessCase } from '../../fixtures/witness.ts';

const CLIENT_HEADERS = ['mex-clientversion', 'mex-osname', 'mex-osversion'];

function firstCallsAreHandshakes(calls: Call[], mailboxes: string[]): void {
  for (const mailbox of mailboxes) {
    const own = calls.filter((c) => c.mailbox === mailbox);
    expect(own[0]?.kind, `the first call of ${mailbox}`).toBe('handshake');
    expect(
      own.filter((c) => c.kind === 'handshake'),
      `handshakes of ${mailbox}`,
    ).toHaveLength(1);
  }
}

test(
  ...witnessCase(
    'handshake',
    async ({ pack, step }) => {
      const mailboxes = [...new Set([pack.sut.mailboxId, pack.peer.mailboxId])];
      await step('each mailbox was validated at the start of the run, with its client headers', async () => {
        const recorded = handshakes.all();
        for (const mailbox of mailboxes) {
          const record = recorded[mailbox];
          expect(record, `handshake of ${mailbox}`).toBeDefined();
          const last = record!.exchanges.at(-1)!;
          expect([last.method, last.path, last.status]).toEqual(['POST', `/messageexchange/${mailbox}`, 200]);
          for (const header of CLIENT_HEADERS) expect(last.requestHeaders[header], header).toBeTruthy();
          await attachJson(`handshake of ${mailbox} (HTTP exchanges)`, record!.exchanges);
        }
      });
      await step('our log: the handshake is the first call of each mailbox, and the only one', async () => {
        firstCallsAreHandshakes(callsFromExchanges(exchangeLog.all()), mailboxes);
      });
      if (pack.admin) {
        await step('the sandbox journal agrees', async () => {
          firstCallsAreHandshakes(callsFromJournal(await pack.admin!.journal()), mailboxes);
        });
      }
    },
    async (ctx) => {
      // The product validates when it first runs: its first receive cycle, with nothing waiting yet.
      ctx.needs('receive');
      const dir = await ctx.product.folder('handshake-received');
      const result = await ctx.product.run('receive', { dir }, 'runs its first receive cycle');
      expect(result.code, 'the receive command succeeded').toBe(0);
      const own = await ctx.productRequests();
      if (!own)
        notDemonstrable(
          "the product's handshake is seen only in the server's log: the embedded sandbox's journal, or the recording relay",
        );
      await ctx.step(
        'the journal: the product validated its mailbox first, once, with its client headers',
        async () => {
          const handshakes = own!.filter((r) => r.kind === 'handshake');
          expect(own![0]?.kind, "the product's first request").toBe('handshake');
          expect(handshakes.map((r) => r.status)).toEqual([200]);
          for (const header of CLIENT_HEADERS) expect(handshakes[0]!.headers?.[header], header).toBeTruthy();
        },
      );
    },
  ),
);
