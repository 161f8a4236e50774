/**
 * The one rule for a mailbox id a person types (settings, `csr --mailbox`, `send --to`): upper-case
 * letters and digits as MESH issues them. A lower-case id is refused with its upper-case form, never
 * upper-cased silently, so that the id a person gave is the id every command and certificate uses.
 */
const MAILBOX_ID = /^[A-Z0-9]{4,16}$/;

/** How to fix `value`, or undefined when it is a mailbox id. */
export function mailboxIdFix(value: string): string | undefined {
  if (MAILBOX_ID.test(value)) return undefined;
  return MAILBOX_ID.test(value.toUpperCase())
    ? `use upper case: ${value.toUpperCase()}`
    : 'use 4 to 16 upper-case letters and digits, usually 7 or 8';
}

/** Why `value` is not a mailbox id, with the fix and an example; undefined when it is one. */
export function mailboxIdProblem(value: string): string | undefined {
  const fix = mailboxIdFix(value);
  return fix && `mailbox id "${value}" is not valid: ${fix} (for example X26ABC1)`;
}
