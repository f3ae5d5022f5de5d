// Test support (Node only, never imported by app code): certificates made with the openssl CLI in a
// temp dir at test time, so the inspector is tested on certificates made outside the project.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

export class OpensslDir {
  readonly dir = mkdtempSync(join(tmpdir(), 'hc-cert-'));
  private serial = 0x1000;
  private readonly minimalConfig: string;

  constructor() {
    // A config with no default extensions, so each certificate has exactly what the test asks for.
    this.minimalConfig = this.write('minimal.cnf', '[req]\ndistinguished_name = dn\n[dn]\n');
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  write(name: string, content: string | Uint8Array): string {
    writeFileSync(this.path(name), content);
    return this.path(name);
  }

  read(name: string): string {
    return readFileSync(this.path(name), 'latin1');
  }

  readBytes(name: string): Uint8Array {
    return new Uint8Array(readFileSync(this.path(name)));
  }

  run(args: string[], options: { config?: 'minimal' | 'system' } = {}): string {
    const env = { ...process.env };
    if (options.config !== 'system') env.OPENSSL_CONF = this.minimalConfig;
    return execFileSync('openssl', args, { cwd: this.dir, env, stdio: ['ignore', 'pipe', 'pipe'] }).toString('latin1');
  }

  rsaKey(name: string, bits = 2048): string {
    this.run(['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${bits}`, '-out', name]);
    return name;
  }

  ecKey(name: string, curve: 'P-256' | 'P-384'): string {
    this.run(['genpkey', '-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${curve}`, '-out', name]);
    return name;
  }

  /** Self-signed certificate with exactly the given extensions (openssl -addext syntax). */
  selfSigned(name: string, key: string, subject: string, exts: string[], options: { days?: number; md?: string } = {}): string {
    const args = ['req', '-x509', '-new', '-key', key, '-subj', subject, '-days', String(options.days ?? 365), `-${options.md ?? 'sha256'}`];
    args.push('-config', this.minimalConfig);
    for (const ext of exts) args.push('-addext', ext);
    this.run([...args, '-set_serial', String(this.serial++), '-out', name]);
    return name;
  }

  /** Certificate for `key` signed by caCert/caKey, with extension lines as in an openssl extfile. */
  signed(
    name: string,
    key: string,
    subject: string,
    caCert: string,
    caKey: string,
    exts: string[],
    options: { days?: number; md?: string } = {},
  ): string {
    const csr = `${name}.csr`;
    this.run(['req', '-new', '-key', key, '-subj', subject, '-config', this.minimalConfig, '-out', csr]);
    const extfile = this.write(`${name}.ext`, `[ext]\n${exts.join('\n')}\n`);
    const args = ['x509', '-req', '-in', csr, '-CA', caCert, '-CAkey', caKey, '-set_serial', String(this.serial++)];
    args.push('-days', String(options.days ?? 365), `-${options.md ?? 'sha256'}`);
    if (exts.length) args.push('-extfile', extfile, '-extensions', 'ext');
    this.run([...args, '-out', name]);
    return name;
  }

  /** With chosen dates (YYYYMMDDHHMMSSZ), through `openssl ca`, which takes -startdate/-enddate. */
  signedWithDates(name: string, key: string, subject: string, caCert: string, caKey: string, exts: string[], start: string, end: string): string {
    const csr = `${name}.csr`;
    this.run(['req', '-new', '-key', key, '-subj', subject, '-config', this.minimalConfig, '-out', csr]);
    const db = `${name}.index`;
    this.write(db, '');
    this.write(`${name}.serial`, `${(this.serial++).toString(16).padStart(4, '0')}\n`);
    const cnf = this.write(
      `${name}.ca.cnf`,
      [
        '[ca]',
        'default_ca = d',
        '[d]',
        `database = ${db}`,
        'new_certs_dir = .',
        `serial = ${name}.serial`,
        'default_md = sha256',
        'policy = p',
        'unique_subject = no',
        '[p]',
        'commonName = supplied',
        '[ext]',
        ...exts,
        '',
      ].join('\n'),
    );
    this.run(['ca', '-batch', '-config', cnf, '-cert', caCert, '-keyfile', caKey, '-in', csr, '-startdate', start, '-enddate', end, '-extensions', 'ext', '-notext', '-out', name]);
    return name;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
