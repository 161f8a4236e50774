/**
 * A MESH exchange as an Allure HTTP Exchange attachment (`application/vnd.allure.http+json`, schema
 * version 1), which the Allure 3 report renders as request and response: method, URL, status, headers,
 * timing. The client's record is already redacted: the authorization header keeps mailbox, nonce, count and
 * timestamp and loses its HMAC. Payloads are never attached: a body is its size and SHA-256.
 */
import type { HttpExchange, HttpExchangeBody, HttpExchangeNameValue } from 'allure-js-commons';
import type { Exchange } from '../mesh/index.ts';

export const HTTP_EXCHANGE_CONTENT_TYPE = 'application/vnd.allure.http+json';

const pairs = (headers: Record<string, string>): HttpExchangeNameValue[] =>
  Object.entries(headers).map(([name, value]) => ({ name, value }));

/** A body as what identifies it: its size and digest, marked as not attached. */
function payload(
  bytes: number,
  digest: string | undefined,
  contentType: string | undefined,
): HttpExchangeBody | undefined {
  if (bytes === 0) return undefined;
  return {
    contentType,
    size: bytes,
    truncated: true,
    encoding: 'utf8',
    value: `${bytes} bytes on the wire, not attached${digest ? `; SHA-256 ${digest}` : ''}`,
  };
}

export function allureHttpExchange(exchange: Exchange, origin = ''): HttpExchange {
  const start = Date.parse(exchange.startedAt);
  const { requestHeaders: sent, responseHeaders: received } = exchange;
  return {
    schemaVersion: 1,
    request: {
      method: exchange.method,
      url: `${origin}${exchange.path}`,
      headers: pairs(sent),
      body: payload(exchange.bytesSent, exchange.sentSha256, sent['content-type']),
    },
    // Status 0: no response arrived; the error says why.
    ...(exchange.status === 0
      ? {}
      : {
          response: {
            status: exchange.status,
            headers: pairs(received),
            body: payload(exchange.bytesReceived, exchange.receivedSha256, received['content-type']),
          },
        }),
    ...(exchange.error ? { error: { message: exchange.error } } : {}),
    start,
    stop: start + exchange.durationMs,
  };
}

/** The arguments of `testInfo.attach` for one exchange, named `METHOD path → status`. */
export function httpExchangeAttachment(
  exchange: Exchange,
  origin = '',
): [string, { body: string; contentType: string }] {
  const name = `${exchange.method} ${exchange.path} → ${exchange.status || 'no response'}${exchange.attempt > 1 ? ` (attempt ${exchange.attempt})` : ''}`;
  return [
    name,
    { body: JSON.stringify(allureHttpExchange(exchange, origin), null, 2), contentType: HTTP_EXCHANGE_CONTENT_TYPE },
  ];
}
