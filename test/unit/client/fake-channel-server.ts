/**
 * A small stand-in for a protocol-2 server, for client tests written before the real one speaks
 * it: channels with members, topics and private ones, direct messages, read positions and
 * `@name` mentions, answered with the contract's frames (each reply with its request's ref).
 * One socket per name; it checks nothing the client tests do not need.
 */
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { nameKey } from '../../../protocol';

interface FakeChannel {
  name: string;
  topic: string;
  private: boolean;
  createdBy: string;
  members: Set<string>;
}

type Frame = Record<string, unknown> & { type: string; ref?: string };

export class FakeChannelServer {
  readonly sent: Frame[] = [];
  private readonly wss: WebSocketServer;
  private readonly sockets = new Map<string, WebSocket>();
  private readonly channels = new Map<string, FakeChannel>();
  private readonly lastRead = new Map<string, number>();
  private readonly messages: Array<Record<string, unknown> & { seq: number }> = [];
  private seq = 0;

  private constructor(wss: WebSocketServer) {
    this.wss = wss;
    this.addChannel('general', '', false, 'root', []);
    wss.on('connection', (socket) => {
      let name: string | undefined;
      socket.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString()) as Frame;
        this.sent.push(frame);
        if (frame.type === 'hello') {
          name = String(frame.name);
          this.sockets.set(nameKey(name), socket);
          this.channels.get('general')!.members.add(name);
          return this.welcome(socket, name, frame.protocol === 2);
        }
        if (name !== undefined) this.handle(socket, name, frame);
      });
      socket.on('close', () => {
        if (name !== undefined && this.sockets.get(nameKey(name)) === socket) this.sockets.delete(nameKey(name));
      });
    });
  }

  static async start(): Promise<FakeChannelServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    return new FakeChannelServer(wss);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}`;
  }

  addChannel(name: string, topic: string, isPrivate: boolean, createdBy: string, members: string[]): void {
    this.channels.set(name, { name, topic, private: isPrivate, createdBy, members: new Set(members) });
  }

  /** Sends a frame as the server to the socket of `name`. */
  push(name: string, frame: Record<string, unknown>): void {
    this.sockets.get(nameKey(name))?.send(JSON.stringify(frame));
  }

  /** Drops every connection the way a network failure does. */
  cutAll(): void {
    for (const socket of this.wss.clients) socket.terminate();
  }

  async close(): Promise<void> {
    this.cutAll();
    await new Promise((resolve) => this.wss.close(resolve));
  }

  private info(channel: FakeChannel): Record<string, unknown> {
    return { name: channel.name, topic: channel.topic, private: channel.private, members: channel.members.size, createdBy: channel.createdBy };
  }

  private isMember(channel: FakeChannel, name: string): boolean {
    return [...channel.members].some((member) => nameKey(member) === nameKey(name));
  }

  private readKey(name: string, conversation: string): string {
    return `${nameKey(name)} ${conversation}`;
  }

  private counts(name: string, conversation: string, inConversation: (message: Record<string, unknown>) => boolean) {
    const lastRead = this.lastRead.get(this.readKey(name, conversation)) ?? 0;
    const unread = this.messages.filter((message) => message.seq > lastRead && inConversation(message) && nameKey(String(message.from)) !== nameKey(name));
    const mentions = unread.filter((message) => (message.mentions as string[] | undefined)?.some((mention) => nameKey(mention) === nameKey(name)));
    return { lastRead, unread: unread.length, mentions: mentions.length };
  }

  private welcome(socket: WebSocket, name: string, v2: boolean): void {
    // Recent messages it may read, as a real welcome replays them: its channels' (v1: #general's) and its own direct ones.
    const readable = this.messages.filter((message) =>
      message.to !== undefined
        ? [message.to, message.from].some((side) => nameKey(String(side)) === nameKey(name))
        : v2
          ? this.isMember(this.channels.get(String(message.channel))!, name)
          : message.channel === 'general',
    );
    const base = { type: 'welcome', name, session: `token-${name}`, token: `token-${name}`, users: [...this.sockets.keys()], messages: readable.slice(-50), seq: this.seq };
    if (!v2) return void socket.send(JSON.stringify(base));
    const channels = [...this.channels.values()]
      .filter((channel) => this.isMember(channel, name))
      .map((channel) => ({ ...this.info(channel), ...this.counts(name, `#${channel.name}`, (message) => message.channel === channel.name) }));
    socket.send(JSON.stringify({ ...base, protocol: 2, channels, direct: [] }));
  }

  private reply(socket: WebSocket, request: Frame, frame: Record<string, unknown>): void {
    socket.send(JSON.stringify({ ...frame, ...(request.ref !== undefined ? { ref: request.ref } : {}) }));
  }

  private error(socket: WebSocket, request: Frame, code: string, message: string): void {
    this.reply(socket, request, { type: 'error', code, message, ...(typeof request.id === 'string' ? { id: request.id } : {}) });
  }

  /** To every member's socket; the requester's copy carries its ref. */
  private channelEvent(socket: WebSocket, request: Frame, channel: FakeChannel, event: Record<string, unknown>, also: string[] = []): void {
    const frame = { type: 'channel', channel: this.info(channel), ...event };
    for (const member of new Set([...channel.members, ...also])) {
      const target = this.sockets.get(nameKey(member));
      if (target && target !== socket) target.send(JSON.stringify(frame));
    }
    this.reply(socket, request, frame);
  }

  private visible(name: string, channelName: unknown): FakeChannel | undefined {
    const channel = this.channels.get(String(channelName));
    return channel && (!channel.private || this.isMember(channel, name)) ? channel : undefined;
  }

  private handle(socket: WebSocket, name: string, frame: Frame): void {
    const unknown = (): void => this.error(socket, frame, 'UNKNOWN_CHANNEL', `there is no channel #${String(frame.channel)}`);
    switch (frame.type) {
      case 'create': {
        const channelName = String(frame.channel);
        if (this.channels.has(channelName)) return this.error(socket, frame, 'CHANNEL_EXISTS', `#${channelName} exists`);
        this.addChannel(channelName, typeof frame.topic === 'string' ? frame.topic : '', frame.private === true, name, [name]);
        return this.channelEvent(socket, frame, this.channels.get(channelName)!, { event: 'created', name, by: name });
      }
      case 'join': {
        const channel = this.visible(name, frame.channel);
        if (!channel) return unknown();
        channel.members.add(name);
        return this.channelEvent(socket, frame, channel, { event: 'joined', name, by: name });
      }
      case 'leave': {
        const channel = this.visible(name, frame.channel);
        if (!channel) return unknown();
        if (!this.isMember(channel, name)) return this.error(socket, frame, 'NOT_A_MEMBER', `you are not in #${channel.name}`);
        channel.members.delete(name);
        return this.channelEvent(socket, frame, channel, { event: 'left', name, by: name }, [name]);
      }
      case 'invite': {
        const channel = this.visible(name, frame.channel);
        if (!channel) return unknown();
        if (!this.isMember(channel, name)) return this.error(socket, frame, 'NOT_A_MEMBER', `you are not in #${channel.name}`);
        channel.members.add(String(frame.name));
        return this.channelEvent(socket, frame, channel, { event: 'joined', name: frame.name, by: name });
      }
      case 'topic': {
        const channel = this.visible(name, frame.channel);
        if (!channel) return unknown();
        channel.topic = String(frame.topic);
        return this.channelEvent(socket, frame, channel, { event: 'topic', by: name });
      }
      case 'channels': {
        const channels = [...this.channels.values()]
          .filter((channel) => !channel.private || this.isMember(channel, name))
          .map((channel) => ({ ...this.info(channel), joined: this.isMember(channel, name) }));
        return this.reply(socket, frame, { type: 'channels', channels });
      }
      case 'members': {
        const channel = this.visible(name, frame.channel);
        if (!channel) return unknown();
        return this.reply(socket, frame, { type: 'members', channel: channel.name, members: [...channel.members].sort() });
      }
      case 'read': {
        const conversation = frame.channel !== undefined ? `#${String(frame.channel)}` : `@${nameKey(String(frame.with))}`;
        const key = this.readKey(name, conversation);
        this.lastRead.set(key, Math.max(this.lastRead.get(key) ?? 0, Number(frame.seq)));
        const inConversation = (message: Record<string, unknown>): boolean =>
          frame.channel !== undefined ? message.channel === frame.channel : message.to !== undefined && [message.to, message.from].some((n) => nameKey(String(n)) === nameKey(String(frame.with)));
        const where = frame.channel !== undefined ? { channel: frame.channel } : { with: frame.with };
        return this.reply(socket, frame, { type: 'read', ...where, seq: this.lastRead.get(key), ...this.counts(name, conversation, inConversation) });
      }
      case 'say':
        return this.say(socket, name, frame);
    }
  }

  private say(socket: WebSocket, name: string, frame: Frame): void {
    const to = typeof frame.to === 'string' ? frame.to : undefined;
    const channel = to === undefined ? this.visible(name, frame.channel ?? 'general') : undefined;
    if (to === undefined && !channel) return this.error(socket, frame, 'UNKNOWN_CHANNEL', `there is no channel #${String(frame.channel)}`);
    if (channel && !this.isMember(channel, name)) return this.error(socket, frame, 'NOT_A_MEMBER', `you are not in #${channel.name}`);
    const text = String(frame.text);
    const readers = channel ? [...channel.members] : [name, to!];
    const mentions = [...text.matchAll(/@([A-Za-z0-9_.-]+)/g)]
      .map((match) => readers.find((reader) => nameKey(reader) === nameKey(match[1]!)))
      .filter((reader): reader is string => reader !== undefined);
    const seq = ++this.seq;
    const message = {
      type: 'message',
      seq,
      id: frame.id,
      from: name,
      ...(to !== undefined ? { to } : { channel: channel!.name }),
      text,
      ts: Date.now(),
      ...(mentions.length > 0 ? { mentions } : {}),
    };
    this.messages.push(message);
    this.lastRead.set(this.readKey(name, to !== undefined ? `@${nameKey(to)}` : `#${channel!.name}`), seq);
    socket.send(JSON.stringify({ type: 'ack', id: frame.id, seq, ts: message.ts }));
    for (const reader of readers) {
      const target = this.sockets.get(nameKey(reader));
      if (target && target !== socket) target.send(JSON.stringify(message));
    }
  }
}
