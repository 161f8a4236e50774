/**
 * Over a thousand malformed requests over raw sockets: broken HTTP, oversized headers, broken tokens,
 * truncated, oversized and mis-encoded bodies, bad chunk ranges, unknown routes and methods, stalls.
 * Each must get a 4xx with an error body (never a 500, never a crash), stalls must time out, and the
 * sandbox must serve normal traffic afterwards with earlier messages intact.
 */
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { call, expect, inbox, PEER, send, SUT, test, tokenFor, WORKFLOW } from './helpers.ts';
import type { RunningSandbox } from '../../../src/sandbox/index.ts';

interface RawReply {
  status: number;
  body: string;
}

interface Case {
  name: string;
  /** Bytes to send; the socket stays open afterwards (a stall when the request is incomplete). */
  bytes: Buffer;
}

/** Sends raw bytes and reads one HTTP response (status line, headers, Content-Length body). */
function exchange(port: number, bytes: Buffer, timeoutMs: number): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no response within ${timeoutMs} ms`));
    }, timeoutMs);
    const finish = (): boolean => {
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return false;
      const head = received.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (received.length < end + 4 + length) return false;
      clearTimeout(timer);
      socket.destroy();
      resolve({
        status: Number(head.split(' ')[1]),
        body: received.subarray(end + 4, end + 4 + length).toString('utf8'),
      });
      return true;
    };
    socket.on('data', (d: Buffer) => {
      received = Buffer.concat([received, d]);
      finish();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (!finish()) {
        clearTimeout(timer);
        reject(new Error(`connection closed without a complete response (${received.length} bytes)`));
      }
    });
    socket.write(bytes);
  });
}

/** A small seeded generator, so a failing case can be reproduced. */
function random(seed: number): () => number {
  let x = seed;
  return () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
}

function generateCases(sandbox: RunningSandbox, messageId: string): Case[] {
  const rnd = random(42);
  const pick = <T>(items: T[]): T => items[Math.floor(rnd() * items.length)]!;
  const junk = (n: number) =>
    Array.from({ length: n }, () => String.fromCharCode(33 + Math.floor(rnd() * 94))).join('');
  const req = (
    method: string,
    path: string,
    headers: Record<string, string>,
    body: Buffer | string = '',
    declared?: number,
  ): Buffer => {
    const bodyBytes = Buffer.from(body);
    const lines = [
      `${method} ${path} HTTP/1.1`,
      'Host: 127.0.0.1',
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    if (declared !== undefined || bodyBytes.length > 0) lines.push(`Content-Length: ${declared ?? bodyBytes.length}`);
    return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), bodyBytes]);
  };
  const v2 = { Accept: 'application/vnd.mesh.v2+json' };
  const signed = (mailbox = SUT) => ({ ...v2, Authorization: tokenFor(sandbox, mailbox) });
  const sendHeaders = () => ({ ...signed(), 'mex-to': PEER, 'mex-workflowid': WORKFLOW });
  const outbox = `/messageexchange/${SUT}/outbox`;
  const generators: [string, () => Buffer][] = [
    ['garbage request line', () => Buffer.from(`${junk(5 + Math.floor(rnd() * 40))}\r\n\r\n`)],
    ['bad HTTP version', () => Buffer.from(`GET /health HTTP/${pick(['9.9', 'x', '1.1.1', ''])}\r\n\r\n`)],
    ['control character in a header', () => Buffer.from(`GET /health HTTP/1.1\r\nHost: x\r\nX-Bad: a\x01b\r\n\r\n`)],
    [
      'header without a colon',
      () => Buffer.from(`GET /health HTTP/1.1\r\nHost: x\r\n${junk(10).replace(/:/g, '')}\r\n\r\n`),
    ],
    ['oversized headers', () => req('GET', '/health', { 'X-Big': 'a'.repeat(17_000 + Math.floor(rnd() * 10_000)) })],
    [
      'invalid content-length',
      () =>
        Buffer.from(
          `POST ${outbox} HTTP/1.1\r\nHost: x\r\nContent-Length: ${pick(['abc', '-1', '1e3', '1, 2'])}\r\n\r\n`,
        ),
    ],
    [
      'content-length with transfer-encoding',
      () =>
        Buffer.from(
          `POST ${outbox} HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n`,
        ),
    ],
    [
      'broken chunked encoding',
      () => Buffer.from(`POST ${outbox} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n${junk(5)}\r\n`),
    ],
    [
      'broken token',
      () =>
        req('GET', `/messageexchange/${SUT}/inbox`, {
          ...v2,
          Authorization: pick([
            `NHSMESH ${junk(30)}`,
            junk(60),
            'NHSMESH ',
            `NHSMESH ${SUT}:a:b:c:d`,
            `Basic ${junk(20)}`,
            tokenFor(sandbox, SUT).slice(0, -3) + 'zzz',
          ]),
        }),
    ],
    [
      'bad Accept',
      () =>
        req('GET', `/messageexchange/${SUT}/inbox`, {
          ...signed(),
          Accept: pick([
            'application/vnd.mesh.v2+xml',
            'application/vnd.mesh.v2+json, application/json',
            'application/vnd.mesh.vX+json',
          ]),
        }),
    ],
    ['oversized body (declared)', () => req('POST', outbox, sendHeaders(), 'x', 10 ** 9)],
    [
      'invalid gzip',
      () => req('POST', outbox, { ...sendHeaders(), 'Content-Encoding': 'gzip' }, junk(20 + Math.floor(rnd() * 200))),
    ],
    [
      'truncated gzip',
      () => req('POST', outbox, { ...sendHeaders(), 'Content-Encoding': 'gzip' }, gzipSync(junk(500)).subarray(0, 30)),
    ],
    [
      'unsupported encoding',
      () => req('POST', outbox, { ...sendHeaders(), 'Content-Encoding': pick(['br', 'deflate', junk(8)]) }, 'abc'),
    ],
    [
      'wrong chunk range',
      () =>
        req(
          'POST',
          outbox,
          {
            ...sendHeaders(),
            'mex-chunk-range': pick(['0:1', '2:1', 'a:b', '1-2', '1:', ':', '99999999999:1', junk(6)]),
          },
          'abc',
        ),
    ],
    [
      'chunk for another message',
      () =>
        req(
          'POST',
          `${outbox}/${pick([messageId, 'NOPE', junk(10)])}/${pick(['2', '0', '-1', 'x', '99'])}`,
          { ...signed(), 'mex-chunk-range': '2:2' },
          'abc',
        ),
    ],
    [
      'oversized mex header',
      () =>
        req(
          'POST',
          outbox,
          { ...sendHeaders(), [pick(['mex-subject', 'mex-localid', 'mex-filename', 'mex-to'])]: 'A'.repeat(600) },
          'abc',
        ),
    ],
    ['URL in mex-to', () => req('POST', outbox, { ...sendHeaders(), 'mex-to': `https://${junk(8)}` }, 'abc')],
    ['empty body', () => req('POST', outbox, sendHeaders(), '', 0)],
    [
      'unknown route',
      () => req(pick(['GET', 'POST', 'PUT']), `/${junk(1 + Math.floor(rnd() * 30)).replace(/[?#%]/g, '')}`, signed()),
    ],
    ['wrong method', () => req(pick(['DELETE', 'PATCH', 'PUT', 'OPTIONS']), `/messageexchange/${SUT}/inbox`, signed())],
    ['bad percent-encoding', () => req('GET', `/messageexchange/${SUT}/inbox/%E0%A4%A`, signed())],
    [
      'bad query',
      () =>
        req(
          'GET',
          `/messageexchange/${SUT}/inbox?max_results=${pick(['0', '-5', 'x', '99999999'])}&continue_from=${junk(3)}`,
          signed(),
        ),
    ],
    [
      'bad admin body',
      () =>
        req(
          'POST',
          pick(['/admin/report', '/admin/faults', '/admin/clock/advance', `/admin/message/${messageId}/event`]),
          { 'Content-Type': 'application/json' },
          pick(['{', junk(40), '[]', '{"seconds":-1}', '{"status":7}']),
        ),
    ],
    [
      'download of an unknown message',
      () => req('GET', `/messageexchange/${PEER}/inbox/${junk(12).replace(/[/?#%]/g, '')}`, signed(PEER)),
    ],
  ];
  const cases: Case[] = [];
  for (let i = 0; i < 1_050; i++) {
    const [name, make] = generators[i % generators.length]!;
    cases.push({ name, bytes: make() });
  }
  // Stalls: headers promising more body than is sent, and headers that never end.
  for (let i = 0; i < 20; i++) {
    cases.push({ name: 'content-length with a short body', bytes: req('POST', outbox, sendHeaders(), 'abc', 1000) });
    cases.push({
      name: 'stall half-way through the headers',
      bytes: Buffer.from(`POST ${outbox} HTTP/1.1\r\nHost: x\r\nmex-to: ${PEER}\r\n`),
    });
  }
  return cases;
}

test.describe('bad input', () => {
  test.use({ sandboxOptions: { requestTimeoutMs: 1_000, maxRequestBytes: 5_000_000 } });

  test('1,000+ malformed requests: a 4xx with an error body each, stalls time out, nothing lost', async ({
    sandbox,
  }) => {
    test.setTimeout(180_000);
    const before = await Promise.all([1, 2, 3].map((i) => send(sandbox, SUT, PEER, `kept ${i}`)));
    const cases = generateCases(sandbox, before[0]!);
    expect(cases.length).toBeGreaterThanOrEqual(1_000);
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < cases.length) {
          const c = cases[next++]!;
          try {
            const reply = await exchange(sandbox.port, c.bytes, 10_000);
            statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
            if (reply.status < 400 || reply.status >= 500) problems.push(`${c.name}: status ${reply.status}`);
            else if (!reply.body.trim().startsWith('{'))
              problems.push(`${c.name}: ${reply.status} without a JSON error body`);
          } catch (error) {
            problems.push(`${c.name}: ${(error as Error).message}`);
          }
        }
      }),
    );
    console.log(`bad input: ${cases.length} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(problems).toEqual([]);
    expect(statuses.get(408)).toBeGreaterThanOrEqual(40);

    expect((await inbox(sandbox, PEER)).sort()).toEqual([...before].sort());
    for (const [i, id] of before.entries())
      expect((await call(sandbox, `/messageexchange/${PEER}/inbox/${id}`, { as: PEER })).text).toBe(`kept ${i + 1}`);
    expect(await send(sandbox, SUT, PEER, 'after the storm')).toMatch(/_/);
  });
});
