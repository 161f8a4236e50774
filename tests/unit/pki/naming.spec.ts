import { expect, test } from '@playwright/test';
import {
  PkiError,
  mailboxIdProblem,
  meshCommonName,
  odsCodeProblem,
  parseMeshCommonName,
} from '../../../src/pki/index.ts';

test('the common name follows <MAILBOX>.<ODS>.api.mesh-client.nhs.uk', () => {
  expect(meshCommonName('X26ABC1', 'X26')).toBe('X26ABC1.X26.api.mesh-client.nhs.uk');
  expect(meshCommonName('SERVER001', 'X26')).toBe('SERVER001.X26.api.mesh-client.nhs.uk');
  expect(meshCommonName('RX8OT001', '8J834')).toBe('RX8OT001.8J834.api.mesh-client.nhs.uk');
});

test('mailbox ids: upper-case letters and digits, with an example in every complaint', () => {
  expect(mailboxIdProblem('X26ABC1')).toBeUndefined();
  expect(mailboxIdProblem('x26abc1')).toBe(
    'mailbox id "x26abc1" is not valid: use upper case: X26ABC1 (for example X26ABC1)',
  );
  for (const bad of ['', 'X26', 'X26-ABC1', 'X26 ABC1', 'X26ABC1.X26', 'A'.repeat(17)]) {
    expect(mailboxIdProblem(bad)).toContain(
      'use 4 to 16 upper-case letters and digits, usually 7 or 8 (for example X26ABC1)',
    );
  }
});

test('ODS codes: 3 to 6 letters and digits', () => {
  for (const good of ['X26', 'RX8', '8J834', 'ABCDEF']) expect(odsCodeProblem(good)).toBeUndefined();
  expect(odsCodeProblem('X2')).toBe(
    'ODS code "X2" is not valid: use 3 to 6 upper-case letters and digits (for example X26, RX8 or 8J834)',
  );
  expect(odsCodeProblem('rx8')).toContain('use upper case: RX8');
  expect(odsCodeProblem('ABCDEFG')).toContain('3 to 6');
});

test('meshCommonName throws a typed error naming the bad part', () => {
  const failure = (mailbox: string, ods: string) => {
    try {
      meshCommonName(mailbox, ods);
    } catch (error) {
      return error;
    }
    throw new Error('no error');
  };
  expect(failure('x26abc1', 'X26')).toMatchObject({ name: 'PkiError', code: 'invalid-mailbox-id' });
  expect(failure('X26ABC1', 'X')).toMatchObject({ code: 'invalid-ods-code' });
  expect(failure('X26ABC1', 'X')).toBeInstanceOf(PkiError);
});

test('a MESH common name splits back into mailbox and ODS code; anything else gives undefined', () => {
  expect(parseMeshCommonName('X26ABC1.X26.api.mesh-client.nhs.uk')).toEqual({ mailboxId: 'X26ABC1', odsCode: 'X26' });
  for (const other of [
    'X26ABC1.api.mesh-client.nhs.uk',
    'X26ABC1.X26.Y.api.mesh-client.nhs.uk',
    'X26ABC1.X26.example.org',
    'x26abc1.X26.api.mesh-client.nhs.uk',
    'localhost',
  ]) {
    expect(parseMeshCommonName(other)).toBeUndefined();
  }
});
