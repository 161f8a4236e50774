/**
 * doctor over the route the client would take: a real sandbox with mutual TLS behind real proxies
 * (tinyproxy on loopback: open, refusing CONNECT to the sandbox's port, asking for credentials).
 */
import { expect, test } from '@playwright/test';
import { CHECK, runDoctor, type CheckResult } from '../../../src/doctor/index.ts';
import { startHarness, type Harness } from '../mesh/helpers.ts';
import { startTinyproxy, type RunningProxy } from '../mesh/tinyproxy.ts';
import { loaderFor, sandboxEnv } from './helpers.ts';

const PASSWORD = 'Pr0xy-Doctor-7';

let h: Harness;
const proxies = new Map<'open' | 'refusing' | 'authenticating', RunningProxy>();
const proxy = (name: 'open' | 'refusing' | 'authenticating') => proxies.get(name)!;
test.beforeAll(async () => {
  h = await startHarness({ tls: 'mtls' });
  proxies.set('open', await startTinyproxy());
  proxies.set('refusing', await startTinyproxy({ connectPorts: [443] }));
  proxies.set('authenticating', await startTinyproxy({ basicAuth: { user: 'mesh', password: PASSWORD } }));
});
test.afterAll(async () => {
  await Promise.all([...proxies.values()].map((running) => running.stop()));
  await h?.close();
});

const mesh = () => new URL(h.sandbox.baseUrl).host;
const line = (results: CheckResult[], name: string) => results.find((r) => r.name === name)!;

interface Row {
  title: string;
  /** Doctor's settings (MESH_*), and the environment the client reads HTTPS_PROXY and NO_PROXY from. */
  settings: () => Record<string, string>;
  env: () => Record<string, string>;
  /** The proxy the reachability check must have asked for a tunnel, or for a direct route the one it must not. */
  asked?: () => RunningProxy;
  bypassed?: () => RunningProxy;
  reachable: () => Record<string, unknown>;
  /** The proxy check's own line, where the row is about the setting rather than the connection. */
  proxyLine?: Record<string, unknown>;
}

const authenticated = (password: string) => `http://mesh:${password}@127.0.0.1:${proxy('authenticating').port}`;

const rows: Row[] = [
  {
    title: 'HTTPS_PROXY: the connection goes through the proxy and says so',
    settings: () => ({}),
    env: () => ({ HTTPS_PROXY: proxy('open').url }),
    asked: () => proxy('open'),
    reachable: () => ({
      status: 'PASS',
      detail: `tunnel to ${mesh()} through the proxy ${proxy('open').url} (from HTTPS_PROXY) opened`,
    }),
  },
  {
    title: 'MESH_PROXY with credentials: through it, the credentials never shown',
    settings: () => ({ MESH_PROXY: authenticated(PASSWORD) }),
    env: () => ({ HTTPS_PROXY: 'http://127.0.0.1:9' }),
    asked: () => proxy('authenticating'),
    reachable: () => ({
      status: 'PASS',
      detail: `tunnel to ${mesh()} through the proxy ${proxy('authenticating').url} (from MESH_PROXY) opened`,
    }),
  },
  {
    title: 'NO_PROXY naming the host: direct, and says so',
    settings: () => ({}),
    env: () => ({ HTTPS_PROXY: proxy('open').url, NO_PROXY: '127.0.0.1' }),
    bypassed: () => proxy('open'),
    reachable: () => ({ status: 'PASS', detail: `TCP connection to ${mesh()} (direct, no proxy)` }),
  },
  {
    title: 'a proxy that refuses the tunnel FAILs reachability with its answer',
    settings: () => ({}),
    env: () => ({ HTTPS_PROXY: proxy('refusing').url }),
    asked: () => proxy('refusing'),
    reachable: () => ({
      status: 'FAIL',
      detail: `the proxy ${proxy('refusing').url} (from HTTPS_PROXY) refused to open a tunnel to ${mesh()} (it answered 403)`,
      fix: expect.stringMatching(/allow CONNECT to .*or NO_PROXY \/ MESH_PROXY=none to go direct/),
    }),
  },
  {
    title: 'a proxy with wrong credentials FAILs reachability as refused credentials, not echoing them',
    settings: () => ({ MESH_PROXY: authenticated(`Wrong-${PASSWORD}`) }),
    env: () => ({}),
    asked: () => proxy('authenticating'),
    reachable: () => ({
      status: 'FAIL',
      detail: expect.stringMatching(
        new RegExp(
          `^the proxy ${proxy('authenticating').url} \\(from MESH_PROXY\\) wants credentials it did not get or did not accept \\(40[17]\\)$`,
        ),
      ),
    }),
  },
  {
    title: 'a proxy that is not there FAILs reachability naming it',
    settings: () => ({ MESH_PROXY: 'http://127.0.0.1:9' }),
    env: () => ({}),
    reachable: () => ({
      status: 'FAIL',
      detail: 'the proxy http://127.0.0.1:9 (from MESH_PROXY) could not be reached (ECONNREFUSED)',
    }),
  },
  {
    title: 'an HTTPS_PROXY the client cannot use FAILs the proxy check and nothing connects',
    settings: () => ({}),
    env: () => ({ HTTPS_PROXY: 'socks5://127.0.0.1:1080' }),
    reachable: () => ({ status: 'SKIP', detail: 'the proxy setting is unusable' }),
    proxyLine: {
      status: 'FAIL',
      detail: expect.stringMatching(/^HTTPS_PROXY uses socks5:\/\/, which is not supported/),
    },
  },
];

for (const row of rows) {
  test(row.title, async () => {
    const watched = row.asked?.() ?? row.bypassed?.();
    const before = watched?.connects(mesh());
    const results = await runDoctor(loaderFor(sandboxEnv(h.sandbox, row.settings())), { env: row.env() });
    const reachable = line(results, CHECK.reachable);
    expect(reachable).toMatchObject(row.reachable());
    if (row.proxyLine) expect(line(results, CHECK.proxy)).toMatchObject(row.proxyLine);
    // The proxy's own log shows whether the checks went through it (its lines arrive on a pipe, so wait
    // for them); a direct route leaves it untouched.
    if (row.asked) await expect.poll(() => watched!.connects(mesh())).toBeGreaterThan(before!);
    if (row.bypassed) expect(watched!.connects(mesh())).toBe(before);
    const later = results.slice(results.indexOf(reachable) + 1);
    if (reachable.status === 'PASS') for (const r of later) expect(r.status, `${r.name}: ${r.detail}`).toBe('PASS');
    else expect(new Set(later.map((r) => r.status))).toEqual(new Set(['SKIP']));
    expect(JSON.stringify(results)).not.toContain(PASSWORD);
  });
}
