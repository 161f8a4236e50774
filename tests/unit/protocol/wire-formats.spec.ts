import { expect, test } from '@playwright/test';
import {
  ChunkRangeError,
  formatChunkRange,
  HeaderBag,
  isoTime,
  isMessageId,
  makeMessageId,
  messageIdTime,
  negotiateVersion,
  parseChunkRange,
  parseErrorBody,
  parseFlag,
} from '../../../src/protocol/index.ts';

test('chunk range parses, formats and explains what is wrong', () => {
  expect(parseChunkRange('2:3')).toEqual({ chunk: 2, total: 3 });
  expect(parseChunkRange(' 1 : 1 ')).toEqual({ chunk: 1, total: 1 });
  expect(parseChunkRange('1:0', { allowEmptyReport: true })).toEqual({ chunk: 1, total: 0 });
  expect(formatChunkRange({ chunk: 4, total: 9 })).toBe('4:9');
  for (const bad of ['1-3', 'a:b', '0:0', '3:2', '', '1:', '1:2:3']) {
    expect(() => parseChunkRange(bad), bad).toThrow(ChunkRangeError);
  }
  expect(() => parseChunkRange('3:2')).toThrow(/chunk 3 is beyond the total of 2/);
  expect(() => parseChunkRange(undefined)).toThrow(/missing/);
  expect(() => formatChunkRange({ chunk: 0, total: 1 })).toThrow(ChunkRangeError);
});

test('message ids use the real format and encode their time', () => {
  const time = new Date('2026-11-24T15:53:21.123Z');
  const id = makeMessageId(time, 456, 'ABC123');
  expect(id).toBe('20261124155321123456_ABC123');
  expect(isMessageId(id)).toBe(true);
  expect(isMessageId(makeMessageId(new Date()))).toBe(true);
  expect(messageIdTime(id)?.toISOString()).toBe('2026-11-24T15:53:21.123Z');
  for (const bad of ['20261124155321123456_abc123', '2026112415532112345_ABC123', 'A'.repeat(32), ''])
    expect(isMessageId(bad), bad).toBe(false);
});

test('isoTime writes what toISOString writes, within a second, across seconds and in the long-year form', () => {
  const second = Date.UTC(2026, 10, 24, 23, 59, 59);
  const times = [0, 1, 9, 10, 99, 100, 999, 1000, 1001].map((ms) => second + ms); // the same second, then the next
  times.push(
    Date.UTC(1969, 11, 31, 23, 59, 59, 5),
    Date.UTC(1969, 11, 31, 23, 59, 59, 999),
    Date.UTC(9999, 11, 31, 23, 59, 59, 999),
  );
  times.push(Date.UTC(10000, 0, 1, 0, 0, 0, 7), Date.UTC(10000, 0, 1, 0, 0, 0, 8)); // toISOString's long form, twice in one second
  for (const ms of times) expect(isoTime(new Date(ms))).toBe(new Date(ms).toISOString());
});

test('headers are read case-insensitively from every source shape', () => {
  const fromObject = new HeaderBag({ 'Mex-Chunk-Range': '1:2', 'content-length': 3, 'set-cookie': ['a', 'b'] });
  expect(fromObject.get('mex-chunk-range')).toBe('1:2');
  expect(fromObject.get('MEX-CHUNK-RANGE')).toBe('1:2');
  expect(fromObject.get('Content-Length')).toBe('3');
  expect(fromObject.mex()).toEqual({ 'mex-chunk-range': '1:2' });
  const fromPairs = new HeaderBag([['MEX-To', 'X26ABC2']]);
  expect(fromPairs.get('mex-to')).toBe('X26ABC2');
  expect(parseFlag(' Yes ')).toBe(true);
  expect(parseFlag('N/A')).toBe(false);
  expect(parseFlag(undefined)).toBe(false);
});

test('Accept negotiation follows the service, including its malformed cases', () => {
  expect(negotiateVersion('application/vnd.mesh.v2+json')).toEqual({ ok: true, version: 2 });
  expect(negotiateVersion('application/vnd.mesh.v2+json; charset=utf-8')).toEqual({ ok: true, version: 2 });
  expect(negotiateVersion('application/vnd.mesh.v3+json')).toEqual({ ok: true, version: 2 });
  expect(negotiateVersion(undefined)).toEqual({ ok: true, version: 1 });
  expect(negotiateVersion('*/*')).toEqual({ ok: true, version: 1 });
  expect(negotiateVersion('application/json')).toEqual({ ok: true, version: 1 });
  expect(negotiateVersion('application/vnd.mesh.v2+json, application/json')).toEqual({ ok: false });
  expect(negotiateVersion('application/vnd.mesh.v2+xml')).toEqual({ ok: false });
});

test('error bodies are read from v1, v2, generic, validation, routing and non-JSON shapes', () => {
  expect(parseErrorBody('{"errorEvent":"SEND","errorCode":"12","errorDescription":"Unregistered to address"}')).toEqual(
    { shape: 'v1', event: 'SEND', code: '12', description: 'Unregistered to address' },
  );
  expect(
    parseErrorBody('{"message_id":"M1","detail":[{"event":"SEND","code":"InvalidHeaderChunks","msg":"bad"}]}'),
  ).toEqual({ shape: 'v2', event: 'SEND', code: 'InvalidHeaderChunks', description: 'bad', messageId: 'M1' });
  expect(parseErrorBody('{"message":"An internal error occurred."}').shape).toBe('generic');
  expect(
    parseErrorBody('{"detail":[{"type":"missing","loc":["header","mex-to"],"msg":"Field required"}]}'),
  ).toMatchObject({ shape: 'validation', description: 'header.mex-to: Field required' });
  expect(parseErrorBody('{"detail":"Not Found"}')).toMatchObject({ shape: 'routing', description: 'Not Found' });
  expect(parseErrorBody('<html>502 Bad Gateway</html>')).toMatchObject({
    shape: 'text',
    description: '<html>502 Bad Gateway</html>',
  });
  expect(parseErrorBody('')).toMatchObject({ shape: 'empty' });
  expect(parseErrorBody('[1,2]').shape).toBe('text');
});
