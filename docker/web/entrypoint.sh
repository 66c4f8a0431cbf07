#!/bin/sh
# Container entry of the web front: ensure a TLS certificate (self-signed fallback with a warning), render nginx.conf, run nginx.
set -eu

: "${BB_PUBLIC_HOST:?BB_PUBLIC_HOST is required}"
tls=/etc/buergerbuero/tls
cert="$tls/fullchain.pem"
key="$tls/privkey.pem"

# Without an operator-provided certificate the stack still starts, with a self-signed one, so that
# a test installation works; browsers warn, and the log says what to do.
if [ ! -s "$cert" ] || [ ! -s "$key" ]; then
  echo "web-entrypoint: WARNING: no certificate in $tls; creating a self-signed one for $BB_PUBLIC_HOST" >&2
  echo "web-entrypoint: put fullchain.pem and privkey.pem there (see docs/operations.md)" >&2
  mkdir -p "$tls"
  umask 077
  openssl req -x509 -newkey rsa:3072 -sha256 -days 30 -nodes \
    -subj "/CN=$BB_PUBLIC_HOST" -addext "subjectAltName=DNS:$BB_PUBLIC_HOST" \
    -keyout "$key" -out "$cert" 2>/dev/null
  chmod 644 "$cert"
fi

# Only our variables are substituted: nginx's own $variables stay untouched.
envsubst '${BB_PUBLIC_HOST} ${BB_METRICS_ALLOW}' \
  </etc/buergerbuero/nginx.conf.template >/etc/nginx/nginx.conf
nginx -t -q
exec nginx -g 'daemon off;'
