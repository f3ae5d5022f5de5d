import { describe, expect, it } from 'vitest';
import { ApiError } from './contract';
import { decodeProtobufObject } from './protobuf';

// What `kubectl create secret generic x --from-literal=a=b --type=foo/bar -n demo` (1.32) sends.
const SECRET_HEX =
  '6b 38 73 00 0a 0c 0a 02 76 31 12 06 53 65 63 72 65 74 12 28 0a 15 0a 01 78 12 00 1a 04 64 65 6d 6f 22 00 2a 00 32 00 38 00 42 00 12 06 0a 01 61 12 01 62 1a 07 66 6f 6f 2f 62 61 72 1a 00 22 00';

const bytes = (hex: string) => Buffer.from(hex.replace(/\s+/g, ''), 'hex');

describe('protobuf request bodies', () => {
  it('decodes a Secret as kubectl sends it, dropping Go zero values', () => {
    expect(decodeProtobufObject(bytes(SECRET_HEX))).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'x', namespace: 'demo' },
      data: { a: Buffer.from('b').toString('base64') },
      type: 'foo/bar',
    });
  });

  it('answers 415 for kinds it cannot decode and 400 for non-protobuf bytes', () => {
    // runtime.Unknown with typeMeta {apiVersion: "v1", kind: "Binding"} and no raw bytes.
    const unknown = Buffer.concat([bytes('6b 38 73 00 0a 0d 0a 02 76 31 12 07'), Buffer.from('Binding')]);
    const e = (() => {
      try {
        decodeProtobufObject(unknown);
      } catch (err) {
        return err as ApiError;
      }
    })();
    expect(e?.code).toBe(415);
    expect(() => decodeProtobufObject(Buffer.from('{}'))).toThrow(/does not appear to be a protobuf message/);
  });
});
