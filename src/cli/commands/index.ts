/**
 * Every subcommand, one module each, loaded on demand: a command loads only its own module (the sandbox's
 * memory budget includes the CLI's), and help or an unknown command loads them all to list them.
 */
import type { Command } from 'commander';

type Register = (program: Command) => void;

const MODULES: Record<string, () => Promise<Register>> = {
  compare: async () => (await import('./compare.ts')).registerCompareCommand,
  csr: async () => (await import('./csr.ts')).registerCsrCommand,
  doctor: async () => (await import('./doctor.ts')).registerDoctorCommand,
  judge: async () => (await import('./judge.ts')).registerJudgeCommand,
  mailbox: async () => (await import('./mailbox.ts')).registerMailboxCommands,
  observe: async () => (await import('./observe.ts')).registerObserveCommand,
  relay: async () => (await import('./relay.ts')).registerRelayCommand,
  run: async () => (await import('./run.ts')).registerRunCommand,
  sandbox: async () => (await import('./sandbox.ts')).registerSandboxCommand,
  transfer: async () => (await import('./transfer.ts')).registerTransferCommands,
  verify: async () => (await import('./verify.ts')).registerVerifyCommand,
};

/** The module of each command whose module name is not the command's own. */
const MODULE_OF: Record<string, string> = {
  handshake: 'mailbox',
  inbox: 'mailbox',
  ack: 'mailbox',
  track: 'mailbox',
  lookup: 'mailbox',
  send: 'transfer',
  download: 'transfer',
};

/** Registers the command named in `args` (the arguments after `mesh-assure`), or every command. */
export async function registerCommands(program: Command, args: readonly string[]): Promise<void> {
  const name = args.find((a) => !a.startsWith('-'));
  const only = name === undefined ? undefined : (MODULE_OF[name] ?? (name in MODULES ? name : undefined));
  const wanted = only ? [only] : Object.keys(MODULES);
  for (const register of await Promise.all(wanted.map((m) => MODULES[m]!()))) register(program);
}
