/** Transfer commands: send and download, streamed, with a progress bar on a terminal. */
import { createWriteStream } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_CHUNK_BYTES, fileSource, type MeshClient } from '../../mesh/index.ts';
import { mailboxIdProblem } from '../../protocol/index.ts';
import { output, withClient, type GlobalOptions } from '../context.ts';
import { progressBar } from '../progress.ts';
import { formatBytes, parseSize } from '../sizes.ts';

interface SendOptions extends GlobalOptions {
  to: string;
  workflow: string;
  subject?: string;
  localId?: string;
  fileName?: string;
  contentType?: string;
  checksum?: string;
  encrypted?: boolean;
  compress?: boolean;
  chunkSize: number;
}

export function registerTransferCommands(program: Command): void {
  program
    .command('send <file>')
    .description('send a file; files larger than the chunk size go as a chunked message. Prints the message id last')
    .requiredOption('--to <mailbox>', 'recipient mailbox id')
    .requiredOption('--workflow <id>', 'workflow id')
    .option('--subject <text>', 'mex-subject')
    .option('--local-id <id>', 'your own reference (mex-localid); never patient-identifiable data')
    .option('--file-name <name>', 'mex-filename (default: the file name)')
    .option('--content-type <type>', 'content type of the message')
    .option('--checksum <value>', 'mex-content-checksum, passed through to the recipient')
    .option('--encrypted', 'flag the content as encrypted (mex-content-encrypted: Y)')
    .option('--compress', 'gzip each chunk on the wire (Content-Encoding: gzip)')
    .option('--chunk-size <size>', 'uncompressed bytes per chunk, at most 100MB', parseSize, DEFAULT_CHUNK_BYTES)
    .option('--json', 'machine-readable output')
    .action(async (file: string, options: SendOptions) => {
      const toProblem = mailboxIdProblem(options.to);
      if (toProblem) throw new Error(`--to: ${toProblem}`);
      await withClient(async (client) => {
        const source = fileSource(file);
        const bar = progressBar(`send ${basename(file)}`);
        const result = await client
          .sendChunked(
            {
              to: options.to,
              workflowId: options.workflow,
              subject: options.subject,
              localId: options.localId,
              fileName: options.fileName ?? basename(file),
              contentType: options.contentType,
              checksum: options.checksum,
              encrypted: options.encrypted,
              gzip: options.compress,
            },
            source,
            { chunkSize: options.chunkSize, onProgress: (p) => bar.update(p) },
          )
          .finally(() => bar.done());
        output(options, result, () => [
          `Sent ${formatBytes(result.bytes)} in ${result.chunks} chunk${result.chunks === 1 ? '' : 's'} to ${options.to} (sha256 ${result.sha256})`,
          result.messageId,
        ]);
      });
    });

  program
    .command('download <messageId>')
    .description('download a message (all chunks, decoded) to a file, or to stdout without -o')
    .option('-o, --output <file>', 'write the content here')
    .option('--no-gzip', 'do not ask for gzip on the wire')
    .option('--json', 'machine-readable output')
    .action(async (messageId: string, options: GlobalOptions & { output?: string; gzip: boolean }) => {
      await withClient(async (client) => download(client, messageId, options));
    });
}

async function download(
  client: MeshClient,
  messageId: string,
  options: GlobalOptions & { output?: string; gzip: boolean },
): Promise<void> {
  const toStdout = !options.output;
  if (toStdout && options.json)
    throw new Error('--json needs -o <file>: the content and the JSON cannot both go to stdout');
  const bar = progressBar(`download ${messageId}`);
  const sink = options.output ? createWriteStream(options.output) : process.stdout;
  const result = await client
    .downloadTo(messageId, sink, { acceptGzip: options.gzip, onProgress: (p) => bar.update(p) })
    .finally(() => bar.done());
  const { metadata } = result;
  const lines = [
    `Downloaded ${metadata.messageType} ${metadata.messageId} from ${metadata.from ?? '(system)'}: ${formatBytes(result.bytes)} in ${metadata.chunk.total} chunk(s), sha256 ${result.sha256}`,
    ...(metadata.messageType === 'REPORT'
      ? [
          `REPORT for ${metadata.linkedMessageId ?? '(unknown message)'}: ${metadata.status.code ?? ''} ${metadata.status.description ?? ''}`.trim(),
        ]
      : []),
    `Acknowledge it with: mesh-assure ack ${metadata.messageId}`,
  ];
  const summary = { ...result, output: options.output };
  if (toStdout) for (const line of lines) console.error(line);
  else output(options, summary, () => [...lines, `Written to ${options.output}`]);
}
