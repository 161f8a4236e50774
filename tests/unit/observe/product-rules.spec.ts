/**
 * The product rules of product mode (and so observe), judged directly over a made-up journal (no sandbox): a well-behaved
 * session passes every rule; each misbehaviour fails its rule alone, and the finding names the request.
 */
import { expect, test } from '@playwright/test';
import * as rules from '../../../src/behaviour/index.ts';
import {
  judgeProduct,
  nextRequestIndex,
  toRequestRecords,
  type ProductFacts,
  type RawRequest,
  type RequestRecord,
  type RuleId,
  type RuleOutcome,
} from '../../../src/behaviour/index.ts';
import { MEDIA_V2 } from '../../../src/protocol/index.ts';

const MB = '/messageexchange/X26ABC1';
const T0 = Date.parse('2026-11-24T12:00:00.000Z');
const FACTS: ProductFacts = {
  handshakeWindowMs: 86_400_000,
  ackWithinMs: 5_000,
  pollIntervalMs: 1_000,
  pagingFrom: new Date(T0 + 500).toISOString(),
  chunked: [{ messageId: 'C', chunks: 3 }],
  reportIds: ['R'],
};

let nonce = 0;
/** One journal entry `atMs` after T0, with a token of its own and the v2 Accept. */
function req(
  atMs: number,
  method: string,
  path: string,
  status = 200,
  headers: Record<string, string> = {},
): RawRequest {
  nonce += 1;
  return {
    time: new Date(T0 + atMs).toISOString(),
    method,
    path: `${MB}${path}`,
    status,
    headers: { accept: MEDIA_V2, ...headers },
    token: { nonce: `n${nonce}`, nonceCount: '0', timestamp: '202611241200' },
  };
}
const IDENTITY = { 'mex-clientversion': 'product==1.0', 'mex-osname': 'Linux', 'mex-osversion': '6.1' };
const GZIP = { 'accept-encoding': 'gzip' };
const download = (atMs: number, id: string, chunk = '') => req(atMs, 'GET', `/inbox/${id}${chunk}`, 200, GZIP);
const ack = (atMs: number, id: string) => req(atMs, 'PUT', `/inbox/${id}/status/acknowledged`);

/** Handshake, send and track, a full page then the next, every message downloaded whole and acknowledged, a poll 2 s later. */
function wellBehaved(): RawRequest[] {
  return [
    req(0, 'POST', '', 200, IDENTITY),
    req(100, 'POST', '/outbox', 202, { 'mex-to': 'X26ABC2' }),
    req(200, 'GET', '/outbox/tracking?messageID=S'),
    req(1000, 'GET', '/inbox'),
    req(1100, 'GET', '/inbox?continue_from=P500'),
    download(1200, 'A'),
    ack(1300, 'A'),
    download(1400, 'C'),
    download(1500, 'C', '/2'),
    download(1600, 'C', '/3'),
    ack(1700, 'C'),
    download(1800, 'R'),
    ack(1900, 'R'),
    req(3000, 'GET', '/inbox'),
  ];
}

const at = (log: RawRequest[], path: string, method = 'GET'): number =>
  log.findIndex((r) => r.path === `${MB}${path}` && r.method === method);
const without = (log: RawRequest[], ...indexes: number[]): RawRequest[] => log.filter((_, i) => !indexes.includes(i));
const replace = (log: RawRequest[], index: number, change: Partial<RawRequest>): RawRequest[] =>
  log.map((r, i) => (i === index ? { ...r, ...change } : r));

interface Case {
  rule: RuleId;
  misbehave(log: RawRequest[]): RawRequest[];
  check(records: RequestRecord[]): RuleOutcome;
  names: RegExp;
}

const CASES: Case[] = [
  {
    rule: 'handshake-once-first',
    misbehave: (log) => [...log, req(4000, 'POST', '', 200, IDENTITY)],
    check: (r) => rules.handshakeOnceFirst(r, { windowMs: FACTS.handshakeWindowMs }),
    names: /^X26ABC1 validated again \(handshake number 2 in this run\)$/,
  },
  {
    // The sandbox answers 400 to it; the journal still shows what was sent.
    rule: 'handshake-headers',
    misbehave: (log) => replace(log, 0, { status: 400, headers: { accept: MEDIA_V2 } }),
    check: rules.handshakeHeaders,
    names: /^handshake #0 POST \/messageexchange\/X26ABC1 400 lacks mex-clientversion, mex-osname, mex-osversion$/,
  },
  {
    rule: 'fresh-token',
    misbehave: (log) => replace(log, at(log, '/inbox?continue_from=P500'), { token: log[at(log, '/inbox')]!.token! }),
    check: rules.freshToken,
    names:
      /^#4 GET \/messageexchange\/X26ABC1\/inbox\?continue_from=P500 200 reused the token \(nonce n\d+, count 0\) of #3$/,
  },
  {
    rule: 'accept-v2',
    misbehave: (log) => replace(log, 2, { headers: { accept: '*/*' } }),
    check: rules.acceptV2,
    names: /^#2 GET \/messageexchange\/X26ABC1\/outbox\/tracking\?messageID=S 200 sent Accept: \*\/\*$/,
  },
  {
    rule: 'inbox-after-send',
    misbehave: (log) => [...without(log, 1, 2), req(4000, 'POST', '/outbox', 202, { 'mex-to': 'X26ABC2' })],
    check: (r) => rules.inboxAfterSend(r, { inboxOf: 'sender' }),
    names: /^X26ABC1 sent to X26ABC2 and neither tracked the message nor checked its inbox afterwards$/,
  },
  {
    rule: 'ack-within',
    // Next, but late: the time, not the order, breaks this rule.
    misbehave: (log) =>
      replace(log, at(log, '/inbox/A/status/acknowledged', 'PUT'), { time: new Date(T0 + 7000).toISOString() }),
    check: (r) => rules.ackWithin(r, FACTS.ackWithinMs),
    names: /^#5 GET \/messageexchange\/X26ABC1\/inbox\/A 200: A acknowledged 5800 ms later by #6 \(allowed 5000 ms\)$/,
  },
  {
    rule: 'ack-after-download',
    misbehave: (log) => [...log.slice(0, 6), req(1250, 'GET', '/outbox/tracking?messageID=S'), ...log.slice(6)],
    check: rules.ackAfterDownload,
    names:
      /^X26ABC1 downloaded A and then did GET \/messageexchange\/X26ABC1\/outbox\/tracking\?messageID=S instead of acknowledging it$/,
  },
  {
    rule: 'no-download-twice',
    misbehave: (log) => [...log.slice(0, 6), download(1250, 'A'), ...log.slice(6)],
    check: rules.noDownloadTwice,
    names: /^X26ABC1 downloaded A 2 times before acknowledging it$/,
  },
  {
    rule: 'paging',
    misbehave: (log) => without(log, at(log, '/inbox?continue_from=P500')),
    check: (r) => rules.pagingPast500(r, FACTS.pagingFrom!, FACTS.pollIntervalMs),
    names:
      /^after the full page of #3 GET \/messageexchange\/X26ABC1\/inbox 200 the product paused 1100 ms before its next poll #12 GET \/messageexchange\/X26ABC1\/inbox 200 \(continue_from never used\)$/,
  },
  {
    rule: 'accept-gzip',
    misbehave: (log) => replace(log, at(log, '/inbox/A'), { headers: { accept: MEDIA_V2 } }),
    check: rules.acceptGzipOnDownloads,
    names: /^#5 GET \/messageexchange\/X26ABC1\/inbox\/A 200 sent Accept-Encoding: \(none\)$/,
  },
  {
    rule: 'chunked-whole',
    misbehave: (log) => without(log, at(log, '/inbox/C/2'), at(log, '/inbox/C/3')),
    check: (r) => rules.chunkedFetchedWhole(r, FACTS.chunked),
    names:
      /^C: chunks 2, 3 of 3 never fetched before its acknowledgement #8 PUT \/messageexchange\/X26ABC1\/inbox\/C\/status\/acknowledged 200$/,
  },
  {
    rule: 'report-handled',
    misbehave: (log) => without(log, at(log, '/inbox/R'), at(log, '/inbox/R/status/acknowledged', 'PUT')),
    check: (r) => rules.reportHandled(r, FACTS.reportIds),
    names: /^the REPORT R was never downloaded$/,
  },
  {
    rule: 'poll-interval',
    misbehave: (log) => [...log, req(3400, 'GET', '/inbox')],
    check: (r) => rules.pollInterval(r, FACTS.pollIntervalMs),
    names:
      /^#14 GET \/messageexchange\/X26ABC1\/inbox 200 polled 400 ms after #13 GET \/messageexchange\/X26ABC1\/inbox 200 with nothing downloaded between \(interval 1000 ms\)$/,
  },
];

test('a well-behaved session passes every product rule, each with the requests that prove it', () => {
  const verdicts = judgeProduct(toRequestRecords(wellBehaved()), FACTS);
  expect(verdicts.filter((v) => !v.passed).map((v) => v.violations)).toEqual([]);
  expect(verdicts.map((v) => v.rule).sort()).toEqual(CASES.map((c) => c.rule).sort());
  for (const v of verdicts) expect(v.proof.length, v.rule).toBeGreaterThan(0);
  expect(verdicts.find((v) => v.rule === 'chunked-whole')!.proof.map((p) => p.messageId)).toEqual(['C', 'C', 'C']);
});

for (const { rule, misbehave, check, names } of CASES) {
  test(`${rule}: passes the well-behaved session, fails the misbehaving one alone, naming the request`, () => {
    expect(check(toRequestRecords(wellBehaved())).violations).toEqual([]);
    const records = toRequestRecords(misbehave(wellBehaved()));
    expect(check(records).violations.map((v) => v.text)).toEqual([expect.stringMatching(names)]);
    expect(
      judgeProduct(records, FACTS)
        .filter((v) => !v.passed)
        .map((v) => v.rule),
    ).toEqual([rule]);
  });
}

test('Accept: */*, v1 and no Accept at all each negotiate v1 and break accept-v2', () => {
  const log = ['*/*', 'application/vnd.mesh.v1+json', undefined].map((accept, i): RawRequest => ({
    ...req(i, 'GET', '/inbox'),
    headers: accept ? { accept } : {},
  }));
  expect(rules.acceptV2(toRequestRecords(log)).violations.map((v) => v.text)).toEqual([
    '#0 GET /messageexchange/X26ABC1/inbox 200 sent Accept: */*',
    '#1 GET /messageexchange/X26ABC1/inbox 200 sent Accept: application/vnd.mesh.v1+json',
    '#2 GET /messageexchange/X26ABC1/inbox 200 sent Accept: (none)',
  ]);
});

test('a poll after a download is not too soon: the poll before found work', () => {
  const log = [req(0, 'GET', '/inbox'), download(100, 'A'), ack(200, 'A'), req(300, 'GET', '/inbox')];
  expect(rules.pollInterval(toRequestRecords(log), 1_000).violations).toEqual([]);
});

test('a chunked message never downloaded is named as such', () => {
  expect(rules.chunkedFetchedWhole([], FACTS.chunked).violations.map((v) => v.text)).toEqual([
    'the chunked message C (3 chunks) was never downloaded',
  ]);
});

test('a rule with nothing to judge is not shown, never passed: ack-within with no download, paging and REPORTs without their facts', () => {
  const records = toRequestRecords([
    req(0, 'POST', '', 200, IDENTITY),
    req(100, 'POST', '/outbox', 202, { 'mex-to': 'X26ABC2' }),
    req(200, 'GET', '/outbox/tracking?messageID=S'),
  ]);
  const verdicts = judgeProduct(records, { ...FACTS, pagingFrom: undefined, chunked: [], reportIds: [] });
  const status = Object.fromEntries(verdicts.map((v) => [v.rule, v.status]));
  expect(status).toMatchObject({
    'ack-within': 'not-shown',
    'ack-after-download': 'not-shown',
    paging: 'not-shown',
    'chunked-whole': 'not-shown',
    'report-handled': 'not-shown',
    'inbox-after-send': 'passed',
  });
  expect(verdicts.filter((v) => v.status === 'not-shown').every((v) => !v.passed && v.proof.length === 0)).toBe(true);
});

test('judged from a case onwards: earlier requests inform run-wide rules, but only the case is judged', () => {
  const log = wellBehaved();
  const records = toRequestRecords([...log, req(4000, 'POST', '', 200, IDENTITY), req(4100, 'GET', '/inbox')]);
  const verdicts = judgeProduct(records, { ...FACTS, pagingFrom: undefined, chunked: [], reportIds: [] }, log.length);
  const status = Object.fromEntries(verdicts.map((v) => [v.rule, v.status]));
  // The second handshake is wrong because of the first, before the case; the case downloaded nothing.
  expect(status).toMatchObject({
    'handshake-once-first': 'failed',
    'handshake-headers': 'passed',
    'ack-within': 'not-shown',
    'no-download-twice': 'not-shown',
  });
});

test("a case's requests start after the last request seen, even when the journal holds a call that is not MESH's", () => {
  const stray = req(0, 'GET', '/no-such-endpoint', 404);
  const before = [stray, req(100, 'GET', '')];
  const from = nextRequestIndex(toRequestRecords(before));
  const after = toRequestRecords([...before, req(200, 'GET', '/inbox')]).filter((r) => r.index >= from);
  expect(after.map((r) => r.kind)).toEqual(['inbox']);
  expect(nextRequestIndex([])).toBe(0);
});
