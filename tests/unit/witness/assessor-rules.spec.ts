/** The assessor rules flag what reviewers reported in real server logs, and pass a well-behaved client. */
import { expect, test } from '@playwright/test';
import { checkAssessorRules, type Call } from '../../../fixtures/assessor-rules.ts';

const MB = 'X26ABC1';
const PEER = 'X26ABC2';
let index = 0;
const call = (kind: Call['kind'], extra: Partial<Call> = {}): Call => ({
  index: index++,
  mailbox: MB,
  kind,
  method: 'GET',
  path: '/messageexchange/X26ABC1/x',
  status: 200,
  ...extra,
});
const download = (id: string, status = 200) =>
  call('download', { messageId: id, status, path: `/messageexchange/${MB}/inbox/${id}` });
const rules = (calls: Call[]) => checkAssessorRules(calls).map((v) => v.rule);

test('a well-behaved run breaks no rule', () => {
  const calls = [
    call('handshake'),
    call('handshake', { mailbox: PEER }),
    call('send', { to: PEER, status: 202 }),
    call('track'),
    call('inbox', { mailbox: PEER }),
    download('A'),
    call('acknowledge', { messageId: 'A' }),
    download('B', 410),
    call('inbox'),
  ];
  expect(checkAssessorRules(calls)).toEqual([]);
});

test('no handshake, or a second one, is flagged', () => {
  expect(rules([call('inbox'), call('handshake')])).toEqual(['handshake-once-first', 'handshake-once-first']);
  expect(rules([call('handshake'), call('handshake'), call('handshake')])).toEqual([
    'handshake-once-first',
    'handshake-once-first',
  ]);
});

test('a send followed by neither tracking nor an inbox check is flagged; a refused send is not', () => {
  const other = 'X26ABC3';
  expect(
    rules([
      call('handshake'),
      call('handshake', { mailbox: other }),
      call('send', { to: PEER, status: 202 }),
      call('inbox', { mailbox: other }),
    ]),
  ).toEqual(['inbox-after-send']);
  expect(rules([call('handshake'), call('send', { to: PEER, status: 417 })])).toEqual([]);
});

test('a download not acknowledged straight away, or downloaded twice, is flagged', () => {
  expect(rules([call('handshake'), download('A'), call('inbox'), call('acknowledge', { messageId: 'A' })])).toEqual([
    'ack-after-download',
  ]);
  expect(rules([call('handshake'), download('A'), download('A'), call('acknowledge', { messageId: 'A' })])).toEqual([
    'no-download-twice',
  ]);
  const chunks = [
    download('C'),
    call('download', { messageId: 'C', path: `/messageexchange/${MB}/inbox/C/2` }),
    call('acknowledge', { messageId: 'C' }),
  ];
  expect(rules([call('handshake'), ...chunks])).toEqual([]);
});
