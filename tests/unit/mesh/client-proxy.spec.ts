/** The client through a real HTTPS proxy (tinyproxy on loopback): CONNECT tunnels, mutual TLS end to end, refusals, authentication. */
import { expect, test } from '@playwright/test';
import { chooseProxy, MeshClientError, type MeshClientOptions } from '../../../src/mesh/index.ts';
import { rejection, startHarness, type Harness } from './helpers.ts';
import { startTinyproxy, type RunningProxy } from './tinyproxy.ts';

const PASSWORD = 'Pr0xy-Secret-9';

let h: Harness;
let open: RunningProxy;
let authenticating: RunningProxy;
test.beforeAll(async () => {
  h = await startHarness({ tls: 'mtls' });
  open = await startTinyproxy();
  authenticating = await startTinyproxy({ basicAuth: { user: 'mesh', password: PASSWORD } });
});
test.afterAll(async () => {
  await open?.stop();
  await authenticating?.stop();
  await h?.close();
});

// The proxy logs on a pipe: a count that must grow is awaited, not read once.
const connects = (proxy: RunningProxy) => proxy.connects(new URL(h.sandbox.baseUrl).host);
const through = (env: Record<string, string>, overrides: Partial<MeshClientOptions> = {}) =>
  h.client('X26ABC1', { env, retry: { attempts: 1 }, ...overrides });

test('HTTPS_PROXY: send and a gzip download go through a CONNECT tunnel with mutual TLS to MESH', async () => {
  const before = connects(open);
  const sender = through({ HTTPS_PROXY: open.url });
  const receiver = h.client('X26ABC2', { env: { https_proxy: open.url } });
  expect(sender.client.route.reason).toBe(`through ${open.url} (HTTPS_PROXY)`);
  await sender.client.handshake();
  const content = Buffer.alloc(300_000, 'proxied ');
  const { messageId } = await sender.client.send({ to: 'X26ABC2', workflowId: 'MESH_ASSURE_TEST' }, content);
  const got = await receiver.client.downloadTo(messageId);
  expect(got.bytes).toBe(content.length);
  await receiver.client.acknowledge(messageId);
  await expect.poll(() => connects(open)).toBeGreaterThan(before);
});

test('the tunnel does not end TLS: without a client certificate MESH itself refuses, through the proxy', async () => {
  const { client } = h.client('X26ABC1', { env: { HTTPS_PROXY: open.url }, tls: {}, retry: { attempts: 1 } });
  const error = await rejection<MeshClientError>(client.handshake());
  expect(error.code).toBe('MESH_ERR_TLS');
});

test('NO_PROXY and MESH_PROXY=none go direct; MESH_PROXY wins over HTTPS_PROXY', async () => {
  const before = connects(open);
  await through({ HTTPS_PROXY: open.url, NO_PROXY: 'example.org, 127.0.0.1' }).client.handshake();
  await through({ HTTPS_PROXY: open.url }, { proxy: 'none' }).client.handshake();
  expect(connects(open)).toBe(before);
  const chosen = through({ HTTPS_PROXY: 'http://127.0.0.1:9' }, { proxy: open.url });
  await chosen.client.handshake();
  expect(chosen.client.route.reason).toBe(`through ${open.url} (MESH_PROXY)`);
  await expect.poll(() => connects(open)).toBe(before + 1);
});

test('a proxy that refuses the tunnel, or is not there, is named in the error', async () => {
  const refusing = await startTinyproxy({ connectPorts: [443] });
  try {
    const refused = await rejection<MeshClientError>(through({ HTTPS_PROXY: refusing.url }).client.handshake());
    expect(refused.code).toBe('MESH_ERR_PROXY');
    expect(refused.message).toMatch(
      new RegExp(
        `^handshake X26ABC1: .* the proxy ${refusing.url} \\(from HTTPS_PROXY\\) refused to open a tunnel to MESH \\(it answered 403\\)`,
      ),
    );
  } finally {
    await refusing.stop();
  }
  const absent = await rejection<MeshClientError>(through({}, { proxy: 'http://127.0.0.1:9' }).client.handshake());
  expect(absent.code).toBe('MESH_ERR_PROXY');
  expect(absent.message).toMatch(
    /the proxy http:\/\/127\.0\.0\.1:9 \(from MESH_PROXY\) could not be reached \(ECONNREFUSED\)/,
  );
});

test('a proxy that needs authentication: refused without or with wrong credentials, never echoing them; passed with them', async () => {
  const port = authenticating.port;
  const none = await rejection<MeshClientError>(through({ HTTPS_PROXY: authenticating.url }).client.handshake());
  expect(none.code).toBe('MESH_ERR_PROXY_AUTH');
  expect(none.message).toMatch(
    new RegExp(
      `the proxy http://127\\.0\\.0\\.1:${port} \\(from HTTPS_PROXY\\) wants credentials it did not get or did not accept \\(407\\)`,
    ),
  );

  const wrong = through({ HTTPS_PROXY: `http://mesh:Wrong-${PASSWORD}@127.0.0.1:${port}` });
  const refused = await rejection<MeshClientError>(wrong.client.handshake());
  expect(refused.code).toBe('MESH_ERR_PROXY_AUTH');
  const right = through({}, { proxy: `http://mesh:${PASSWORD}@127.0.0.1:${port}` });
  await right.client.handshake();
  expect(right.client.route.reason).toBe(`through http://127.0.0.1:${port} (MESH_PROXY)`);

  const everything = JSON.stringify([
    none.message,
    refused.message,
    String(refused.stack),
    wrong.log,
    right.log,
    right.client.route,
    authenticating.log(),
  ]);
  expect(everything).not.toContain(PASSWORD);
});

test('which proxy applies: MESH_PROXY, https_proxy before HTTPS_PROXY, NO_PROXY hosts, suffixes, ports and *', () => {
  const cases: [string, string | undefined, Record<string, string>, string][] = [
    ['https://mesh.example.nhs.uk', undefined, {}, 'direct: no MESH_PROXY or HTTPS_PROXY set'],
    [
      'https://mesh.example.nhs.uk',
      undefined,
      { HTTPS_PROXY: 'proxy:3128' },
      'through http://proxy:3128 (HTTPS_PROXY)',
    ],
    [
      'https://mesh.example.nhs.uk',
      undefined,
      { HTTPS_PROXY: 'http://a:3128', https_proxy: 'http://b:3128' },
      'through http://b:3128 (https_proxy)',
    ],
    [
      'https://mesh.example.nhs.uk',
      undefined,
      { HTTPS_PROXY: 'http://u:p@a:3128' },
      'through http://a:3128 (HTTPS_PROXY)',
    ],
    [
      'https://mesh.example.nhs.uk',
      undefined,
      { HTTPS_PROXY: 'http://a:3128', NO_PROXY: '.nhs.uk' },
      'direct: mesh.example.nhs.uk matches NO_PROXY entry ".nhs.uk"',
    ],
    [
      'https://mesh.example.nhs.uk',
      undefined,
      { HTTPS_PROXY: 'http://a:3128', no_proxy: 'example.nhs.uk:443' },
      'direct: mesh.example.nhs.uk matches NO_PROXY entry "example.nhs.uk:443"',
    ],
    [
      'https://mesh.example.nhs.uk',
      undefined,
      { HTTPS_PROXY: 'http://a:3128', NO_PROXY: 'example.nhs.uk:8443' },
      'through http://a:3128 (HTTPS_PROXY)',
    ],
    [
      'https://mesh.example.nhs.uk',
      undefined,
      { HTTPS_PROXY: 'http://a:3128', NO_PROXY: 'ample.nhs.uk' },
      'through http://a:3128 (HTTPS_PROXY)',
    ],
    [
      'https://mesh.example.nhs.uk',
      undefined,
      { HTTPS_PROXY: 'http://a:3128', NO_PROXY: '*' },
      'direct: mesh.example.nhs.uk matches NO_PROXY entry "*"',
    ],
    [
      'https://mesh.example.nhs.uk',
      'http://m:8080',
      { HTTPS_PROXY: 'http://a:3128', NO_PROXY: '*' },
      'through http://m:8080 (MESH_PROXY)',
    ],
    ['https://mesh.example.nhs.uk', 'none', { HTTPS_PROXY: 'http://a:3128' }, 'direct: MESH_PROXY=none'],
    [
      'http://127.0.0.1:8700',
      undefined,
      { HTTPS_PROXY: 'http://a:3128' },
      'direct: http:// targets use a proxy only when MESH_PROXY is set',
    ],
  ];
  for (const [target, meshProxy, env, reason] of cases)
    expect(chooseProxy(target, meshProxy, env).reason, JSON.stringify([target, meshProxy, env])).toBe(reason);
  expect(() => chooseProxy('https://m.nhs.uk', 'socks5://p:1080', {})).toThrow(
    /MESH_PROXY uses socks5:\/\/, which is not supported/,
  );
});
