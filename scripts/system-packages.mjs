#!/usr/bin/env node
// The Debian packages the test suite runs for real, and how to tell each is there: the one list
// that `npm test` (test/support/node/system-packages-global-setup.ts) and CI (.ci/run) read.
// Plain JavaScript on purpose: CI runs it with the system's Node before `npm install`.
//
//   node scripts/system-packages.mjs           prints the missing packages, space-separated
//   node scripts/system-packages.mjs --check   exits 1 with install instructions when any is missing
import { accessSync, constants, existsSync, readdirSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { pathToFileURL } from 'node:url'

const executable = (path) => {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}
const onPath = (command) => (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && executable(join(dir, command)))

export const SYSTEM_PACKAGES = [
  // test/support/node/slapd.ts starts its own OpenLDAP server on free ports with a generated
  // config, so a system slapd that the package may start does not matter.
  { name: 'slapd', purpose: 'the LDAP tests (a real OpenLDAP server)', present: () => executable('/usr/sbin/slapd') && executable('/usr/sbin/slapadd') },
  // test/support/node/sql-servers.ts starts its own PostgreSQL and MariaDB in throwaway data
  // directories on free ports; the packages' own services are neither needed nor touched.
  {
    name: 'postgresql',
    purpose: 'the PostgreSQL target (a real server)',
    present: () => {
      try {
        return readdirSync('/usr/lib/postgresql').some((version) => executable(join('/usr/lib/postgresql', version, 'bin', 'postgres')))
      } catch {
        return false
      }
    },
  },
  { name: 'mariadb-server', purpose: 'the MySQL/MariaDB target (a real server)', present: () => executable('/usr/sbin/mariadbd') && executable('/usr/bin/mariadb-install-db') },
  { name: 'chromium', purpose: 'the landing-page test (a real browser)', present: () => executable('/usr/bin/chromium') },
  { name: 'nginx-light', purpose: 'the NGINX examples, run in a real nginx', present: () => executable('/usr/sbin/nginx') || executable('/usr/bin/nginx') || onPath('nginx') },
  { name: 'openssl', purpose: 'test certificates and verifying signed Apple profiles', present: () => onPath('openssl') },
  // test/support/node/nsd.ts starts its own NSD on a free port with a generated zone; the
  // package's own service (port 53) is neither needed nor touched.
  { name: 'nsd', purpose: 'the doctor tests (a real authoritative DNS server)', present: () => executable('/usr/sbin/nsd') },
  // Evolution's own Autoconfig lookup, run against the service (scripts/clients/EVOLUTION.md).
  { name: 'libevolution', purpose: "Evolution's own Autoconfig lookup (test/clients/evolution.node.test.ts)", present: () => existsSync('/usr/lib/evolution/libevolution-mail.so.0') },
  {
    name: 'evolution-data-server',
    purpose: 'the source registry and mail providers that lookup needs',
    present: () => executable('/usr/libexec/evolution-source-registry') && existsSync('/usr/lib/evolution-data-server/camel-providers/libcamelimapx.so'),
  },
  { name: 'dbus-daemon', purpose: 'a private D-Bus session for that lookup (dbus-run-session)', present: () => onPath('dbus-run-session') },
  { name: 'gcc', purpose: "compiling the Evolution lookup's probe", present: () => onPath('gcc') },
  { name: 'libc6-dev', purpose: "compiling the Evolution lookup's probe", present: () => existsSync('/usr/include/stdio.h') },
  { name: 'iproute2', purpose: "loopback in the Evolution lookup's private network namespace", present: () => executable('/usr/sbin/ip') || executable('/sbin/ip') || onPath('ip') },
  { name: 'ca-certificates', purpose: 'the CA bundle the Evolution lookup mounts its test CA over', present: () => existsSync('/etc/ssl/certs/ca-certificates.crt') },
]

export const missingPackages = () => SYSTEM_PACKAGES.filter((p) => !p.present())

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const missing = missingPackages()
  if (!process.argv.includes('--check')) {
    process.stdout.write(missing.map((p) => p.name).join(' ') + (missing.length > 0 ? '\n' : ''))
  } else if (missing.length > 0) {
    const names = missing.map((p) => p.name).join(' ')
    process.stderr.write(
      [
        'npm test runs real servers and tools, and these system packages are missing:',
        ...missing.map((p) => `  ${p.name}: ${p.purpose}`),
        '',
        'Install them (Debian/Ubuntu) and run npm test again:',
        `  sudo apt-get update && sudo apt-get install -y ${names}`,
        '',
      ].join('\n'),
    )
    process.exitCode = 1
  }
}
