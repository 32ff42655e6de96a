/**
 * A round-robin TCP load balancer for tests: each accepted socket is piped to the next node in
 * turn, with no stickiness, as any TCP balancer in front of the nodes would. A node that refuses
 * the connection (it was killed) is skipped for that socket, as a balancer's retry of the next
 * upstream does; the client sees a failure only when no node answers.
 */
import net from 'node:net';

export interface BalancerTarget {
  host: string;
  port: number;
}

export class TcpBalancer {
  private next = 0;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    private readonly targets: readonly BalancerTarget[],
  ) {
    server.on('connection', (client) => this.accept(client));
  }

  static async start(targets: readonly BalancerTarget[]): Promise<TcpBalancer> {
    const server = net.createServer();
    const balancer = new TcpBalancer(server, targets);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    return balancer;
  }

  /** The balancer's WebSocket URL. */
  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  private accept(client: net.Socket): void {
    this.track(client);
    client.on('error', () => client.destroy());
    client.pause();
    this.connect(client, this.targets.length);
  }

  /** Tries the next target; on a refused connection the one after it, up to `attemptsLeft` in all. */
  private connect(client: net.Socket, attemptsLeft: number): void {
    const target = this.targets[this.next++ % this.targets.length]!;
    const upstream = net.createConnection(target);
    this.track(upstream);
    const dropUpstream = (): void => {
      upstream.destroy();
    };
    client.once('close', dropUpstream);
    upstream.once('error', () => {
      client.off('close', dropUpstream);
      if (attemptsLeft > 1 && !client.destroyed) this.connect(client, attemptsLeft - 1);
      else client.destroy();
    });
    upstream.once('connect', () => {
      // From here on an error on either side ends both, as a dropped TCP connection would.
      upstream.removeAllListeners('error');
      upstream.on('error', () => client.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
