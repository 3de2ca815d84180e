/**
 * A small SSE client over a real socket for the intervention tests: records every message and
 * comment, and lets a test wait for what it expects. Not a test file.
 */
import http from 'node:http';
import net from 'node:net';

export interface SseMessage {
  id: string | undefined;
  data: any;
}

export class SseClient {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  ended = false;
  private waiters: Array<() => void> = [];

  private constructor(
    readonly status: number,
    readonly body: string,
    private readonly request: http.ClientRequest,
  ) {}

  /** Open a stream; resolves once the response headers arrive (with the body for a non-200). */
  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const request = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
        if (res.statusCode !== 200) {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve(new SseClient(res.statusCode ?? 0, body, request)));
          return;
        }
        const client = new SseClient(200, '', request);
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            client.frame(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        });
        const finish = () => {
          client.ended = true;
          client.wake();
        };
        res.on('end', finish);
        res.on('close', finish);
        res.on('error', finish);
        resolve(client);
      });
      request.on('error', reject);
    });
  }

  private frame(text: string): void {
    let id: string | undefined;
    const data: string[] = [];
    for (const line of text.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      else if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length > 0) this.messages.push({ id, data: JSON.parse(data.join('\n')) });
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Wait until `predicate` holds (checked after every frame), or fail after `timeoutMs`. */
  async until(predicate: (c: SseClient) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages.map((m) => m.data))}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Wait for a message satisfying `match` and return it. */
  async next(match: (m: SseMessage) => boolean, what: string, timeoutMs?: number): Promise<SseMessage> {
    await this.until((c) => c.messages.some(match), what, timeoutMs);
    return this.messages.find(match)!;
  }

  named(name: string): SseMessage[] {
    return this.messages.filter((m) => m.data.name === name);
  }

  close(): void {
    this.request.destroy();
  }
}

/**
 * A subscriber that never reads: it sends the request and pauses its socket, so everything the
 * server writes piles up in the kernel buffers and then in the server's own.
 */
export class StuckSubscriber {
  closedByServer = false;
  private constructor(readonly socket: net.Socket) {}

  static open(url: string): Promise<StuckSubscriber> {
    const u = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(u.port), u.hostname, () => {
        socket.write(`GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nAccept: text/event-stream\r\n\r\n`);
        socket.pause();
        const stuck = new StuckSubscriber(socket);
        socket.on('close', () => (stuck.closedByServer = true));
        socket.on('error', () => (stuck.closedByServer = true));
        resolve(stuck);
      });
      socket.on('error', reject);
    });
  }

  /** Start reading again and drain; resolves with the bytes read once the server's close arrives. */
  drain(timeoutMs = 10_000): Promise<number> {
    return new Promise((resolve, reject) => {
      let bytes = 0;
      const t = setTimeout(() => reject(new Error('the stuck subscriber was never closed by the server')), timeoutMs);
      this.socket.on('data', (c: Buffer) => (bytes += c.length));
      const done = () => {
        clearTimeout(t);
        resolve(bytes);
      };
      if (this.socket.destroyed) done();
      this.socket.on('close', done);
      this.socket.resume();
    });
  }

  destroy(): void {
    this.socket.destroy();
  }
}
