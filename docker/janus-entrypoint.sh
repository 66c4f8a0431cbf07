#!/bin/sh
# Container entry of Janus: secrets from their files into a private configuration (scripts/janus-config), then run Janus as user janus.
set -eu
# shellcheck source=docker/lib/secrets.sh
. /usr/local/lib/buergerbuero/secrets.sh

# The secrets reach janus-config only; Janus itself runs without them in its environment.
internal_secret="$(bb_secret BB_INTERNAL_SECRET)"
admin_secret="$(bb_secret BB_JANUS_ADMIN_SECRET)"
unset BB_INTERNAL_SECRET BB_INTERNAL_SECRET_FILE BB_JANUS_ADMIN_SECRET BB_JANUS_ADMIN_SECRET_FILE
mkdir -p /run/buergerbuero
# janus-config prints the folder to pass to janus -F.
confdir="$(BB_INTERNAL_SECRET="$internal_secret" BB_JANUS_ADMIN_SECRET="$admin_secret" \
  /usr/share/buergerbuero/scripts/janus-config /run/buergerbuero/janus)"
unset internal_secret admin_secret
chown -R janus:janus /run/buergerbuero/janus
exec setpriv --reuid=janus --regid=janus --init-groups -- janus -F "$confdir" "$@"
