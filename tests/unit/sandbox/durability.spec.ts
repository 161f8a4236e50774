/** Nothing answered 202 is lost: kill -9 the sandbox mid-traffic, restart on its data dir, download everything. */
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { makeAuthToken, MEDIA_V2 } from '../../../src/protocol/index.ts';
import { sha256 } from '../../../src/evidence/checksums.ts';
import { expect, PEER, SUT, test, WORKFLOW } from './helpers.ts';
import { startSandboxProcess, type ReadySandbox } from '../../support/sandbox-process.ts';

async function post(
  sb: ReadySandbox,
  path: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<{ status: number; id?: string }> {
  const res = await request(`${sb.baseUrl}${path}`, {
    method: 'POST',
    headers: {
      accept: MEDIA_V2,
      authorization: makeAuthToken({ sharedKey: sb.sharedKey, mailboxId: SUT, password: 'password' }),
      ...headers,
    },
    body,
  });
  const text = await res.body.text();
  return {
    status: res.statusCode,
    ...(res.statusCode === 202 ? { id: (JSON.parse(text) as { message_id: string }).message_id } : {}),
  };
}

test('every 202-answered message survives SIGKILL byte-identical, chunked ones too', async () => {
  test.setTimeout(120_000);
  const dataDir = await mkdtemp(join(tmpdir(), 'sandbox-crash-'));
  const first = await startSandboxProcess(['--data-dir', dataDir]);
  const sent = new Map<string, Buffer[]>(); // id -> chunks, only once every chunk was answered 202
  let stop = false;
  async function sender(worker: number): Promise<void> {
    for (let i = 0; !stop; i++) {
      // Chunks up to 256 KiB live in the store's log; the larger ones go to chunk files of their own.
      const chunks =
        i % 3 === 0
          ? [randomBytes(70_000), randomBytes(50_000), randomBytes(1_000)]
          : i % 5 === 1
            ? [randomBytes(300_000 + ((i * 7919) % 1_500_000))]
            : [randomBytes(1 + ((i * 7919) % 200_000))];
      const total = chunks.length;
      try {
        const head = await post(
          first.ready,
          `/messageexchange/${SUT}/outbox`,
          {
            'mex-to': PEER,
            'mex-workflowid': WORKFLOW,
            'mex-chunk-range': `1:${total}`,
            'mex-localid': `w${worker}-${i}`,
          },
          chunks[0]!,
        );
        if (head.status !== 202) throw new Error(`send answered ${head.status}`);
        for (let n = 2; n <= total; n++) {
          const more = await post(
            first.ready,
            `/messageexchange/${SUT}/outbox/${head.id}/${n}`,
            { 'mex-chunk-range': `${n}:${total}` },
            chunks[n - 1]!,
          );
          if (more.status !== 202) throw new Error(`chunk answered ${more.status}`);
        }
        sent.set(head.id!, chunks);
      } catch {
        return; // the kill cut this request off: it was never answered 202
      }
    }
  }
  const workers = [0, 1, 2, 3].map(sender);
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  await first.kill();
  stop = true;
  await Promise.all(workers);
  expect(sent.size).toBeGreaterThan(20);

  const second = await startSandboxProcess(['--data-dir', dataDir]);
  const pageOf = async (sb: ReadySandbox, path: string) => {
    const res = await request(`${sb.baseUrl}${path}`, {
      headers: {
        accept: MEDIA_V2,
        authorization: makeAuthToken({ sharedKey: sb.sharedKey, mailboxId: PEER, password: 'password' }),
      },
    });
    return (await res.body.json()) as { messages: string[]; links: { next?: string } };
  };
  try {
    for (const [id, chunks] of sent) {
      for (let n = 1; n <= chunks.length; n++) {
        const res = await request(`${second.ready.baseUrl}/messageexchange/${PEER}/inbox/${id}/${n}`, {
          headers: {
            accept: MEDIA_V2,
            authorization: makeAuthToken({ sharedKey: second.ready.sharedKey, mailboxId: PEER, password: 'password' }),
          },
        });
        const body = Buffer.from(await res.body.arrayBuffer());
        expect(res.statusCode, `${id} chunk ${n}`).toBe(n < chunks.length ? 206 : 200);
        expect(sha256(body), `${id} chunk ${n}`).toBe(sha256(chunks[n - 1]!));
      }
    }
    // The inbox lists them all, and a links.next token taken before a restart still pages on after it.
    const all = await pageOf(second.ready, `/messageexchange/${PEER}/inbox?max_results=5000`);
    for (const id of sent.keys()) expect(all.messages).toContain(id);
    const firstPage = await pageOf(second.ready, `/messageexchange/${PEER}/inbox?max_results=10`);
    expect(await second.stop()).toBe(0);
    const third = await startSandboxProcess(['--data-dir', dataDir]);
    const nextPage = await pageOf(third.ready, firstPage.links.next!);
    await third.stop();
    expect(nextPage.messages).toEqual(all.messages.slice(10, 20));
  } finally {
    await second.stop();
  }
});

test('an acknowledgement answered 200 before SIGKILL is kept or undone, never anything else', async () => {
  test.setTimeout(60_000);
  const dataDir = await mkdtemp(join(tmpdir(), 'sandbox-ack-crash-'));
  const first = await startSandboxProcess(['--data-dir', dataDir]);
  const signed = (sb: ReadySandbox, mailboxId: string) => ({
    accept: MEDIA_V2,
    authorization: makeAuthToken({ sharedKey: sb.sharedKey, mailboxId, password: 'password' }),
  });
  const ids: string[] = [];
  for (let i = 0; i < 40; i++) {
    const sent = await post(
      first.ready,
      `/messageexchange/${SUT}/outbox`,
      { 'mex-to': PEER, 'mex-workflowid': WORKFLOW },
      randomBytes(100 + i),
    );
    ids.push(sent.id!);
  }
  // Kill straight after the last 200, with no pause.
  const acknowledged = ids.slice(0, 30);
  for (const id of acknowledged) {
    const res = await request(`${first.ready.baseUrl}/messageexchange/${PEER}/inbox/${id}/status/acknowledged`, {
      method: 'PUT',
      headers: signed(first.ready, PEER),
    });
    await res.body.text();
    expect(res.statusCode).toBe(200);
  }
  await first.kill();

  const second = await startSandboxProcess(['--data-dir', dataDir]);
  try {
    const res = await request(`${second.ready.baseUrl}/messageexchange/${PEER}/inbox?max_results=5000`, {
      headers: signed(second.ready, PEER),
    });
    const listed = ((await res.body.json()) as { messages: string[] }).messages;
    // Allowed: acknowledged (gone from the inbox, 410) or back in the inbox unacknowledged (at-least-once).
    for (const id of acknowledged) {
      const download = await request(`${second.ready.baseUrl}/messageexchange/${PEER}/inbox/${id}`, {
        headers: signed(second.ready, PEER),
      });
      await download.body.text();
      expect(download.statusCode, id).toBe(listed.includes(id) ? 200 : 410);
    }
    for (const id of ids.slice(30)) expect(listed, `${id} was never acknowledged`).toContain(id);
  } finally {
    await second.stop();
  }
});
