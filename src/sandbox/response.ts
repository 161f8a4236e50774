/**
 * The sandbox's ServerResponse: it dates every answer by the sandbox clock and counts the body bytes it
 * writes (for the journal). A subclass rather than per-request wrappers, and the Date passed inside
 * writeHead rather than set beforehand with setHeader: a header set beforehand sends node:http down its
 * slow path, validating every other header one setHeader call at a time.
 */
import { ServerResponse, type IncomingMessage } from 'node:http';

export class SandboxResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
  /** The Date header: the sandbox's time when the request arrived, so a moved clock shows to clients. */
  clockDate: string | undefined;
  /** Body bytes written so far. */
  bodyBytes = 0;

  override writeHead(statusCode: number, ...rest: unknown[]): this {
    if (this.clockDate !== undefined && !this.hasHeader('date')) {
      const headers = rest.at(-1);
      if (headers === undefined || typeof headers === 'string') rest.push({ date: this.clockDate });
      // The sandbox passes headers as a fresh object literal (never node's array form), so adding to it is safe.
      else if (!Array.isArray(headers) && !('date' in (headers as object)))
        (headers as Record<string, unknown>).date = this.clockDate;
    }
    return (super.writeHead as (statusCode: number, ...rest: unknown[]) => this)(statusCode, ...rest);
  }

  override write(chunk: unknown, ...rest: unknown[]): boolean {
    this.#count(chunk);
    return (super.write as (chunk: unknown, ...rest: unknown[]) => boolean)(chunk, ...rest);
  }

  override end(chunk?: unknown, ...rest: unknown[]): this {
    this.#count(chunk);
    return (super.end as (chunk?: unknown, ...rest: unknown[]) => this)(chunk, ...rest);
  }

  #count(chunk: unknown): void {
    if (typeof chunk === 'string') this.bodyBytes += Buffer.byteLength(chunk);
    else if (chunk instanceof Uint8Array) this.bodyBytes += chunk.length;
  }
}
