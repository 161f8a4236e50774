/** The message log: records come back in order after reopening, and a torn one is ignored. */
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { replayWal, WalWriter, type BytesLocation } from '../../../src/sandbox/store/wal.ts';

function replay(path: string): { records: { json: unknown; bytes: BytesLocation }[]; size: number } {
  const records: { json: unknown; bytes: BytesLocation }[] = [];
  const size = replayWal(path, (json, bytes) => records.push({ json, bytes }));
  return { records, size };
}

test('records replay in order, their bytes intact, across reopening', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wal-'));
  const path = join(dir, 'messages.log');
  try {
    const first = new WalWriter(path, 0);
    const payloads = [randomBytes(10), randomBytes(3_000_000), randomBytes(2_000_000)];
    const [a] = await first.append([{ json: { n: 1 }, bytes: payloads[0]! }]);
    // Appends made together share a sync, and still land in call order.
    const [[b], [c, d]] = await Promise.all([
      first.append([{ json: { n: 2 }, bytes: payloads[1]! }]),
      first.append([{ json: { n: 3 }, bytes: payloads[2]! }, { json: { n: 4 } }]),
    ]);
    expect([first.read(a!), first.read(b!), first.read(c!)]).toEqual(payloads);
    expect(d).toBeUndefined();
    await first.close();

    const once = replay(path);
    expect(once.records.map((r) => r.json)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);

    const second = new WalWriter(path, once.size);
    await second.append([{ json: { n: 5 }, bytes: Buffer.from('after reopening') }]);
    await second.close();
    const twice = replay(path);
    expect(twice.records.map((r) => r.json)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }]);
    const reader = new WalWriter(path, twice.size);
    expect(reader.read(twice.records[4]!.bytes).toString()).toBe('after reopening');
    await reader.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a torn record at the end is ignored and cut off when the log is reopened', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wal-'));
  const path = join(dir, 'messages.log');
  try {
    const writer = new WalWriter(path, 0);
    await writer.append([{ json: { n: 1 } }]);
    await writer.close();
    const { size } = replay(path);
    // A crash half-way through a record: a header promising more than is there, then garbage.
    const torn = Buffer.alloc(40, 0xab);
    torn.writeUInt32LE(1000, 0);
    const reopened = new WalWriter(path, size);
    await reopened.close();
    appendFileSync(path, torn);
    expect(replay(path).records.map((r) => r.json)).toEqual([{ n: 1 }]);
    const after = new WalWriter(path, replay(path).size);
    await after.append([{ json: { n: 2 } }]);
    await after.close();
    expect(replay(path).records.map((r) => r.json)).toEqual([{ n: 1 }, { n: 2 }]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
