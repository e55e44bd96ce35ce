#!/usr/bin/env bash
# Evolution's own Autoconfig lookup against this checkout's mailconf, and the servers it ends on.
# What it does, how and what it measured: scripts/clients/EVOLUTION.md.
#
#   scripts/clients/evolution-lookup.sh [--http-only] [--check | --no-install] [--keep] [--verbose]
#
#   --http-only  no TLS listener: Evolution's first URL (https://autoconfig.<domain>/…) is refused
#                and it falls back to http://autoconfig.<domain>/… (shows the fallback)
#   --check      only check the Debian packages (exit 2 naming them when any is missing)
#   --no-install run, but exit 2 naming the missing packages instead of installing them (tests)
#   --keep       keep the work folder (logs, served document, probe output) and print its path
#   --verbose    also print the served Autoconfig document and the service's log on stderr
#
# 1. Checks the Debian packages it needs and installs the missing ones (as root; otherwise prints
#    the apt-get command and exits 2).
# 2. Compiles evolution-lookup.c (beside this file) against Evolution's libevolution-mail.
# 3. In private namespaces (network, mount, PID: nothing outside sees or keeps any of it):
#    loopback only; /etc/hosts bind-mounted so evo.test and autoconfig.evo.test are 127.0.0.1;
#    a test CA bind-mounted as the system CA bundle; this checkout's Node server (src/node/main.ts)
#    on 127.0.0.1:4243 over a fresh libsql file, seeded through POST /initdb/; NGINX on 80 and 443
#    in front of it with docs/self-hosting/mailconf-proxy.conf (PROXY_COUNT=1, as in production);
#    a D-Bus session bus (dbus-run-session) where evolution-source-registry starts on demand.
# 4. Runs the probe: e_mail_autoconfig_new_sync() for alice@evo.test, then the account wizard's
#    e_mail_autoconfig_set_{imap,pop3,smtp}_details() on scratch ESources.
# 5. Prints one JSON object on stdout: Evolution's version, the request lines NGINX forwarded to the
#    service, the servers of the served document in order, and the servers Evolution chose.
#
# Exit status: 0 when Evolution ends on IMAP imap.evo.test:993 and SMTP smtp.evo.test:465 (the
# preferred servers of the seed below); 1 when it ends anywhere else or the lookup fails; 2 when
# the setup fails (packages, compiler, namespaces, service).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
DOMAIN=evo.test
# Evolution sends EVOLUTIONUSER in place of the local part, and the MD5 of the whole address.
ADDRESS="alice@$DOMAIN"
# Inside the private network namespace nothing else listens, so fixed ports are free ports.
MAILCONF_PORT=4243
EXPECT_IMAP="imap.$DOMAIN:993"
EXPECT_SMTP="smtp.$DOMAIN:465"

SEED_DOCUMENT=$(cat <<EOF
{
  "version": 2,
  "provider": "Evolution Test",
  "documentation_url": "https://help.$DOMAIN/mail",
  "oauth2": { "issuer": "https://login.$DOMAIN", "auth_url": "https://login.$DOMAIN/auth", "token_url": "https://login.$DOMAIN/token" },
  "domains": [{ "name": "$DOMAIN" }],
  "servers": [
    { "type": "imap", "name": "imap.$DOMAIN", "port": 993, "socket_type": "SSL", "prio": 10 },
    { "type": "imap", "name": "imap-legacy.$DOMAIN", "port": 143, "socket_type": "STARTTLS", "prio": 20 },
    { "type": "smtp", "name": "smtp.$DOMAIN", "port": 465, "socket_type": "SSL", "prio": 10 },
    { "type": "smtp", "name": "submit.$DOMAIN", "port": 587, "socket_type": "STARTTLS", "prio": 20 },
    { "type": "jmap", "url": "https://jmap.$DOMAIN/.well-known/jmap" },
    { "type": "caldav", "url": "https://dav.$DOMAIN/calendars/%EMAILADDRESS%/" },
    { "type": "webdav", "url": "https://files.$DOMAIN/dav/" },
    { "type": "managesieve", "name": "sieve.$DOMAIN" }
  ]
}
EOF
)

# Debian packages, each with how to tell it is there (as scripts/system-packages.mjs does).
# --no-install-recommends: the probe needs the libraries, not the Evolution application.
missing_packages() {
  local missing=()
  [ -e /usr/lib/evolution/libevolution-mail.so.0 ] || missing+=(libevolution)
  { [ -x /usr/libexec/evolution-source-registry ] && [ -e /usr/lib/evolution-data-server/camel-providers/libcamelimapx.so ]; } || missing+=(evolution-data-server)
  command -v dbus-run-session >/dev/null || missing+=(dbus-daemon)
  command -v gcc >/dev/null || missing+=(gcc)
  [ -e /usr/include/stdio.h ] || missing+=(libc6-dev)
  { command -v ip >/dev/null || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ]; } || missing+=(iproute2)
  { command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; } || missing+=(nginx-light)
  command -v openssl >/dev/null || missing+=(openssl)
  [ -e /etc/ssl/certs/ca-certificates.crt ] || missing+=(ca-certificates)
  command -v unshare >/dev/null || missing+=(util-linux)
  echo "${missing[*]}"
}

ensure_packages() {
  local install=$1 missing
  missing=$(missing_packages)
  [ -z "$missing" ] && return 0
  local command="apt-get update && apt-get install -y --no-install-recommends $missing"
  if [ "$install" = 0 ] || [ "$(id -u)" != 0 ]; then
    echo "evolution-lookup: missing Debian packages: $missing" >&2
    echo "  install them with: sudo sh -c '$command'" >&2
    exit 2
  fi
  echo "evolution-lookup: installing $missing" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
  missing=$(missing_packages)
  if [ -n "$missing" ]; then
    echo "evolution-lookup: still missing after apt-get: $missing" >&2
    exit 2
  fi
}

compile_probe() {
  local work=$1 lib=/usr/lib/x86_64-linux-gnu
  [ -d "$lib" ] || lib=$(dirname "$(find /usr/lib -name 'libedataserver-1.2.so.*' -print -quit)")
  # By file name: the unversioned .so links live in -dev packages the probe does not need.
  gcc -std=c99 -O2 -Wall -Wextra -o "$work/evolution-lookup" "$HERE/evolution-lookup.c" \
    -Wl,-rpath,/usr/lib/evolution /usr/lib/evolution/libevolution-mail.so.0 \
    "$lib"/libedataserver-1.2.so.[0-9]* "$lib"/libcamel-1.2.so.[0-9]* "$lib/libgobject-2.0.so.0" "$lib/libglib-2.0.so.0" \
    >&2 || { echo "evolution-lookup: could not compile $HERE/evolution-lookup.c" >&2; exit 2; }
}

# A test CA and a certificate for autoconfig.<domain> and <domain>, valid for a day.
make_certificates() {
  local work=$1
  cat >"$work/openssl.cnf" <<EOF
[req]
distinguished_name = dn
prompt = no
[dn]
CN = mailconf evolution-lookup test CA
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:autoconfig.$DOMAIN, DNS:$DOMAIN
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
  openssl req -x509 -config "$work/openssl.cnf" -extensions ca -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$work/ca.key" -out "$work/ca.pem" -days 1 2>/dev/null
  openssl req -x509 -config "$work/openssl.cnf" -extensions leaf -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj "/CN=autoconfig.$DOMAIN" -CA "$work/ca.pem" -CAkey "$work/ca.key" \
    -keyout "$work/key.pem" -out "$work/cert.pem" -days 1 2>/dev/null
}

write_nginx_config() {
  local work=$1 tls=$2
  mkdir -p "$work/nginx/logs" "$work/nginx/temp"
  local listen="listen 127.0.0.1:80;"
  if [ "$tls" = 1 ]; then
    listen="$listen
        listen 127.0.0.1:443 ssl http2;
        ssl_certificate     $work/cert.pem;
        ssl_certificate_key $work/key.pem;"
  fi
  # One process that stays the (namespace's) root: no worker user to switch to or chown temp
  # folders for, which a user namespace could not map. Every path is in $work.
  cat >"$work/nginx/nginx.conf" <<EOF
daemon off;
master_process off;
user root root;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $work/nginx/temp/body;
    proxy_temp_path $work/nginx/temp/proxy;
    fastcgi_temp_path $work/nginx/temp/fastcgi;
    uwsgi_temp_path $work/nginx/temp/uwsgi;
    scgi_temp_path $work/nginx/temp/scgi;
    log_format lookup '\$request_method \$scheme://\$host\$request_uri \$server_protocol \$status\t\$http_user_agent';
    upstream mailconf {
        server 127.0.0.1:$MAILCONF_PORT;
        keepalive 4;
    }
    server {
        $listen
        server_name autoconfig.$DOMAIN $DOMAIN;
        access_log $work/nginx/logs/access.log lookup;
        location / {
            include $REPO/docs/self-hosting/mailconf-proxy.conf;
        }
    }
}
EOF
}

# Runs as PID 1 of the private namespaces; everything it starts dies with it.
inside() {
  local work=$1 tls=$2 verbose=$3
  ip link set lo up 2>/dev/null || /usr/sbin/ip link set lo up || /sbin/ip link set lo up
  mount --bind "$work/hosts" /etc/hosts
  [ "$tls" = 1 ] && mount --bind "$work/ca.pem" /etc/ssl/certs/ca-certificates.crt

  local token
  token=$(openssl rand -hex 24)
  (
    cd "$REPO"
    # Exported, not on a command line: the token stays out of every process listing.
    export LIBSQL_URL="file:$work/mailconf.db" ADMIN_TOKEN="$token" PROXY_COUNT=1 HOST=127.0.0.1 PORT=$MAILCONF_PORT LOG_LEVEL=info
    exec node --import tsx src/node/main.ts
  ) >"$work/mailconf.log" 2>&1 &
  local mailconf_pid=$!
  "$(command -v nginx || echo /usr/sbin/nginx)" -p "$work/nginx" -c "$work/nginx/nginx.conf" 2>>"$work/nginx/logs/error.log" &
  local nginx_pid=$!
  trap 'kill '"$mailconf_pid $nginx_pid"' 2>/dev/null || true; wait 2>/dev/null || true' EXIT

  # Wait for the service, seed it, fetch the document as served through NGINX over http.
  printf '%s' "$SEED_DOCUMENT" >"$work/seed.json"
  if ! MAILCONF_PID=$mailconf_pid MAILCONF_URL="http://127.0.0.1:$MAILCONF_PORT" ADMIN_TOKEN="$token" DOMAIN="$DOMAIN" ADDRESS="$ADDRESS" WORK="$work" \
    node --input-type=module -e "$SEED_SCRIPT" >&2; then
    echo "evolution-lookup: the service did not start or refused the seed; its log:" >&2
    cat "$work/mailconf.log" "$work/nginx/logs/error.log" >&2
    exit 2
  fi

  # Evolution's own lookup, with a private home and bus; no proxy settings reach it.
  mkdir -p "$work/home/.config" "$work/home/.local/share" "$work/home/.cache" "$work/home/run"
  chmod 700 "$work/home/run"
  local status=0
  env -u http_proxy -u https_proxy -u HTTP_PROXY -u HTTPS_PROXY -u all_proxy -u ALL_PROXY -u no_proxy -u NO_PROXY \
    -u DBUS_SESSION_BUS_ADDRESS -u DISPLAY -u WAYLAND_DISPLAY \
    HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share" \
    XDG_CACHE_HOME="$work/home/.cache" XDG_RUNTIME_DIR="$work/home/run" GSETTINGS_BACKEND=memory \
    timeout 60 dbus-run-session -- "$work/evolution-lookup" "$ADDRESS" >"$work/probe.json" 2>"$work/probe.err" || status=$?
  sleep 0.2 # the access log line of the last request

  if [ "$verbose" = 1 ]; then
    { echo "== served document (http://autoconfig.$DOMAIN/mail/config-v1.1.xml)"; cat "$work/document.xml"
      echo "== service log"; cat "$work/mailconf.log"; echo "== probe stderr"; cat "$work/probe.err"; } >&2
  fi
  PROBE_STATUS=$status EXPECT_IMAP="$EXPECT_IMAP" EXPECT_SMTP="$EXPECT_SMTP" ADDRESS="$ADDRESS" WORK="$work" TLS="$tls" \
    EVOLUTION_VERSION="$(dpkg-query -W -f='${Version}' libevolution 2>/dev/null || echo unknown)" \
    node --input-type=module -e "$REPORT_SCRIPT"
}

# Node (the service's own runtime) for HTTP and JSON.
SEED_SCRIPT=$(cat <<'EOF'
import { readFileSync, writeFileSync } from 'node:fs'
const { MAILCONF_PID, MAILCONF_URL, ADMIN_TOKEN, DOMAIN, ADDRESS, WORK } = process.env
const running = () => { try { process.kill(Number(MAILCONF_PID), 0); return true } catch { return false } }
let healthy = false
for (let attempt = 0; attempt < 300 && !healthy; attempt++) {
  if (!running()) throw new Error('mailconf exited')
  healthy = await fetch(`${MAILCONF_URL}/healthz`).then((r) => r.ok, () => false)
  if (!healthy) await new Promise((resolve) => setTimeout(resolve, 100))
}
if (!healthy) throw new Error('mailconf did not answer /healthz within 30 s')
const seeded = await fetch(`${MAILCONF_URL}/initdb/`, {
  method: 'POST',
  headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
  body: readFileSync(`${WORK}/seed.json`),
})
if (!seeded.ok) throw new Error(`POST /initdb/ answered ${seeded.status}: ${await seeded.text()}`)
// Through NGINX and /etc/hosts, as a client resolves it (and not logged as one of Evolution's).
const query = `emailaddress=${encodeURIComponent(ADDRESS)}`
const served = await fetch(`http://autoconfig.${DOMAIN}/mail/config-v1.1.xml?${query}`)
if (!served.ok) throw new Error(`the document answered ${served.status}`)
writeFileSync(`${WORK}/document.xml`, await served.text())
EOF
)

REPORT_SCRIPT=$(cat <<'EOF'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
const { WORK, ADDRESS, EXPECT_IMAP, EXPECT_SMTP, PROBE_STATUS, TLS, EVOLUTION_VERSION } = process.env
const read = (name) => (existsSync(`${WORK}/${name}`) ? readFileSync(`${WORK}/${name}`, 'utf8') : '')
const md5 = createHash('md5').update(ADDRESS.toLowerCase()).digest('hex')
const local = ADDRESS.slice(0, ADDRESS.indexOf('@'))
// The request lines as NGINX forwarded them, minus the one the script made itself; the address's
// local part never appears (Evolution sends EVOLUTIONUSER; anything else is replaced).
const logged = read('nginx/logs/access.log').split('\n').filter((line) => line !== '' && !line.includes(encodeURIComponent(ADDRESS)))
  .map((line) => line.split(local).join('<local>').replace(md5, '<md5 of the address>').split('\t'))
const requests = logged.map(([request]) => request)
const userAgents = [...new Set(logged.map(([, agent]) => agent))]
// The served document's servers in document order, per type.
const served = {}
for (const [, type, body] of read('document.xml').matchAll(/<(?:incoming|outgoing)Server type="([^"]+)">([\s\S]*?)<\/(?:incoming|outgoing)Server>/g)) {
  const field = (name) => body.match(new RegExp(`<${name}>([^<]*)</${name}>`))?.[1]
  ;(served[type] ??= []).push(field('url') ?? `${field('hostname')}:${field('port')} ${field('socketType')}`)
}
let chosen = null
try { chosen = JSON.parse(read('probe.json')) } catch {}
const endpoint = (server) => (server ? `${server.host}:${server.port}` : null)
const ok = PROBE_STATUS === '0' && chosen !== null && endpoint(chosen.imap) === EXPECT_IMAP && endpoint(chosen.smtp) === EXPECT_SMTP
const report = {
  evolution: EVOLUTION_VERSION,
  tls: TLS === '1',
  requests,
  user_agents: userAgents,
  served,
  chosen: chosen ?? { error: read('probe.err').trim().split('\n').filter((l) => !l.startsWith('dbus-daemon')).join(' ') || `probe exited ${PROBE_STATUS}` },
  expected: { imap: EXPECT_IMAP, smtp: EXPECT_SMTP },
  ok,
}
console.log(JSON.stringify(report, null, 2))
process.exitCode = ok ? 0 : 1
EOF
)

main() {
  local tls=1 check=0 install=1 keep=0 verbose=0
  for arg in "$@"; do
    case $arg in
      --http-only) tls=0 ;;
      --check) check=1 install=0 ;;
      --no-install) install=0 ;;
      --keep) keep=1 ;;
      --verbose) verbose=1 ;;
      -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
      *) echo "evolution-lookup: unknown option $arg (see --help)" >&2; exit 2 ;;
    esac
  done
  ensure_packages "$install"
  [ "$check" = 1 ] && exit 0
  [ -d "$REPO/node_modules/tsx" ] || { echo "evolution-lookup: run npm install in $REPO first" >&2; exit 2; }

  # Global: the EXIT trap runs after main has returned.
  WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/evolution-lookup.XXXXXX")
  local work=$WORK_DIR
  chmod 755 "$work"
  if [ "$keep" = 1 ]; then echo "evolution-lookup: work folder $work" >&2; else trap 'rm -rf "$WORK_DIR"' EXIT; fi
  compile_probe "$work"
  [ "$tls" = 1 ] && make_certificates "$work"
  write_nginx_config "$work" "$tls"
  printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n127.0.0.1 %s autoconfig.%s\n' "$DOMAIN" "$DOMAIN" >"$work/hosts"

  # Root: plain namespaces. Otherwise a user namespace where the caller is root (needs
  # unprivileged user namespaces, the default on Debian 12).
  local userns=()
  [ "$(id -u)" = 0 ] || userns=(--user --map-root-user)
  local status=0
  unshare "${userns[@]}" --net --mount --pid --fork --kill-child --mount-proc \
    bash "$HERE/evolution-lookup.sh" --inside "$work" "$tls" "$verbose" || status=$?
  return "$status"
}

if [ "${1:-}" = --inside ]; then
  shift
  inside "$@"
else
  main "$@"
fi
