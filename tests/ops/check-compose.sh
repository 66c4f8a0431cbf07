#!/usr/bin/env bash
# TAP test: docker-compose.yml is valid, takes every setting from .env, keeps secrets in files, has a health check per service, and its Dockerfiles' sources exist.
set -euo pipefail

root="${BB_SOURCE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
cd "$root"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

n=0
ok()     { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/# /'; }
check()  { local name="$1"; shift; local out; if out="$("$@" 2>&1)"; then ok "$name"; else not_ok "$name" "$out"; fi; }

echo "1..8"

if ! command -v docker-compose >/dev/null 2>&1; then
  case "${CI:-}" in
    1 | true | yes) not_ok "docker-compose installed (scripts/install-deps installs it)" ;;
    *) ok "docker-compose config # SKIP docker-compose not installed" ;;
  esac
  ok "unfilled .env is refused # SKIP docker-compose not installed"
  : >"$tmp/config.yml"
else
  # The sample with every empty value filled in (as an operator would) must give a valid stack.
  sed -E 's/^(BB_PUBLIC_HOST)=$/\1=buergerbuero.example.org/; s/^(BB_PUBLIC_IP)=$/\1=203.0.113.10/;
          s|^(BB_SMTP_URL)=$|\1=smtp://mail.example.org:25|; s/^(BB_SMTP_FROM)=$/\1=buergerbuero@example.org/;
          s|^(BB_EMBED_ORIGINS)=$|\1=https://www.example.org|' .env.example >"$tmp/env"
  check "docker-compose config with a filled-in .env" \
    docker-compose --project-directory "$root" --env-file "$tmp/env" -f docker-compose.yml config -q
  docker-compose --project-directory "$root" --env-file "$tmp/env" -f docker-compose.yml config >"$tmp/config.yml" 2>/dev/null || true
  # The sample as shipped (secrets empty) must be refused: no secret may fall back to a default.
  if out="$(docker-compose --project-directory "$root" --env-file .env.example -f docker-compose.yml config -q 2>&1)"; then
    not_ok "unfilled .env is refused (a required setting has a default?)"
  elif printf '%s' "$out" | grep -q 'in .env'; then
    ok "unfilled .env is refused with a message naming the setting"
  else
    not_ok "unfilled .env is refused with a message naming the setting" "$out"
  fi
fi

# Every ${VAR} used by the compose file is documented in .env.example.
missing=""
for var in $(grep -oE '\$\{[A-Z0-9_]+' docker-compose.yml | sed 's/^\${//' | sort -u); do
  grep -qE "^$var=" .env.example || missing="$missing $var"
done
if [ -z "$missing" ]; then ok "every compose variable is in .env.example"; else not_ok "compose variables missing from .env.example:$missing"; fi

# Every Dockerfile named by the compose file exists.
missing=""
for f in $(grep -E '^\s+dockerfile:' docker-compose.yml | awk '{print $2}'); do
  [ -f "$f" ] || missing="$missing $f"
done
if [ -z "$missing" ]; then ok "every Dockerfile exists"; else not_ok "Dockerfiles missing:$missing"; fi

# Every local COPY source of those Dockerfiles exists (the build context is the repository root).
missing=""
for f in docker/*.Dockerfile; do
  while read -r src; do
    [ -e "$src" ] || missing="$missing $f:$src"
  done < <(grep -E '^COPY ' "$f" | grep -v -- '--from=' | awk '{for (i = 2; i < NF; i++) print $i}')
done
if [ -z "$missing" ]; then ok "every COPY source exists"; else not_ok "COPY sources missing:$missing"; fi

# The checks below read the stack as docker-compose resolved it (empty when it could not).
compose_check() {
  python3 - "$tmp/config.yml" "$1" <<'PY'
import sys, yaml
path, what = sys.argv[1], sys.argv[2]
cfg = yaml.safe_load(open(path, encoding="utf-8")) or {}
services, secrets = cfg.get("services") or {}, cfg.get("secrets") or {}
bad = []
if not services:
    bad.append("no resolved compose configuration")
for name, svc in services.items():
    env = svc.get("environment") or {}
    mounted = {s["source"] if isinstance(s, dict) else s for s in svc.get("secrets") or []}
    if what == "health":
        hc = svc.get("healthcheck") or {}
        if not hc.get("test") or hc.get("disable"):
            bad.append(f"{name}: no healthcheck")
    elif what == "secrets":
        for key, value in env.items():
            value = str(value or "")
            secretish = any(w in key for w in ("SECRET", "PASSWORD"))
            if secretish and not key.endswith("_FILE"):
                bad.append(f"{name}: {key} is a secret in the environment (use {key}_FILE and a compose secret)")
            if key.endswith("_FILE"):
                src = value.removeprefix("/run/secrets/")
                if not value.startswith("/run/secrets/") or src not in mounted:
                    bad.append(f"{name}: {key}={value} is not a secret mounted into this service")
            if "password=" in value.lower() or "://" in value and "@" in value.split("://", 1)[1].split("/", 1)[0]:
                bad.append(f"{name}: {key} embeds a password")
        for src in mounted:
            if src not in secrets:
                bad.append(f"{name}: secret {src} is not declared")
if what == "secrets":
    for name, sec in secrets.items():
        if not str(sec.get("file", "")).endswith(f"/{name}") or "external" in sec:
            bad.append(f"secret {name}: not a file named after it in BB_SECRETS_DIR")
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
}
check "every service has a health check" compose_check health
check "secrets only as files: no secret or password in any service's environment" compose_check secrets

# The web image's entrypoint renders nginx.conf with the settings compose passes to it.
if env -i PATH="$PATH" BB_PUBLIC_HOST=buergerbuero.example.org BB_EMBED_ORIGINS=https://www.example.org,https://example.org \
     BB_METRICS_ALLOW="10.1.2.0/24" BB_LIMIT_EXEMPT="192.0.2.0/24" \
     sh docker/web/render-nginx-conf docker/web/nginx.conf.template >"$tmp/nginx.conf" 2>"$tmp/render.err" \
   && ! grep -q '\${' "$tmp/nginx.conf"; then
  ok "the web front's config renders with compose's settings, nothing left unsubstituted"
else
  not_ok "the web front's config renders with compose's settings" "$(cat "$tmp/render.err"; grep -n '\${' "$tmp/nginx.conf")"
fi
