/** The one error type of the pki module: a code callers can branch on, and a message safe to print. */

export type PkiErrorCode =
  | 'invalid-mailbox-id'
  | 'invalid-ods-code'
  | 'file-unreadable'
  | 'key-unreadable'
  | 'key-passphrase-required'
  | 'key-passphrase-wrong'
  | 'certificate-unreadable'
  | 'pfx-unreadable'
  | 'pfx-passphrase-wrong'
  | 'pfx-unsupported';

/** Messages never carry key material or passphrases, so they can go straight to a terminal or a report. */
export class PkiError extends Error {
  readonly code: PkiErrorCode;

  constructor(code: PkiErrorCode, message: string) {
    super(message);
    this.name = 'PkiError';
    this.code = code;
  }
}
