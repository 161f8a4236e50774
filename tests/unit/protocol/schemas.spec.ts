import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { parse } from 'yaml';
import { assertV2Body, schemaProblems, V2_SCHEMAS, type V2BodyName } from '../../../src/protocol/index.ts';

// NHS's published OpenAPI document, kept beside the checkout (not shipped in the project).
const SPEC_PATH = fileURLToPath(new URL('../../../../shared/reference/mesh-api.yaml', import.meta.url));

/** Where each of our schemas stands in the specification: path, method, status. */
const IN_SPEC: Record<V2BodyName, [string, string, string]> = {
  inbox: ['/messageexchange/{mailbox_id}/inbox', 'get', '200'],
  count: ['/messageexchange/{mailbox_id}/count', 'get', '200'],
  send: ['/messageexchange/{mailbox_id}/outbox', 'post', '202'],
  sendChunk: ['/messageexchange/{mailbox_id}/outbox/{message_id}/{chunk_number}', 'post', '202'],
  tracking: ['/messageexchange/{mailbox_id}/outbox/tracking', 'get', '200'],
  lookup: ['/messageexchange/endpointlookup/{ods_code}/{workflow_id}', 'get', '200'],
  workflowSearch: ['/messageexchange/workflowsearch/{workflow_id}', 'get', '200'],
  error: ['/messageexchange/{mailbox_id}/outbox', 'post', '417'],
};

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
}

/** Flattens a schema to `path -> type` lines, so two schemas compare by property names and types. */
function shape(schema: Schema, at = '$'): Map<string, string> {
  const out = new Map<string, string>([[at, schema.type ?? 'any']]);
  for (const [name, child] of Object.entries(schema.properties ?? {}))
    for (const [k, v] of shape(child, `${at}.${name}`)) out.set(k, v);
  if (schema.items) for (const [k, v] of shape(schema.items, `${at}[]`)) out.set(k, v);
  if (typeof schema.additionalProperties === 'object')
    for (const [k, v] of shape(schema.additionalProperties, `${at}.*`)) out.set(k, v);
  return out;
}

test.describe('our v2 schemas agree with mesh-api.yaml', () => {
  test.skip(
    !existsSync(SPEC_PATH),
    `mesh-api.yaml is not at ${SPEC_PATH}: the agreement check needs the shared reference beside the checkout`,
  );

  for (const [name, [path, method, status]] of Object.entries(IN_SPEC) as [V2BodyName, [string, string, string]][]) {
    test(`${name} matches ${method.toUpperCase()} ${path} ${status}`, () => {
      const doc = parse(readFileSync(SPEC_PATH, 'utf8'));
      const spec = doc.paths[path][method].responses[status].content['application/vnd.mesh.v2+json'].schema as Schema;
      const ours = shape(V2_SCHEMAS[name] as Schema);
      const theirs = shape(spec);
      // The spec types error detail items only as "object"; ours names their fields: compare what both describe.
      const common = [...theirs.keys()].filter((k) => ours.has(k));
      expect(
        [...theirs.keys()].filter((k) => !ours.has(k)),
        'properties in the spec missing from ours',
      ).toEqual([]);
      expect(common.map((k) => `${k}: ${ours.get(k)}`)).toEqual(common.map((k) => `${k}: ${theirs.get(k)}`));
      const extra = [...ours.keys()].filter((k) => !theirs.has(k) && !/^\$\.detail\[\]\./.test(k));
      expect(extra, 'properties in ours the spec does not have').toEqual([]);
      const example = (spec as { example?: unknown }).example;
      if (example !== undefined)
        expect(schemaProblems(name, example), 'the spec example validates against ours').toEqual([]);
    });
  }
});

test('validation names every problem of a bad body', () => {
  expect(schemaProblems('inbox', { messages: 'x', approx_inbox_count: -1 })).toEqual([
    '/messages must be array',
    '/approx_inbox_count must be >= 0',
  ]);
  expect(() => assertV2Body('send', {})).toThrow(/"send" schema: \(body\) must have required property 'message_id'/);
  expect(assertV2Body('count', { count: 3 })).toEqual({ count: 3 });
});
