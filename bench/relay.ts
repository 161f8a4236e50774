/**
 * npm run bench:relay [-- --mb 210 --rounds 3 --plain]
 * The time the recording relay adds. Our client, as the product, sends a chunked message (210 MB by
 * default, in 100 MB chunks) to its own mailbox and downloads and acknowledges it, over mutual TLS on
 * loopback to a sandbox in its own process: directly, and through `mesh-assure relay` (its own process,
 * TLS on both sides), the two back to back in each round, alternating which goes first. The round with the
 * median ratio is reported, with the relay's peak RSS over every round (targets: within 10% of direct,
 * under 150 MiB). `--plain`: the product talks to the relay over plain HTTP (`relay --plain`), which tells
 * the cost of the relay's second TLS leg from the cost of a third process on the machine.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { fileSource, MAX_CHUNK_BYTES, MeshClient, type MeshClientOptions } from '../src/mesh/index.ts';
import { startRelayProcess, type RelayProcess } from '../tests/support/relay-process.ts';
import { startSandboxProcess } from '../tests/support/sandbox-process.ts';

const arg = (name: string, fallback: number): number =>
  Number(process.argv[process.argv.indexOf(`--${name}`) + 1] || fallback) || fallback;
const size = arg('mb', 210) * 1_000_000;
const rounds = arg('rounds', 3);
const plain = process.argv.includes('--plain');
const work = mkdtempSync(join(tmpdir(), 'bench-relay-'));
const payload = join(work, 'payload.bin');
const MAILBOX = 'X26ABC1';

async function writePayload(): Promise<void> {
  // Incompressible: random megabytes (the digests are compared within the run, so they need not repeat).
  const out = createWriteStream(payload);
  for (let i = 0; i < size / 1_000_000; i += 1) if (!out.write(randomBytes(1_000_000))) await once(out, 'drain');
  out.end();
  await finished(out);
}

/** User and system CPU time a process has used (Linux /proc). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Timing {
  send: number;
  download: number;
}

/** Send to itself, then download and acknowledge: seconds for each, the content checked. */
async function transfer(options: MeshClientOptions): Promise<Timing> {
  const client = new MeshClient(options);
  try {
    let t = performance.now();
    const sent = await client.sendChunked({ to: MAILBOX, workflowId: 'MESH_ASSURE_TEST' }, fileSource(payload), {
      chunkSize: MAX_CHUNK_BYTES,
    });
    const send = (performance.now() - t) / 1000;
    t = performance.now();
    const got = await client.downloadTo(sent.messageId, undefined, { acceptGzip: false });
    await client.acknowledge(sent.messageId);
    const download = (performance.now() - t) / 1000;
    if (got.sha256 !== sent.sha256 || got.bytes !== size)
      throw new Error('the downloaded content differs from what was sent');
    return { send, download };
  } finally {
    await client.close();
  }
}

async function main(): Promise<void> {
  console.log(
    `bench:relay: a ${size / 1e6} MB chunked message (${MAX_CHUNK_BYTES / 1e6} MB chunks), mutual TLS on loopback, the product to the relay over ${plain ? 'plain HTTP' : 'TLS'}, ${rounds} rounds`,
  );
  await writePayload();
  const sandbox = await startSandboxProcess(['--mtls', '--data-dir', join(work, 'sandbox')]);
  const tls = (
    sandbox.ready as typeof sandbox.ready & {
      tls: { caCertPath: string; clients: Record<string, { certPath: string; keyPath: string }> };
    }
  ).tls;
  const identity = tls.clients[MAILBOX]!;
  const common = {
    mailboxId: MAILBOX,
    password: 'password',
    sharedKey: sandbox.ready.sharedKey,
    retry: { attempts: 1 },
  };
  const direct: MeshClientOptions = {
    ...common,
    baseUrl: sandbox.ready.baseUrl,
    caCertPath: tls.caCertPath,
    tls: { certPath: identity.certPath, keyPath: identity.keyPath },
  };
  let relay: RelayProcess | undefined;
  try {
    relay = await startRelayProcess(['--data-dir', join(work, 'relay'), ...(plain ? ['--plain'] : [])], {
      MESH_TARGET: sandbox.ready.baseUrl,
      MESH_CA_CERT: tls.caCertPath,
      MESH_CLIENT_CERT: identity.certPath,
      MESH_CLIENT_KEY: identity.keyPath,
      MESH_MAILBOX_ID: MAILBOX,
      MESH_MAILBOX_PASSWORD: 'password',
      MESH_SHARED_KEY: sandbox.ready.sharedKey,
      MESH_WORKFLOW_ID: 'MESH_ASSURE_TEST',
    });
    // The product knows only the relay: its URL and its CA; the relay holds the client certificate.
    const relayed: MeshClientOptions = {
      ...common,
      baseUrl: relay.ready.url,
      ...(relay.ready.caCertPath ? { caCertPath: relay.ready.caCertPath } : {}),
    };
    const results: { direct: Timing; relay: Timing }[] = [];
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 === 1 ? (['direct', 'relay'] as const) : (['relay', 'direct'] as const);
      const timing = {} as { direct: Timing; relay: Timing };
      for (const path of order) timing[path] = await transfer(path === 'direct' ? direct : relayed);
      results.push(timing);
      const total = (t: Timing) => t.send + t.download;
      console.log(
        `round ${round}: direct ${total(timing.direct).toFixed(2)} s (send ${timing.direct.send.toFixed(2)}, download ${timing.direct.download.toFixed(2)}), relay ${total(timing.relay).toFixed(2)} s (send ${timing.relay.send.toFixed(2)}, download ${timing.relay.download.toFixed(2)}): ratio ${(total(timing.relay) / total(timing.direct)).toFixed(3)}`,
      );
    }
    const ratio = (r: (typeof results)[number], part: (t: Timing) => number) => part(r.relay) / part(r.direct);
    const median = (part: (t: Timing) => number) => {
      const sorted = [...results].sort((a, b) => ratio(a, part) - ratio(b, part));
      return sorted[Math.floor(sorted.length / 2)]!;
    };
    const peak = relay.peakRssMib();
    console.log(
      `CPU seconds over all rounds: relay ${cpuSeconds(relay.child.pid!).toFixed(1)}, sandbox ${cpuSeconds(sandbox.child.pid!).toFixed(1)}, this process (the product) ${(process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6).toFixed(1)}`,
    );
    console.log('\n| transfer | direct s | through the relay s | relay / direct |');
    console.log('|---|---|---|---|');
    const parts: [string, (t: Timing) => number][] = [
      ['send', (t) => t.send],
      ['download + ack', (t) => t.download],
      ['both', (t) => t.send + t.download],
    ];
    for (const [name, part] of parts) {
      const r = median(part);
      console.log(
        `| ${name} | ${part(r.direct).toFixed(2)} | ${part(r.relay).toFixed(2)} | ${ratio(r, part).toFixed(3)} |`,
      );
    }
    const both = ratio(median(parts[2]![1]), parts[2]![1]);
    console.log(`\nrelay peak RSS ${peak.toFixed(0)} MiB (target < 150)`);
    console.log(
      `targets: added time within 10% (ratio <= 1.10), peak RSS < 150 MiB: ${both <= 1.1 && peak < 150 ? 'met' : 'NOT met'} (a shared machine: compare the rounds)`,
    );
  } finally {
    await relay?.stop();
    await sandbox.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
