import { PassThrough } from 'node:stream';
import { expect, test } from '@playwright/test';
import { progressBar } from '../../../src/cli/progress.ts';
import { formatBytes, parseSize } from '../../../src/cli/sizes.ts';

function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text(): string } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & { text(): string };
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  Object.assign(stream, { isTTY, text: () => text });
  return stream;
}

test('the progress bar draws on a terminal and stays silent in a pipe', async () => {
  const tty = fakeStream(true);
  const bar = progressBar('send f.bin', tty);
  bar.update({ messageId: 'M', chunk: 1, chunks: 4, bytesDone: 25 * 1024 * 1024, bytesTotal: 100 * 1024 * 1024 });
  bar.update({ messageId: 'M', chunk: 4, chunks: 4, bytesDone: 100 * 1024 * 1024, bytesTotal: 100 * 1024 * 1024 });
  bar.done();
  await new Promise((r) => setImmediate(r));
  expect(tty.text()).toContain('\rsend f.bin [######..................] chunk 1/4 25.0 MiB');
  expect(tty.text()).toContain('[########################] chunk 4/4 100.0 MiB');
  expect(tty.text().endsWith('\n')).toBe(true);

  const pipe = fakeStream(false);
  const quiet = progressBar('send f.bin', pipe);
  quiet.update({ messageId: 'M', chunk: 1, chunks: 1, bytesDone: 1, bytesTotal: 1 });
  quiet.done();
  await new Promise((r) => setImmediate(r));
  expect(pipe.text()).toBe('');
});

test('sizes parse with units and format for people', () => {
  expect(parseSize('20MiB')).toBe(20 * 1024 * 1024);
  expect(parseSize('5MB')).toBe(5_000_000);
  expect(parseSize('512 KiB')).toBe(512 * 1024);
  expect(parseSize('1048576')).toBe(1048576);
  expect(() => parseSize('20 parsecs')).toThrow(/"20 parsecs" is not a size/);
  expect(formatBytes(1023)).toBe('1023 B');
  expect(formatBytes(1536)).toBe('1.5 KiB');
  expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GiB');
});
