#!/bin/sh
# Container entry of the web front: ensure a TLS certificate (self-signed fallback with a warning), render nginx.conf, run nginx.
set -eu

: "${BB_PUBLIC_HOST:?BB_PUBLIC_HOST is required}"
tls="${BB_WEB_TLS_DIR:-/etc/buergerbuero/tls}"
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
  umask 022
fi

# BSI TR-02102-2 asks for RSA keys of at least 3000 bits (ECDSA: 250 bits); nginx cannot refuse a
# weaker certificate, so say it loudly.
bits="$(openssl x509 -in "$cert" -noout -text 2>/dev/null | sed -n 's/.*Public-Key: (\([0-9]*\) bit).*/\1/p' | head -n 1)"
if openssl x509 -in "$cert" -noout -text 2>/dev/null | grep -q 'rsaEncryption' && [ "${bits:-0}" -lt 3000 ]; then
  echo "web-entrypoint: WARNING: the certificate's RSA key has ${bits:-?} bits; BSI TR-02102-2 asks for at least 3000 (or ECDSA P-256)" >&2
fi

run="${BB_WEB_RUN_DIR:-/run/nginx}"
mkdir -p "$run"
/usr/local/bin/render-nginx-conf /etc/buergerbuero/nginx.conf.template >/etc/nginx/nginx.conf
nginx -t -q
exec nginx -g 'daemon off;'
