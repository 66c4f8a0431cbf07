#!/bin/sh
# buergerbuero-queue inside the queue container: the real binary with the config file the entrypoint wrote (secrets), so `docker-compose exec queue buergerbuero-queue …` works as documented.
set -eu
conf=/run/buergerbuero/queue.conf
if [ -r "$conf" ]; then
  exec /usr/bin/buergerbuero-queue --config "$conf" "$@"
fi
exec /usr/bin/buergerbuero-queue "$@"
