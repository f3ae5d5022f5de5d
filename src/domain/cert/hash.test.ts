import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HASHES } from './hash';

describe('hash', () => {
  it('matches Node for every padding boundary', () => {
    for (const len of [0, 1, 55, 56, 63, 64, 111, 112, 119, 120, 127, 128, 1000, 4099]) {
      let s = '';
      for (let i = 0; i < len; i++) s += String.fromCharCode((i * 131 + 7) & 0xff);
      for (const [name, f] of Object.entries(HASHES)) expect(f(s), `${name} ${len}`).toBe(createHash(name).update(Buffer.from(s, 'latin1')).digest().toString('latin1'));
    }
  });
});
