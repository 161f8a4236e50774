/**
 * Mailboxes and workflows: the official sandbox's three test mailboxes and workflows (mesh-api-notes 9.3),
 * our own MESH_ASSURE_TEST workflow, and whatever a JSON config file adds. A workflow listed here restricts
 * who may send (senders) and receive (receivers) it; a workflow listed nowhere is open to every mailbox.
 */
import { readFileSync } from 'node:fs';
import { SANDBOX_DEFAULTS } from '../config/targets.ts';

export interface Mailbox {
  mailboxId: string;
  password: string;
  mailboxName: string;
  odsCode: string;
  orgCode: string;
  orgName: string;
  billingEntity: string;
  active: boolean;
}

export interface Workflow {
  workflowId: string;
  senders: string[];
  receivers: string[];
}

/** What a caller of startSandbox is told about each mailbox. */
export interface PublicMailbox {
  mailboxId: string;
  password: string;
  odsCode: string;
}

const mailbox = (mailboxId: string, mailboxName: string, billingEntity: string, odsCode: string): Mailbox => ({
  mailboxId,
  password: SANDBOX_DEFAULTS.password,
  mailboxName,
  odsCode,
  orgCode: odsCode,
  orgName: `${mailboxName} organisation`,
  billingEntity,
  active: true,
});

function defaultMailboxes(): Mailbox[] {
  return [
    mailbox(SANDBOX_DEFAULTS.sut, 'TESTMB1', 'England', 'X26'),
    mailbox(SANDBOX_DEFAULTS.peer, 'TESTMB2', 'Wales', 'X26'),
    mailbox(SANDBOX_DEFAULTS.dormant, 'TESTMB3', 'England', 'X27'),
  ];
}

function defaultWorkflows(): Workflow[] {
  const all = [SANDBOX_DEFAULTS.sut, SANDBOX_DEFAULTS.peer, SANDBOX_DEFAULTS.dormant];
  return [
    { workflowId: 'TEST_WORKFLOW', senders: ['X26ABC1'], receivers: ['X26ABC2'] },
    { workflowId: 'TEST_WORKFLOW_ACK', senders: ['X26ABC2'], receivers: ['X26ABC1', 'X26ABC3'] },
    { workflowId: 'TEST_WORKFLOW2', senders: ['X26ABC1'], receivers: ['X26ABC1', 'X26ABC2', 'X26ABC3'] },
    { workflowId: SANDBOX_DEFAULTS.workflowId, senders: all, receivers: all },
  ];
}

class ConfigFileError extends Error {
  override name = 'ConfigFileError';
}

const MAILBOX_ID = /^[A-Z0-9]{1,20}$/;

/** Reads and validates a config file; every problem found is named with its JSON path. */
function loadConfigFile(path: string): { mailboxes: Mailbox[]; workflows: Workflow[] } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigFileError(`sandbox config ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const problems: string[] = [];
  const result = parseConfig(json, problems);
  if (problems.length > 0) throw new ConfigFileError(`sandbox config ${path} is invalid:\n  ${problems.join('\n  ')}`);
  return result;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseConfig(json: unknown, problems: string[]): { mailboxes: Mailbox[]; workflows: Workflow[] } {
  if (!isObject(json)) {
    problems.push('the file must hold a JSON object with "mailboxes" and/or "workflows" arrays');
    return { mailboxes: [], workflows: [] };
  }
  for (const key of Object.keys(json))
    if (key !== 'mailboxes' && key !== 'workflows')
      problems.push(`unknown key "${key}" (expected "mailboxes", "workflows")`);
  const list = (key: string): unknown[] => {
    const value = json[key] ?? [];
    if (Array.isArray(value)) return value;
    problems.push(`"${key}" must be an array`);
    return [];
  };
  const mailboxes = list('mailboxes').map((m, i) => parseMailbox(m, `mailboxes[${i}]`, problems));
  const workflows = list('workflows').map((w, i) => parseWorkflow(w, `workflows[${i}]`, problems));
  return { mailboxes: mailboxes.filter((m) => m !== undefined), workflows: workflows.filter((w) => w !== undefined) };
}

function field(obj: Json, key: string, where: string, problems: string[], required: boolean): string | undefined {
  const value = obj[key];
  if (value === undefined) {
    if (required) problems.push(`${where}.${key} is required`);
    return undefined;
  }
  if (typeof value !== 'string' || value.trim() === '') {
    problems.push(`${where}.${key} must be a non-empty string`);
    return undefined;
  }
  return value.trim();
}

const MAILBOX_KEYS = new Set([
  'mailbox_id',
  'password',
  'ods_code',
  'mailbox_name',
  'org_code',
  'org_name',
  'billing_entity',
  'disabled',
]);

function parseMailbox(raw: unknown, where: string, problems: string[]): Mailbox | undefined {
  if (!isObject(raw)) return void problems.push(`${where} must be an object`);
  for (const key of Object.keys(raw))
    if (!MAILBOX_KEYS.has(key))
      problems.push(`${where}: unknown key "${key}" (expected one of ${[...MAILBOX_KEYS].join(', ')})`);
  const mailboxId = field(raw, 'mailbox_id', where, problems, true);
  const password = field(raw, 'password', where, problems, true);
  const odsCode = field(raw, 'ods_code', where, problems, true);
  if (mailboxId !== undefined && !MAILBOX_ID.test(mailboxId))
    problems.push(`${where}.mailbox_id "${mailboxId}" must be upper-case letters and digits, at most 20`);
  if (raw.disabled !== undefined && typeof raw.disabled !== 'boolean')
    problems.push(`${where}.disabled must be true or false`);
  if (mailboxId === undefined || password === undefined || odsCode === undefined) return undefined;
  const name = field(raw, 'mailbox_name', where, problems, false) ?? mailboxId;
  return {
    mailboxId,
    password,
    mailboxName: name,
    odsCode: odsCode.toUpperCase(),
    orgCode: field(raw, 'org_code', where, problems, false) ?? odsCode.toUpperCase(),
    orgName: field(raw, 'org_name', where, problems, false) ?? `${name} organisation`,
    billingEntity: field(raw, 'billing_entity', where, problems, false) ?? 'England',
    active: raw.disabled !== true,
  };
}

function parseWorkflow(raw: unknown, where: string, problems: string[]): Workflow | undefined {
  if (!isObject(raw)) return void problems.push(`${where} must be an object`);
  for (const key of Object.keys(raw))
    if (!['workflow_id', 'senders', 'receivers'].includes(key))
      problems.push(`${where}: unknown key "${key}" (expected workflow_id, senders, receivers)`);
  const workflowId = field(raw, 'workflow_id', where, problems, true);
  const ids = (key: string): string[] => {
    const value = raw[key];
    if (Array.isArray(value) && value.every((v) => typeof v === 'string' && MAILBOX_ID.test(v)))
      return value as string[];
    problems.push(`${where}.${key} must be an array of upper-case mailbox ids`);
    return [];
  };
  const senders = ids('senders');
  const receivers = ids('receivers');
  return workflowId === undefined ? undefined : { workflowId, senders, receivers };
}

/** The mailboxes and workflows a sandbox serves, and the permission rules they imply. */
export class Mailboxes {
  readonly #mailboxes = new Map<string, Mailbox>();
  readonly #workflows = new Map<string, Workflow>();

  constructor(mailboxes: Mailbox[], workflows: Workflow[]) {
    for (const m of mailboxes) this.#mailboxes.set(m.mailboxId, m);
    for (const w of workflows) this.#workflows.set(w.workflowId, w);
    const problems = [...this.#workflows.values()].flatMap((w) =>
      [...w.senders, ...w.receivers]
        .filter((id) => !this.#mailboxes.has(id))
        .map((id) => `workflow ${w.workflowId} names unknown mailbox ${id}`),
    );
    if (problems.length > 0)
      throw new ConfigFileError(`sandbox config is inconsistent:\n  ${[...new Set(problems)].join('\n  ')}`);
  }

  static load(configFile: string | undefined): Mailboxes {
    const extra = configFile ? loadConfigFile(configFile) : { mailboxes: [], workflows: [] };
    return new Mailboxes([...defaultMailboxes(), ...extra.mailboxes], [...defaultWorkflows(), ...extra.workflows]);
  }

  mailbox(id: string): Mailbox | undefined {
    return this.#mailboxes.get(id);
  }

  all(): Mailbox[] {
    return [...this.#mailboxes.values()];
  }

  /** Why `sender` may not send `workflowId` to `recipient`, or undefined when it may. */
  refusal(workflowId: string, sender: string, recipient: string): 'sender' | 'receiver' | undefined {
    const workflow = this.#workflows.get(workflowId);
    if (!workflow) return undefined;
    if (!workflow.senders.includes(sender)) return 'sender';
    if (!workflow.receivers.includes(recipient)) return 'receiver';
    return undefined;
  }

  /** Receivers of a workflow, in configured order, optionally only those of one ODS code. */
  receivers(workflowId: string, odsCode?: string): Mailbox[] {
    const ids = this.#workflows.get(workflowId)?.receivers ?? [];
    return ids.map((id) => this.#mailboxes.get(id)!).filter((m) => odsCode === undefined || m.odsCode === odsCode);
  }
}
