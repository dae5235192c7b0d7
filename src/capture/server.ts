import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fromRawHeaders, toFlatHeaders } from '../core/headers.js';
import type { Answer, IncomingWebhook, RequestHandler } from '../core/types.js';
import { readBodyUnder } from './body.js';
import { DEFAULT_LIMITS, type CaptureLimits } from './limits.js';

export interface CaptureServerOptions {
  host: string;
  port: number;
  handler: RequestHandler;
  limits?: Partial<CaptureLimits>;
  /** Told about bad clients (malformed HTTP, aborted uploads); they never reach the history. */
  onClientProblem?: (message: string, detail: Record<string, unknown>) => void;
  now?: () => number;
}

export interface CaptureServer {
  url: string;
  port: number;
  host: string;
  server: Server;
  /** Stop accepting, let in-flight requests finish, then close. */
  close(): Promise<void>;
}

/** The HTTP door: turns a node:http request into an IncomingWebhook and writes back the answer. */
export async function startCaptureServer(options: CaptureServerOptions): Promise<CaptureServer> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const now = options.now ?? Date.now;
  const problem = options.onClientProblem ?? (() => undefined);

  const server = createServer(
    {
      maxHeaderSize: limits.maxHeaderSize,
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: limits.headersTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Bodies are bytes: never let node touch them; headers keep their raw form via rawHeaders.
      joinDuplicateHeaders: false,
      // Capture odd clients too: a request without Host is still a request someone sent.
      requireHostHeader: false,
    },
    (req, res) => onRequest(req, res),
  );
  // node:http keeps only the first 1,023 header lines by default (maxHeadersCount) and drops the rest without a
  // word: lift the count and let maxHeaderSize bound the head instead (over it: 431, never a silent cut).
  server.maxHeadersCount = 0;

  function base(req: IncomingMessage): IncomingWebhook {
    return {
      source: 'http',
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      httpVersion: req.httpVersion,
      remoteAddr: req.socket.remoteAddress ?? '',
      localPort: req.socket.localPort ?? null,
      headers: fromRawHeaders(req.rawHeaders),
      body: EMPTY,
      receivedAt: now(),
    };
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const incoming = base(req);
    // Read from the pair list: touching req.headers makes node build a second header object.
    const declared = contentLength(incoming.headers);
    if (declared > limits.maxBody) {
      // Refuse before reading: the row keeps the headers, not the body.
      reject(req, res, incoming, declared);
      return;
    }
    readBodyUnder(req, limits.maxBody, (outcome) => {
      switch (outcome.kind) {
        case 'body':
          incoming.body = outcome.body;
          answerWith(res, options.handler(incoming));
          return;
        case 'too-large':
          reject(req, res, incoming, outcome.size);
          return;
        case 'aborted':
          problem(`client aborted ${incoming.method} ${incoming.url} after ${outcome.size} bytes; nothing was saved`, {
            method: incoming.method,
            url: incoming.url,
            received: outcome.size,
          });
          return;
        default:
          return outcome satisfies never;
      }
    });
  }

  function reject(req: IncomingMessage, res: ServerResponse, incoming: IncomingWebhook, size: number): void {
    incoming.rejected = { status: 413, reason: `body larger than --max-body ${limits.maxBody} bytes` };
    incoming.declaredSize = size;
    // Stop reading and close after answering: the rest of the upload is not wanted.
    res.shouldKeepAlive = false;
    req.pause();
    answerWith(res, options.handler(incoming), () => req.socket.destroySoon());
  }

  function answerWith(res: ServerResponse, pending: Promise<Answer>, after?: () => void): void {
    pending.then(
      (answer) => {
        if (res.destroyed) return;
        const bodiless = answer.status === 204 || answer.status === 304;
        try {
          res.writeHead(answer.status, toFlatHeaders(bodiless ? withoutLength(answer.headers) : withLength(answer)));
        } catch (err) {
          // Start-up validates configured headers; this is the last guard (an app's answer in passthrough).
          problem(`could not send the answer: ${(err as Error).message}`, {});
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('hookdev could not send the answer\n', after);
          return;
        }
        // An empty body is left out: one write instead of a vectored write of head + nothing.
        // 204 and 304 never carry a body or a Content-Length (RFC 9110 §8.6, §15.4.5).
        if (answer.body.length && !bodiless) res.end(answer.body, after);
        else res.end(after);
      },
      (err: unknown) => {
        problem(`internal error: ${(err as Error).message}`, {});
        if (!res.destroyed && !res.headersSent) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('hookdev internal error\n', after);
        }
      },
    );
  }

  // CONNECT asks for a tunnel, not a webhook; without a handler node:http drops the socket without a word.
  server.on('connect', (req: IncomingMessage, socket: Socket) => {
    problem(`refused CONNECT ${req.url ?? ''} from ${socket.remoteAddress ?? 'client'} (405: not a webhook)`, { method: 'CONNECT' });
    socket.on('error', () => undefined);
    socket.end('HTTP/1.1 405 Method Not Allowed\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });

  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    problem(`bad request from ${socket.remoteAddress ?? 'client'}: ${err.code ?? err.message}`, { code: err.code });
    if (!socket.writable) return socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const text = status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });

  await new Promise<void>((resolve, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port, options.host, () => {
      server.off('error', rejectListen);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const hostForUrl = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${hostForUrl}:${addr.port}`,
    port: addr.port,
    host: addr.address,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

const EMPTY = Buffer.alloc(0);

/** The declared body size, or -1 (node:http has already refused a malformed Content-Length). */
function contentLength(headers: Answer['headers']): number {
  for (const [k, v] of headers) if (k.length === 14 && k.toLowerCase() === 'content-length') return Number(v);
  return -1;
}

function withoutLength(headers: Answer['headers']): Answer['headers'] {
  return headers.filter(([k]) => {
    const l = k.toLowerCase();
    return l !== 'content-length' && l !== 'transfer-encoding';
  });
}

/** A Content-Length unless the answer already says how it is framed. */
function withLength(answer: Answer): Answer['headers'] {
  const has = answer.headers.some(([k]) => {
    const l = k.toLowerCase();
    return l === 'content-length' || l === 'transfer-encoding';
  });
  return has ? answer.headers : [...answer.headers, ['Content-Length', String(answer.body.length)]];
}
