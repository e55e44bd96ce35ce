/**
 * A throw-away PKI made with the system's openssl in a temp dir: a root CA, an intermediate, and
 * signing leaves with RSA and ECDSA P-256 keys in every PEM form the signer accepts. Nothing here
 * is committed; the directory is removed by `dispose()`.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestCa {
  readonly dir: string
  readonly rootPem: string
  readonly rootFile: string
  readonly intermediatePem: string
  /** PKCS#8 ("PRIVATE KEY"), the traditional forms, and the leaf certificates. */
  readonly rsa: { readonly cert: string; readonly pkcs8: string; readonly pkcs1: string }
  readonly ec: { readonly cert: string; readonly pkcs8: string; readonly sec1: string }
  /** A second root, to show verification fails against the wrong trust anchor. */
  readonly otherRootFile: string
  openssl(args: readonly string[], input?: Buffer): Buffer
  /**
   * Another signing leaf under the intermediate, valid from `start` to `end` (openssl's
   * YYYYMMDDHHMMSSZ; `openssl ca` takes any dates, also past and future ones), with a key of `key`
   * (`rsa:1024`, `rsa:2048`, `ec`).
   */
  issueLeaf(name: string, key: 'rsa:1024' | 'rsa:2048' | 'ec', start: string, end: string): { readonly cert: string; readonly pkcs8: string }
  /**
   * A TLS server certificate (ECDSA P-256) under the intermediate for `dnsNames`, valid from
   * yesterday for `days` days: `cert` is the leaf followed by the intermediate, as a server sends it.
   */
  issueServer(name: string, dnsNames: readonly string[], days?: number): { readonly cert: string; readonly key: string }
  dispose(): void
}

/** openssl's date form for `ca -startdate/-enddate`, `days` from now. */
export function opensslDate(days: number): string {
  return `${new Date(Date.now() + days * 24 * 60 * 60 * 1000).toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`
}

export function createTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'mailconf-ca-'))
  const path = (name: string) => join(dir, name)
  const openssl = (args: readonly string[], input?: Buffer) =>
    execFileSync('openssl', args, { cwd: dir, input, stdio: ['pipe', 'pipe', 'pipe'] })
  const read = (name: string) => readFileSync(path(name), 'utf8')

  writeFileSync(path('ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n')
  writeFileSync(path('leaf.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n')
  const root = (name: string) =>
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=mailconf test ${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'])
  const issue = (name: string, keyFile: string, issuer: string, ext: string, serial: string) => {
    openssl(['req', '-new', '-key', keyFile, '-out', `${name}.csr`, '-subj', `/CN=mailconf test ${name}`])
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-set_serial', serial, '-days', '2', '-extfile', ext, '-out', `${name}.pem`])
  }
  root('root')
  root('other-root')
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'intermediate.key'])
  issue('intermediate', 'intermediate.key', 'root', 'ca.ext', '2')
  openssl(['genrsa', '-traditional', '-out', 'rsa-pkcs1.key', '2048'])
  openssl(['pkcs8', '-topk8', '-nocrypt', '-in', 'rsa-pkcs1.key', '-out', 'rsa.key'])
  issue('rsa', 'rsa.key', 'intermediate', 'leaf.ext', '3')
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-out', 'ec-sec1.key'])
  openssl(['pkcs8', '-topk8', '-nocrypt', '-in', 'ec-sec1.key', '-out', 'ec.key'])
  issue('ec', 'ec.key', 'intermediate', 'leaf.ext', '4')

  writeFileSync(path('ca.cnf'), '[ca]\ndefault_ca=leaves\n[leaves]\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\ndefault_md=sha256\npolicy=any\nunique_subject=no\n[any]\ncommonName=supplied\n')
  writeFileSync(path('index.txt'), '')
  writeFileSync(path('serial'), '10\n')
  const issueLeaf = (name: string, key: 'rsa:1024' | 'rsa:2048' | 'ec', start: string, end: string) => {
    const keyArgs = key === 'ec' ? ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${key.slice(4)}`]
    openssl(['genpkey', ...keyArgs, '-out', `${name}.key`])
    openssl(['req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=mailconf test ${name}`])
    openssl(['ca', '-batch', '-config', 'ca.cnf', '-cert', 'intermediate.pem', '-keyfile', 'intermediate.key', '-in', `${name}.csr`, '-out', `${name}.pem`, '-startdate', start, '-enddate', end, '-extfile', 'leaf.ext', '-notext'])
    return { cert: read(`${name}.pem`), pkcs8: read(`${name}.key`) }
  }

  const issueServer = (name: string, dnsNames: readonly string[], days = 90) => {
    writeFileSync(path(`${name}.ext`), `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${dnsNames.map((n) => `DNS:${n}`).join(',')}\n`)
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`])
    openssl(['req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${dnsNames[0] ?? name}`])
    openssl(['ca', '-batch', '-config', 'ca.cnf', '-cert', 'intermediate.pem', '-keyfile', 'intermediate.key', '-in', `${name}.csr`, '-out', `${name}.pem`, '-startdate', opensslDate(-1), '-enddate', opensslDate(days), '-extfile', `${name}.ext`, '-notext'])
    return { cert: read(`${name}.pem`) + read('intermediate.pem'), key: read(`${name}.key`) }
  }

  return {
    dir,
    rootPem: read('root.pem'),
    rootFile: path('root.pem'),
    intermediatePem: read('intermediate.pem'),
    rsa: { cert: read('rsa.pem'), pkcs8: read('rsa.key'), pkcs1: read('rsa-pkcs1.key') },
    ec: { cert: read('ec.pem'), pkcs8: read('ec.key'), sec1: read('ec-sec1.key') },
    otherRootFile: path('other-root.pem'),
    openssl,
    issueLeaf,
    issueServer,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/** `openssl cms -verify` against `caFile`; returns the extracted content, or throws with stderr. */
export function opensslVerify(ca: TestCa, der: Uint8Array, caFile: string): Buffer {
  const file = join(ca.dir, `signed-${Math.random().toString(36).slice(2)}.der`)
  writeFileSync(file, der)
  return ca.openssl(['cms', '-verify', '-inform', 'DER', '-in', file, '-CAfile', caFile])
}
