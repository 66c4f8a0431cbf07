#!/bin/sh
# Container entry of the queue service: wait for PostgreSQL, apply migrations, then serve in the foreground.
set -eu

: "${BB_DATABASE_URL:?BB_DATABASE_URL is required}"
: "${BB_INTERNAL_SECRET:?BB_INTERNAL_SECRET is required}"

# PostgreSQL may still be starting (compose v3 cannot wait for health): retry migrate for 60 s.
tries=0
until buergerbuero-queue migrate; do
  tries=$((tries + 1))
  if [ "$tries" -ge 30 ]; then
    echo "queue-entrypoint: database not reachable or migrations failed; giving up" >&2
    exit 1
  fi
  sleep 2
done

exec buergerbuero-queue serve "$@"
