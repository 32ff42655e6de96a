/**
 * A lean RFC 6455 client for the load generator: the opening handshake, masked text frames out,
 * and an in-place parser for frames in, straight on a net.Socket. `ws` and socket.io-client cost
 * the generator 15 to 20 µs of CPU per delivery (their stream and event layers), more than the
 * servers spend relaying it, which made the generator the limit; this costs a fraction of that
 * and puts exactly the same frames on the wire.
 */
import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export interface LeanSocketEvents {
  open(): void;
  /** A complete text (or binary, decoded as UTF-8) message. */
  message(text: string): void;
  /** The connection is gone; `description` says how (close code, handshake failure, error). */
  closed(description: string): void;
}

const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const HEADER_END = Buffer.from('\r\n\r\n');
const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;
const FIN = 0x80;
const MASKED = 0x80;
const NORMAL_CLOSURE = 1000;

// Masking keys come from a pool of random bytes, refilled when used up: unpredictable keys as
// RFC 6455 asks, without a crypto call per frame.
const maskPool = Buffer.alloc(4096);
let maskOffset = maskPool.length;

function nextMask(): Buffer {
  if (maskOffset + 4 > maskPool.length) {
    randomFillSync(maskPool);
    maskOffset = 0;
  }
  const mask = maskPool.subarray(maskOffset, maskOffset + 4);
  maskOffset += 4;
  return mask;
}

function encodeClientFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length < 65536 ? 2 : 8;
  const frame = Buffer.allocUnsafe(2 + lengthBytes + 4 + length);
  frame[0] = FIN | opcode;
  if (length < 126) {
    frame[1] = MASKED | length;
  } else if (length < 65536) {
    frame[1] = MASKED | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = MASKED | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  const maskAt = 2 + lengthBytes;
  nextMask().copy(frame, maskAt);
  const payloadAt = maskAt + 4;
  for (let i = 0; i < length; i++) frame[payloadAt + i] = payload[i]! ^ frame[maskAt + (i & 3)]!;
  return frame;
}

export class LeanWebSocket {
  private readonly socket: Socket;
  private readonly key = randomBytes(16).toString('base64');
  private open = false;
  private ended = false;
  /** Our close frame is out; the peer's answer needs no echo. */
  private closeSent = false;
  /** Bytes received but not yet forming a complete handshake response or frame. */
  private pending: Buffer | undefined;
  /** Payloads of a fragmented message so far. */
  private fragments: Buffer[] = [];

  constructor(
    url: string,
    private readonly events: LeanSocketEvents,
  ) {
    const { hostname, port, pathname, search } = new URL(url);
    this.socket = connect({ host: hostname, port: Number(port) || 80, noDelay: true });
    this.socket.on('connect', () => {
      this.socket.write(
        `GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${this.key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    this.socket.on('data', (chunk: Buffer) => (this.open ? this.readFrames(chunk) : this.readHandshake(chunk)));
    this.socket.on('error', (error) => this.end(`socket error: ${error.message}`));
    this.socket.on('close', () => this.end(this.open ? 'connection closed without a close frame' : 'connection closed during the handshake'));
  }

  sendText(text: string): void {
    if (this.open) this.socket.write(encodeClientFrame(OPCODE.text, Buffer.from(text)));
  }

  close(): void {
    if (this.open && !this.closeSent) {
      this.closeSent = true;
      const code = Buffer.alloc(2);
      code.writeUInt16BE(NORMAL_CLOSURE);
      this.socket.end(encodeClientFrame(OPCODE.close, code));
    } else if (!this.open) {
      this.socket.destroy();
    }
  }

  /** Reports the end once; `destroy` is false when a close frame is still on its way out. */
  private end(description: string, destroy = true): void {
    if (this.ended) return;
    this.ended = true;
    this.open = false;
    if (destroy) this.socket.destroy();
    this.events.closed(description);
  }

  private readHandshake(chunk: Buffer): void {
    const received = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    const headerEnd = received.indexOf(HEADER_END);
    if (headerEnd < 0) {
      this.pending = received;
      return;
    }
    this.pending = undefined;
    const [statusLine = '', ...headerLines] = received.subarray(0, headerEnd).toString('latin1').split('\r\n');
    const expectedAccept = createHash('sha1').update(this.key + HANDSHAKE_GUID).digest('base64');
    const accept = headerLines.find((line) => line.toLowerCase().startsWith('sec-websocket-accept:'))?.slice(21).trim();
    if (!statusLine.startsWith('HTTP/1.1 101')) {
      this.end(`handshake refused: ${statusLine}`);
      return;
    }
    if (accept !== expectedAccept) {
      this.end('handshake failed: wrong Sec-WebSocket-Accept');
      return;
    }
    this.open = true;
    this.events.open();
    const rest = received.subarray(headerEnd + HEADER_END.length);
    if (rest.length > 0 && this.open) this.readFrames(rest);
  }

  private readFrames(chunk: Buffer): void {
    const data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    let at = 0;
    while (this.open) {
      if (data.length - at < 2) break;
      const first = data[at]!;
      const second = data[at + 1]!;
      if (second & MASKED) {
        this.end('protocol error: the server masked a frame');
        return;
      }
      let length = second & 0x7f;
      let headerLength = 2;
      if (length === 126) {
        if (data.length - at < 4) break;
        length = data.readUInt16BE(at + 2);
        headerLength = 4;
      } else if (length === 127) {
        if (data.length - at < 10) break;
        length = Number(data.readBigUInt64BE(at + 2));
        headerLength = 10;
      }
      if (data.length - at < headerLength + length) break;
      const payload = data.subarray(at + headerLength, at + headerLength + length);
      at += headerLength + length;
      this.handleFrame(first & 0x0f, (first & FIN) !== 0, payload);
    }
    if (at < data.length && this.open) this.pending = data.subarray(at);
  }

  private handleFrame(opcode: number, fin: boolean, payload: Buffer): void {
    switch (opcode) {
      case OPCODE.text:
      case OPCODE.binary:
      case OPCODE.continuation:
        if (!fin) {
          this.fragments.push(payload);
          return;
        }
        if (this.fragments.length > 0) {
          this.fragments.push(payload);
          payload = Buffer.concat(this.fragments);
          this.fragments = [];
        }
        this.events.message(payload.toString());
        return;
      case OPCODE.ping:
        this.socket.write(encodeClientFrame(OPCODE.pong, payload));
        return;
      case OPCODE.pong:
        return;
      case OPCODE.close: {
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        const reason = payload.subarray(2).toString();
        // Echo the close (unless it answers ours), as RFC 6455 asks, then report it.
        if (!this.closeSent) this.socket.end(encodeClientFrame(OPCODE.close, payload.subarray(0, 2)));
        this.end(`closed ${code}${reason ? ` ${reason}` : ''}`, false);
        return;
      }
      default:
        this.end(`protocol error: unknown opcode ${opcode}`);
    }
  }
}
