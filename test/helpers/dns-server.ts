/**
 * An in-test DNS responder on 127.0.0.1, over UDP and TCP on the same port, built with dgram/net +
 * dns-packet. The test decides every answer: a handler gets each decoded query and returns the
 * response packet, or `undefined` to stay silent (a server that never answers).
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import { createServer as createTLSServer } from 'node:tls';
import type { TestContext } from 'node:test';
import dnsPacket, { type Answer, type DecodedPacket, type Packet } from 'dns-packet';

export type Transport = 'udp' | 'tcp';
export type DnsHandler = (query: DecodedPacket, transport: Transport) => Packet | undefined;

export interface DnsServer {
  port: number;
  /** Every query received so far, in order. */
  queries: Array<{ transport: Transport; query: DecodedPacket }>;
  close(): Promise<void>;
}

/** A response to `query` carrying its id, question and RD bit, with the given sections and rcode. */
export function reply(
  query: DecodedPacket,
  sections: { answers?: Answer[]; authorities?: Answer[]; additionals?: Answer[]; rcode?: number } = {},
): Packet {
  const recursionDesired = (query.flags ?? 0) & dnsPacket.RECURSION_DESIRED;
  return {
    id: query.id,
    type: 'response',
    flags: dnsPacket.AUTHORITATIVE_ANSWER | recursionDesired | (sections.rcode ?? 0),
    questions: query.questions,
    answers: sections.answers ?? [],
    authorities: sections.authorities ?? [],
    additionals: sections.additionals ?? [],
  };
}

/** A handler answering from a fixed record list (name and type must match), NXDOMAIN for unknown names. */
export function staticZone(records: Answer[]): DnsHandler {
  return (query) => {
    const question = query.questions?.[0];
    if (question === undefined) return reply(query, { rcode: 1 });
    const name = question.name.toLowerCase();
    const sameName = records.filter((record) => record.name.toLowerCase() === name);
    if (sameName.length === 0) return reply(query, { rcode: 3 });
    return reply(query, { answers: sameName.filter((record) => (question.type as string) === 'ANY' || record.type === question.type) });
  };
}

function serveTcpConnection(socket: TcpSocket, handle: (message: Buffer) => Buffer | undefined): void {
  let pending = Buffer.alloc(0);
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 2) {
      const length = pending.readUInt16BE(0);
      if (pending.length < 2 + length) return;
      const message = pending.subarray(2, 2 + length);
      pending = pending.subarray(2 + length);
      const response = handle(message);
      if (response === undefined) continue;
      const framed = Buffer.alloc(2 + response.length);
      framed.writeUInt16BE(response.length, 0);
      response.copy(framed, 2);
      socket.write(framed);
    }
  });
}

async function bindBoth(newUdp: () => Socket, tcp: Server): Promise<{ udp: Socket; port: number }> {
  // The kernel picks a UDP port; TCP then takes the same number (retried if something holds it).
  for (let attempt = 0; ; attempt++) {
    const udp = newUdp();
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, '127.0.0.1', () => resolve());
    });
    const port = udp.address().port;
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(port, '127.0.0.1', () => resolve());
      });
      return { udp, port };
    } catch (error) {
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      if (attempt >= 10) throw error;
    }
  }
}

export interface DnsServerOptions {
  /** PEM certificate and key: the TCP side speaks DNS over TLS (the UDP side stays plain). */
  tls?: { cert: string; key: string };
}

/** Starts the responder; it is closed when the test ends. */
export async function startDnsServer(t: TestContext, handler: DnsHandler, options: DnsServerOptions = {}): Promise<DnsServer> {
  const queries: DnsServer['queries'] = [];
  const sockets = new Set<TcpSocket>();
  const handle = (transport: Transport) => (message: Buffer): Buffer | undefined => {
    let query: DecodedPacket;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return undefined;
    }
    queries.push({ transport, query });
    const response = handler(query, transport);
    return response === undefined ? undefined : dnsPacket.encode(response);
  };
  const newUdp = (): Socket => {
    const socket = createSocket('udp4');
    socket.on('message', (message, remote) => {
      const response = handle('udp')(message);
      if (response !== undefined) socket.send(response, remote.port, remote.address);
    });
    return socket;
  };
  const onConnection = (socket: TcpSocket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    serveTcpConnection(socket, handle('tcp'));
  };
  const tcp = options.tls === undefined ? createServer(onConnection) : createTLSServer(options.tls, onConnection);
  const { udp, port } = await bindBoth(newUdp, tcp);
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const socket of sockets) socket.destroy();
    await Promise.all([
      new Promise<void>((resolve) => udp.close(() => resolve())),
      new Promise<void>((resolve) => tcp.close(() => resolve())),
    ]);
  };
  t.after(close);
  return { port, queries, close };
}
