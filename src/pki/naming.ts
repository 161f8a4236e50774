/** The MESH certificate naming convention: CN=<MAILBOX>.<ODS>.api.mesh-client.nhs.uk. */
import { PkiError } from './errors.ts';

export const MESH_CN_SUFFIX = '.api.mesh-client.nhs.uk';

const MAILBOX_ID = /^[A-Z0-9]{4,16}$/;
const ODS_CODE = /^[A-Z0-9]{3,6}$/;

/** Shared shape of both validators: what is wrong with the value, or undefined when it is fine. */
function formatProblem(label: string, value: string, pattern: RegExp, rule: string, example: string): string | undefined {
  if (pattern.test(value)) return undefined;
  const hint = pattern.test(value.toUpperCase()) ? `use upper case: ${value.toUpperCase()}` : rule;
  return `${label} "${value}" is not valid: ${hint} (for example ${example})`;
}

/** Why a mailbox id is not valid, or undefined when it is. */
export function mailboxIdProblem(mailboxId: string): string | undefined {
  return formatProblem('mailbox id', mailboxId, MAILBOX_ID, 'use 4 to 16 upper-case letters and digits, usually 7 or 8', 'X26ABC1');
}

/** Why an ODS code is not valid, or undefined when it is. */
export function odsCodeProblem(odsCode: string): string | undefined {
  return formatProblem('ODS code', odsCode, ODS_CODE, 'use 3 to 6 upper-case letters and digits', 'X26, RX8 or 8J834');
}

/** The common name a MESH client certificate must carry; throws a PkiError naming the bad part. */
export function meshCommonName(mailboxId: string, odsCode: string): string {
  const mailboxProblem = mailboxIdProblem(mailboxId);
  if (mailboxProblem) throw new PkiError('invalid-mailbox-id', mailboxProblem);
  const odsProblem = odsCodeProblem(odsCode);
  if (odsProblem) throw new PkiError('invalid-ods-code', odsProblem);
  return `${mailboxId}.${odsCode}${MESH_CN_SUFFIX}`;
}

/** Splits a MESH common name back into mailbox id and ODS code; undefined when it does not follow the convention. */
export function parseMeshCommonName(commonName: string): { mailboxId: string; odsCode: string } | undefined {
  if (!commonName.endsWith(MESH_CN_SUFFIX)) return undefined;
  const parts = commonName.slice(0, -MESH_CN_SUFFIX.length).split('.');
  if (parts.length !== 2) return undefined;
  const [mailboxId, odsCode] = parts as [string, string];
  if (mailboxIdProblem(mailboxId) || odsCodeProblem(odsCode)) return undefined;
  return { mailboxId, odsCode };
}
