/** The parts of the untyped npm package `nhs-mesh-client` 1.0.9 that the interop test calls. */
declare module 'nhs-mesh-client' {
  import type { Agent } from 'node:https';

  interface Common {
    url: string;
    mailboxID: string;
    mailboxPassword: string;
    sharedKey: string;
    agent?: Agent;
  }
  /** Axios responses, or the axios error when the request failed (these functions do not throw). */
  interface Reply {
    status: number;
    data: any;
    headers: Record<string, string>;
  }
  export function handShake(options: Common): Promise<Reply>;
  export function getMessageCount(options: Common): Promise<Reply>;
  export function sendMessage(
    options: Common & {
      message: string;
      mailboxTarget: string;
      compressed?: boolean;
      workFlowId?: string;
      fileName?: string;
    },
  ): Promise<Reply>;
  export function sendChunkedMessage(options: Common & { mailboxTarget: string; fileContent: Buffer }): Promise<Reply>;
  export function readMessage(options: Common & { messageID: string }): Promise<Reply>;
  export function markAsRead(options: Common & { message: string }): Promise<Reply>;
}
