/**
 * npm run bench:relay [-- --mb 210 --rounds 5 --link 1000 --rtt 10 --only link|loopback --plain]
 * The time the recording relay adds. Our client, as the product, sends a chunked message (210 MB by
 * default, in 100 MB chunks) to its own mailbox and downloads and acknowledges it, over mutual TLS to a
 * sandbox in its own process: directly, and through `mesh-assure relay` (its own process, TLS on both
 * sides), the two back to back in each round, alternating which goes first. Two places for the target:
 *   link: across a network link (bench/network-link.ts: 1000 Mbit/s and a 10 ms round trip by default),
 *     as INT or DEP is from a supplier's machine, while the relay sits beside the product as `run` puts it;
 *   loopback: the target on this machine with no network between, the worst case for the relay: product,
 *     relay and target all CPU-bound and sharing this machine's cores.
 * The round with the median ratio is reported, with the relay's peak RSS over every round (targets:
 * within 10% of direct across the link, under 150 MiB). `--plain`: the product talks to the relay over
 * plain HTTP (`relay --plain`), which tells the cost of the relay's second TLS leg from the rest.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { fileSource, MAX_CHUNK_BYTES, MeshClient, type MeshClientOptions } from '../src/mesh/index.ts';
import { startRelayProcess, type RelayProcess } from '../tests/support/relay-process.ts';
import { startSandboxProcess } from '../tests/support/sandbox-process.ts';

function usage(problem: string): never {
  console.error(
    `bench:relay: ${problem} (usage: npm run bench:relay -- [--mb N] [--rounds N] [--link MBIT] [--rtt MS] [--only link|loopback] [--plain])`,
  );
  process.exit(2);
}

/** A numeric option; only the round trip may be 0. */
function arg(name: string, fallback: number, zero = false): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !zero))
    usage(`--${name} takes a number${zero ? '' : ' above 0'}, not "${process.argv[at + 1] ?? ''}"`);
  return value;
}
const size = arg('mb', 210) * 1_000_000;
const rounds = arg('rounds', 5);
const linkMbit = arg('link', 1000);
const rttMs = arg('rtt', 10, true);
const plain = process.argv.includes('--plain');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
if (only !== undefined && only !== 'link' && only !== 'loopback') usage(`--only takes link or loopback, not "${only}"`);
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
function cpuSeconds(pid: number | 'self'): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Timing {
  send: number;
  download: number;
  /** The product session of small messages. */
  session: number;
}

/** A product session of small messages: how much a relay adds to each request rather than to each byte. */
const SESSION_MESSAGES = 50;

/** Send to itself, then download and acknowledge: seconds for each, the content checked. */
async function transfer(options: MeshClientOptions): Promise<Omit<Timing, 'session'>> {
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

/**
 * A product's session: a handshake, SESSION_MESSAGES small messages sent to itself, the inbox listed, each
 * downloaded and acknowledged (two hundred requests, one connection): seconds, every message checked.
 */
async function session(options: MeshClientOptions): Promise<number> {
  const client = new MeshClient(options);
  try {
    const t = performance.now();
    await client.handshake();
    const sent: string[] = [];
    for (let i = 0; i < SESSION_MESSAGES; i += 1)
      sent.push(
        (await client.send({ to: MAILBOX, workflowId: 'MESH_ASSURE_TEST' }, `bench:relay message ${i}`)).messageId,
      );
    const listed = new Set((await client.listInbox()).messages);
    if (!sent.every((id) => listed.has(id))) throw new Error('the inbox does not list every message the session sent');
    for (const id of sent) {
      await client.downloadTo(id);
      await client.acknowledge(id);
    }
    return (performance.now() - t) / 1000;
  } finally {
    await client.close();
  }
}

/** The link process in front of the sandbox's port: its own process, as a network is not the product's CPU. */
async function startLink(targetPort: string): Promise<{ port: string; stop(): void }> {
  const script = fileURLToPath(new URL('network-link.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, targetPort, String(linkMbit), String(rttMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((done, fail) => {
    createInterface({ input: child.stdout! }).once('line', done);
    child.once('exit', (code) => fail(new Error(`the network link exited (${code}) before it was ready`)));
  });
  return { port: line.slice('ready '.length), stop: () => child.kill() };
}

interface Scenario {
  name: 'link' | 'loopback';
  title: string;
  /** The target as the product and the relay reach it. */
  baseUrl: string;
}

type Part = [string, (t: Timing) => number];
const PARTS: Part[] = [
  ['send', (t) => t.send],
  ['download + ack', (t) => t.download],
  ['both', (t) => t.send + t.download],
  [`session (${SESSION_MESSAGES} small messages)`, (t) => t.session],
];

/** Rounds of direct and relayed transfers to one place; the median ratio of send and download together. */
async function measure(scenario: Scenario, settings: { direct: MeshClientOptions; relayEnv: Record<string, string> }) {
  console.log(`\n## ${scenario.title}`);
  const relay: RelayProcess = await startRelayProcess(
    ['--data-dir', join(work, `relay-${scenario.name}`), ...(plain ? ['--plain'] : [])],
    { ...settings.relayEnv, MESH_TARGET: scenario.baseUrl },
  );
  try {
    const direct = { ...settings.direct, baseUrl: scenario.baseUrl };
    // The product knows only the relay: its URL and its CA; the relay holds the client certificate.
    const { tls: _clientTls, caCertPath: _targetCa, ...product } = settings.direct;
    const relayed: MeshClientOptions = {
      ...product,
      baseUrl: relay.ready.url,
      ...(relay.ready.caCertPath ? { caCertPath: relay.ready.caCertPath } : {}),
    };
    const results: { direct: Timing; relay: Timing }[] = [];
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 === 1 ? (['direct', 'relay'] as const) : (['relay', 'direct'] as const);
      const timing = {} as { direct: Timing; relay: Timing };
      for (const path of order) {
        const options = path === 'direct' ? direct : relayed;
        timing[path] = { ...(await transfer(options)), session: await session(options) };
      }
      results.push(timing);
      const show = (t: Timing) =>
        `${(t.send + t.download).toFixed(2)} s (send ${t.send.toFixed(2)}, download ${t.download.toFixed(2)}), session ${t.session.toFixed(2)} s`;
      const total = PARTS[2]![1];
      console.log(
        `round ${round}: direct ${show(timing.direct)}, relay ${show(timing.relay)}: ratio ${(total(timing.relay) / total(timing.direct)).toFixed(3)}`,
      );
    }
    const ratio = (r: (typeof results)[number], part: Part[1]) => part(r.relay) / part(r.direct);
    const median = (part: Part[1]) =>
      [...results].sort((a, b) => ratio(a, part) - ratio(b, part))[Math.floor(results.length / 2)]!;
    console.log(`relay CPU over these rounds: ${cpuSeconds(relay.child.pid!).toFixed(1)} s`);
    console.log('\n| transfer | direct s | through the relay s | relay / direct |');
    console.log('|---|---|---|---|');
    for (const [name, part] of PARTS) {
      const r = median(part);
      console.log(
        `| ${name} | ${part(r.direct).toFixed(2)} | ${part(r.relay).toFixed(2)} | ${ratio(r, part).toFixed(3)} |`,
      );
    }
    const both = PARTS[2]![1];
    const sessionPart = PARTS[3]![1];
    return {
      ratio: ratio(median(both), both),
      sessionRatio: ratio(median(sessionPart), sessionPart),
      peak: relay.peakRssMib(),
    };
  } finally {
    await relay.stop();
  }
}

async function main(): Promise<void> {
  const place = only
    ? `the target ${only === 'link' ? 'across the link' : 'on loopback'}`
    : 'the target across a link and on loopback';
  console.log(
    `bench:relay: a ${size / 1e6} MB chunked message (${MAX_CHUNK_BYTES / 1e6} MB chunks), mutual TLS, the product to the relay over ${plain ? 'plain HTTP' : 'TLS'}, ${place}, ${rounds} rounds, ${availableParallelism()} cores`,
  );
  await writePayload();
  const sandbox = await startSandboxProcess(['--mtls', '--data-dir', join(work, 'sandbox')]);
  const tls = (
    sandbox.ready as typeof sandbox.ready & {
      tls: { caCertPath: string; clients: Record<string, { certPath: string; keyPath: string }> };
    }
  ).tls;
  const identity = tls.clients[MAILBOX]!;
  const direct: MeshClientOptions = {
    mailboxId: MAILBOX,
    password: 'password',
    sharedKey: sandbox.ready.sharedKey,
    retry: { attempts: 1 },
    baseUrl: sandbox.ready.baseUrl,
    caCertPath: tls.caCertPath,
    tls: { certPath: identity.certPath, keyPath: identity.keyPath },
  };
  const relayEnv = {
    MESH_CA_CERT: tls.caCertPath,
    MESH_CLIENT_CERT: identity.certPath,
    MESH_CLIENT_KEY: identity.keyPath,
    MESH_MAILBOX_ID: MAILBOX,
    MESH_MAILBOX_PASSWORD: 'password',
    MESH_SHARED_KEY: sandbox.ready.sharedKey,
    MESH_WORKFLOW_ID: 'MESH_ASSURE_TEST',
  };
  const link = only === 'loopback' ? undefined : await startLink(String(sandbox.ready.port));
  const outcomes: ({ scenario: Scenario } & Awaited<ReturnType<typeof measure>>)[] = [];
  try {
    const scenarios: Scenario[] = [];
    if (link) {
      const url = new URL(sandbox.ready.baseUrl);
      url.port = link.port;
      scenarios.push({
        name: 'link',
        title: `The target across a ${linkMbit} Mbit/s link with a ${rttMs} ms round trip`,
        baseUrl: url.href.replace(/\/$/, ''),
      });
    }
    if (only !== 'link')
      scenarios.push({ name: 'loopback', title: 'The target on loopback, no network', baseUrl: sandbox.ready.baseUrl });
    for (const scenario of scenarios) outcomes.push({ scenario, ...(await measure(scenario, { direct, relayEnv })) });
    console.log(
      `\nCPU seconds over the run: sandbox ${cpuSeconds(sandbox.child.pid!).toFixed(1)}, this process (the product) ${cpuSeconds('self').toFixed(1)}`,
    );
  } finally {
    link?.stop();
    await sandbox.stop();
    rmSync(work, { recursive: true, force: true });
  }
  for (const { scenario, ratio, sessionRatio, peak } of outcomes) {
    const verdict =
      scenario.name === 'link'
        ? `${ratio <= 1.1 && sessionRatio <= 1.1 && peak < 150 ? 'met' : 'NOT met'} (targets: both ratios <= 1.10, peak RSS < 150 MiB)`
        : "the worst case, not a target: no network to hide the relay's CPU behind";
    console.log(
      `${scenario.name}: relay / direct ${ratio.toFixed(3)} for the ${size / 1e6} MB message and ${sessionRatio.toFixed(3)} for the session, relay peak RSS ${peak.toFixed(0)} MiB: ${verdict}`,
    );
  }
}

await main();
