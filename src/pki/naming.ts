/** The MESH certificate naming convention: CN=<MAILBOX>.<ODS>.api.mesh-client.nhs.uk. */
import { mailboxIdProblem } from '../protocol/mailbox-id.ts';
import { PkiError } from './errors.ts';

export { mailboxIdProblem };

export const MESH_CN_SUFFIX = '.api.mesh-client.nhs.uk';

const ODS_CODE = /^[A-Z0-9]{3,6}$/;

/** Why an ODS code is not valid, or undefined when it is. */
export function odsCodeProblem(odsCode: string): string | undefined {
  if (ODS_CODE.test(odsCode)) return undefined;
  const hint = ODS_CODE.test(odsCode.toUpperCase())
    ? `use upper case: ${odsCode.toUpperCase()}`
    : 'use 3 to 6 upper-case letters and digits';
  return `ODS code "${odsCode}" is not valid: ${hint} (for example X26, RX8 or 8J834)`;
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
