#!/bin/sh
# Container entry of Janus: write the private configuration from env (scripts/janus-config), then run Janus in the foreground.
set -eu

: "${BB_INTERNAL_SECRET:?BB_INTERNAL_SECRET is required}"
: "${BB_JANUS_ADMIN_SECRET:?BB_JANUS_ADMIN_SECRET is required}"

# janus-config prints the folder to pass to janus -F.
confdir="$(/usr/share/buergerbuero/scripts/janus-config /run/buergerbuero/janus)"
exec janus -F "$confdir" "$@"
