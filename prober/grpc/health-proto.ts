/**
 * The two tiny messages of grpc.health.v1 in protobuf wire format, and gRPC's length-prefixed
 * message framing (1-byte compressed flag + 4-byte big-endian length).
 */

export const HEALTH_CHECK_PATH = '/grpc.health.v1.Health/Check';

/** HealthCheckResponse.ServingStatus names by number (SERVICE_UNKNOWN is only used by Watch). */
export const SERVING_STATUSES = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'] as const;

function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return bytes;
}

/** HealthCheckRequest { string service = 1; }; an empty service is an empty message. */
export function encodeHealthCheckRequest(service: string): Buffer {
  if (service === '') return Buffer.alloc(0);
  const text = Buffer.from(service, 'utf8');
  return Buffer.concat([Buffer.from([0x0a, ...varint(text.length)]), text]);
}

function readVarint(bytes: Buffer, start: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = start; i < bytes.length && i < start + 10; i++) {
    const byte = bytes[i]!;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) return { value, next: i + 1 };
  }
  throw new Error('truncated varint');
}

/** HealthCheckResponse { ServingStatus status = 1; }: the status number (0 when absent); unknown fields skipped. */
export function decodeHealthCheckResponse(bytes: Buffer): number {
  let status = 0;
  let offset = 0;
  while (offset < bytes.length) {
    const key = readVarint(bytes, offset);
    const field = Math.floor(key.value / 8);
    const wireType = key.value & 7;
    offset = key.next;
    if (wireType === 0) {
      const value = readVarint(bytes, offset);
      if (field === 1) status = value.value;
      offset = value.next;
    } else if (wireType === 2) {
      const length = readVarint(bytes, offset);
      offset = length.next + length.value;
    } else if (wireType === 1) offset += 8;
    else if (wireType === 5) offset += 4;
    else throw new Error(`unsupported protobuf wire type ${wireType}`);
    if (offset > bytes.length) throw new Error('truncated protobuf message');
  }
  return status;
}

/** One uncompressed gRPC message frame. */
export function frameMessage(message: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(message.length, 1);
  return Buffer.concat([header, message]);
}

/** The first complete message in a gRPC body; throws when incomplete or compressed. */
export function unframeMessage(body: Buffer): Buffer {
  if (body.length < 5) throw new Error(`gRPC body too short (${body.length} bytes)`);
  if (body[0] !== 0) throw new Error('compressed gRPC message, none was asked for');
  const length = body.readUInt32BE(1);
  if (body.length < 5 + length) throw new Error(`gRPC message truncated (${body.length - 5} of ${length} bytes)`);
  return body.subarray(5, 5 + length);
}
