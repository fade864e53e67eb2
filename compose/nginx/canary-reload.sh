#!/bin/sh
# Changes the canary weights of the running front without dropping connections:
#   docker compose ... exec nginx canary-reload NEW LEGACY        e.g. canary-reload 50 50
# Re-renders the templates with the new weights, checks the configuration, then reloads nginx
# gracefully. Put the same weights in compose/.env, or the next restart of the container reverts them.
set -eu

[ "$#" -eq 2 ] || {
  echo 'usage: canary-reload NEW_WEIGHT LEGACY_WEIGHT (0-100 each)' >&2
  exit 2
}
CANARY_NEW_WEIGHT=$1
CANARY_LEGACY_WEIGHT=$2
export CANARY_NEW_WEIGHT CANARY_LEGACY_WEIGHT

. /docker-entrypoint.d/15-tpc-canary-weights.envsh
/docker-entrypoint.d/20-envsubst-on-templates.sh
nginx -t
nginx -s reload
echo "canary now: new $CANARY_NEW_WEIGHT / legacy $CANARY_LEGACY_WEIGHT"
