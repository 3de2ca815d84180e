/**
 * Test support: send bytes to a server over a real socket, exactly as given — wrong
 * Content-Length, broken chunking, bytes that are not valid in headers — which `inject` and
 * Node's HTTP client refuse to produce. Resolves with what came back, whether the server closed
 * the connection, or `timedOut` when it neither answered nor closed in time.
 */
import net from 'node:net';

export interface RawExchange {
  /** Status of the first response, when one started. */
  status: number | undefined;
  /** Everything the server sent (latin1, so bytes survive). */
  text: string;
  /** The server ended or reset the connection. */
  closed: boolean;
  /** Neither a complete answer nor a close came within the timeout. */
  timedOut: boolean;
}

export interface RawOptions {
  /** Half-close the socket after writing (the client will send nothing more). Default true. */
  end?: boolean;
  /** Resolve as soon as the response head and this much of the body arrived (streams never end). */
  untilBody?: string;
  /** How long to wait for an answer or a close before reporting `timedOut`. Default 10 s. */
  timeoutMs?: number;
}

/** Write `bytes` to `port`, then wait for the answer (or the end of the connection). */
export function rawExchange(port: number, bytes: Buffer | string, options: RawOptions = {}): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    let settled = false;
    const status = () => {
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      return m ? Number(m[1]) : undefined;
    };
    const finish = (closed: boolean, timedOut = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: status(), text, closed, timedOut });
    };
    const timer = setTimeout(() => finish(false, true), options.timeoutMs ?? 10_000);
    socket.on('connect', () => {
      socket.write(bytes);
      if (options.end ?? true) socket.end();
    });
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const head = text.indexOf('\r\n\r\n');
      if (head < 0) return;
      if (options.untilBody !== undefined && text.indexOf(options.untilBody, head) >= 0) finish(false);
      else if (complete(text, head)) finish(false);
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
  });
}

/** Whether a response with a Content-Length (or an empty body) has fully arrived. */
function complete(text: string, head: number): boolean {
  const headers = text.slice(0, head).toLowerCase();
  const length = /\r\ncontent-length: *(\d+)/.exec(headers);
  if (length) return Buffer.byteLength(text.slice(head + 4), 'latin1') >= Number(length[1]);
  if (/\r\ntransfer-encoding: *chunked/.test(headers)) return text.endsWith('0\r\n\r\n');
  return false;
}
