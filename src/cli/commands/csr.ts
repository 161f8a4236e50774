/** `mesh-assure csr`: the private key and certificate signing request for a MESH mailbox's client certificate. */
import type { Command } from 'commander';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createMeshCsr, meshCommonName, writePrivateFile } from '../../pki/index.ts';

interface CsrOptions {
  mailbox: string;
  ods: string;
  out: string;
  passphraseEnv?: string;
  force?: boolean;
  json?: boolean;
}

const NEXT_STEPS = {
  ptl: 'Path to Live (INT/DEP): email the .csr file (never the .key) to itoc.supportdesk@nhs.net, naming the mailbox.',
  live: 'Live: email the .csr to ssd.nationalservicedesk@nhs.net together with your conformance certificate.',
  serverTrust:
    'mesh-assure verifies the MESH servers against the NHS PTL G2 root and INT sub-CA (and the live G2 chain), which it ships in src/pki/ca/.',
};

function passphraseFrom(variable: string | undefined): string | undefined {
  if (variable === undefined) return undefined;
  const value = process.env[variable];
  if (!value)
    throw new Error(
      `--passphrase-env ${variable}: that environment variable is unset or empty; set it to the passphrase, or leave out --passphrase-env for an unencrypted key`,
    );
  return value;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

export function registerCsrCommand(program: Command): void {
  program
    .command('csr')
    .description('make the private key and certificate signing request (CSR) for a MESH mailbox client certificate')
    .requiredOption('--mailbox <id>', 'mailbox id, for example X26ABC1')
    .requiredOption('--ods <code>', "the organisation's ODS code, for example X26")
    .option('--out <dir>', 'folder for <mailbox>.key and <mailbox>.csr', '.')
    .option('--passphrase-env <var>', 'encrypt the key with the passphrase held in this environment variable')
    .option('--force', 'replace an existing key (any certificate issued for the old key stops being usable)')
    .option('--json', 'machine-readable output')
    .action(async (options: CsrOptions) => {
      // Cheap checks first, so a mistake costs no key generation and leaves no files behind.
      meshCommonName(options.mailbox, options.ods);
      const passphrase = passphraseFrom(options.passphraseEnv);
      const outDir = resolve(options.out);
      const keyPath = join(outDir, `${options.mailbox}.key`);
      const csrPath = join(outDir, `${options.mailbox}.csr`);
      if (!options.force && (await exists(keyPath))) {
        throw new Error(
          `${keyPath} already exists; use --force to replace it (a certificate issued for that key will no longer match)`,
        );
      }

      const csr = await createMeshCsr({ mailboxId: options.mailbox, odsCode: options.ods, passphrase });
      await mkdir(outDir, { recursive: true });
      await writePrivateFile(keyPath, csr.privateKeyPem);
      await writeFile(csrPath, csr.csrPem);

      if (options.json) {
        const result = {
          mailboxId: options.mailbox,
          odsCode: options.ods,
          commonName: csr.commonName,
          keyPath,
          csrPath,
          keyEncrypted: csr.encrypted,
          nextSteps: NEXT_STEPS,
        };
        console.log(JSON.stringify(result, null, 2));
        return;
      }
      const keyNote = csr.encrypted
        ? `encrypted with the passphrase from $${options.passphraseEnv}`
        : 'not encrypted: keep it private';
      console.log(`Common name: ${csr.commonName}`);
      console.log(`Private key: ${keyPath} (${keyNote})`);
      console.log(`CSR:         ${csrPath}`);
      console.log('Next step:');
      for (const step of Object.values(NEXT_STEPS)) console.log(`  ${step}`);
    });
}
