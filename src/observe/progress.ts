/**
 * The steps of an observed session and how far the product has got, read from the sandbox journal. On a
 * terminal the board tells the operator what to do next in the product; everywhere it ticks each step
 * as the journal shows it done.
 */
import type { Writable } from 'node:stream';
import { succeeded, type RequestRecord } from '../behaviour/index.ts';
import type { Delivery } from './counterpart.ts';

/** What the counterpart has put in the product's inbox, and what it has received from the product. */
export interface SessionState {
  deliveries: Delivery[];
  reportIds: string[];
  receivedFromProduct: number;
}

export interface Step {
  id: 'handshake' | 'send' | Delivery['kind'] | 'report';
  /** What the operator does in the product (interactive mode). */
  instruction?: string;
  label: string;
  /** Done, and a count such as `12/510` while under way. */
  progress(records: RequestRecord[], state: SessionState): { done: boolean; count?: string };
}

function acknowledged(records: RequestRecord[]): Set<string> {
  return new Set(records.filter((r) => r.kind === 'acknowledge' && succeeded(r)).map((r) => r.messageId!));
}

function deliveryStep(kind: Delivery['kind'], label: string): Step {
  return {
    id: kind,
    label,
    progress(records, state) {
      const acked = acknowledged(records);
      const own = state.deliveries.filter((d) => d.kind === kind);
      const done = own.filter((d) => acked.has(d.messageId)).length;
      return {
        done: own.length > 0 && done === own.length,
        ...(own.length > 1 ? { count: `${done}/${own.length}` } : {}),
      };
    },
  };
}

export function sessionSteps(names: {
  product: string;
  counterpart: string;
  workflowId: string;
  file: string;
}): Step[] {
  return [
    {
      id: 'handshake',
      instruction: `Configure the product with the settings above and let it validate its mailbox ${names.product} (handshake).`,
      label: `${names.product} validated its mailbox`,
      progress: (records) => ({ done: records.some((r) => r.kind === 'handshake' && succeeded(r)) }),
    },
    {
      id: 'send',
      instruction: `In the product, send the file ${names.file} to ${names.counterpart} on workflow ${names.workflowId}.`,
      label: `a message from the product reached ${names.counterpart}`,
      progress: (_records, state) => ({ done: state.receivedFromProduct > 0 }),
    },
    {
      ...deliveryStep('plain', 'plain message downloaded and acknowledged'),
      instruction: `In the product, receive: download and acknowledge every message waiting for ${names.product} (plain, gzip, chunked, over 500 for paging, and a non-delivery REPORT).`,
    },
    deliveryStep('gzip', 'gzip message downloaded and acknowledged'),
    deliveryStep('chunked', 'chunked message downloaded whole and acknowledged'),
    deliveryStep('paging', 'messages past the first page of 500 downloaded and acknowledged'),
    {
      id: 'report',
      label: 'non-delivery REPORT downloaded and acknowledged',
      progress: (records, state) => ({
        done: state.reportIds.length > 0 && state.reportIds.every((id) => acknowledged(records).has(id.toUpperCase())),
      }),
    },
  ];
}

/** Prints each step's instruction once it is the next to do (interactive), and a tick when it is done. */
export class StepBoard {
  readonly #out: Writable;
  readonly #interactive: boolean;
  readonly #steps: Step[];
  readonly #ticked = new Set<Step['id']>();
  readonly #instructed = new Set<Step['id']>();
  readonly #counts = new Map<Step['id'], string>();

  constructor(out: Writable, steps: Step[], interactive: boolean) {
    this.#out = out;
    this.#steps = steps;
    this.#interactive = interactive;
  }

  /** Ticks what is newly done; true when every step is. */
  update(records: RequestRecord[], state: SessionState, phase: Step['id']): boolean {
    for (const step of this.#steps) {
      if (this.#ticked.has(step.id)) continue;
      const { done, count } = step.progress(records, state);
      if (done) {
        this.#ticked.add(step.id);
        this.#out.write(`  ✓ ${step.label}${count ? ` (${count})` : ''}\n`);
      } else if (count && this.#interactive && this.#counts.get(step.id) !== count) {
        this.#counts.set(step.id, count);
        this.#out.write(`  … ${step.label}: ${count}\n`);
      }
    }
    this.#instruct(phase);
    return this.#ticked.size === this.#steps.length;
  }

  isDone(id: Step['id']): boolean {
    return this.#ticked.has(id);
  }

  /**
   * The instructions up to the current phase whose work is still open: an instruction covers its step and
   * the uninstructed steps after it (receiving covers every delivery and the REPORT).
   */
  #instruct(phase: Step['id']): void {
    if (!this.#interactive) return;
    const upTo = this.#steps.findIndex((s) => s.id === phase);
    this.#steps.forEach((step, i) => {
      if (i > upTo || !step.instruction || this.#instructed.has(step.id)) return;
      const end = this.#steps.findIndex((s, j) => j > i && s.instruction);
      const covered = this.#steps.slice(i, end < 0 ? undefined : end);
      if (covered.every((s) => this.#ticked.has(s.id))) return;
      this.#instructed.add(step.id);
      this.#out.write(`\n→ ${step.instruction}\n`);
    });
  }

  /** The steps never done, for the summary. */
  open(): string[] {
    return this.#steps.filter((s) => !this.#ticked.has(s.id)).map((s) => s.label);
  }
}
