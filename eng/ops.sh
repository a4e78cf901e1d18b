#!/usr/bin/env bash
# Operator commands for a running connector (SelfHost or Azure Functions), over its authenticated API.
#   HULLPLANHAT_URL        the connector's base URL, e.g. https://my-connector.azurewebsites.net
#   HULLPLANHAT_ORG        the Hull organization host, e.g. acme.hullapp.io
#   HULLPLANHAT_ID         the connector id       (HTTP Basic user)
#   HULLPLANHAT_SECRET     the connector secret   (HTTP Basic password; read from the environment, never echoed)
# Commands (answers are the API's JSON):
#   overview                              status, outbox depth and age, dead letters, poison messages, last runs
#   runs [limit] [next]                   run history, newest first      errors <run id> [limit]   a run's row errors
#   preview <notification.json>           what {messages:[...]} would do (create/update/unchanged/skip), reads only
#   preview-incoming [companies|endusers] how many objects an import would send to Hull now, reads only
#   deadletters | replay-deadletters [id...] | delete-deadletter <id>
#   poison [queue] | replay-poison [queue] | delete-poison <id>
#   resync [companies|endusers|accounts|users] [id]   forget stored hashes so the next run sends again
#   dashboard                             prints the status page URL to open (Basic auth in the browser)
set -euo pipefail

: "${HULLPLANHAT_URL:?set HULLPLANHAT_URL (the connector base URL)}" "${HULLPLANHAT_ORG:?set HULLPLANHAT_ORG}"
: "${HULLPLANHAT_ID:?set HULLPLANHAT_ID (connector id)}" "${HULLPLANHAT_SECRET:?set HULLPLANHAT_SECRET (connector secret)}"
base=${HULLPLANHAT_URL%/}

urlencode() { # every byte outside A-Z a-z 0-9 . _ ~ - as %XX (paging tokens hold spaces and '=')
  local LC_ALL=C s=$1 out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in [A-Za-z0-9._~-]) out+=$c ;; *) out+=$(printf '%%%02X' "'$c") ;; esac
  done
  printf '%s' "$out"
}

org=$(urlencode "$HULLPLANHAT_ORG")

call() { # method, path, [query], [curl args...]
  local method=$1 path=$2 query=${3:-}; shift 3 || shift $#
  # The secret goes to curl through a config on stdin, not the command line (ps would show it).
  local user="$HULLPLANHAT_ID:$HULLPLANHAT_SECRET"; user=${user//\\/\\\\}; user=${user//\"/\\\"}
  printf 'user = "%s"\n' "$user" |
    curl -sS --fail-with-body -K - -X "$method" "$base/$path?org=$org$query" "$@"
  echo
}

ids_json() { local out="" id; for id in "$@"; do out+="${out:+,}\"$id\""; done; printf '{"ids":[%s]}' "$out"; }

command=${1:-}; shift || true
case "$command" in
  overview) call GET api/overview ;;
  runs) call GET api/runs "&limit=$(urlencode "${1:-20}")${2:+&next=$(urlencode "$2")}" ;;
  errors) call GET "api/runs/$(urlencode "${1:?run id}")/errors" "&limit=$(urlencode "${2:-100}")" ;;
  preview) call POST api/preview "" -H 'Content-Type: application/json' --data-binary "@${1:?notification file}" ;;
  preview-incoming) call POST api/preview/incoming "${1:+&kind=$(urlencode "$1")}" ;;
  deadletters) call GET api/deadletters ;;
  replay-deadletters) if (($#)); then call POST api/deadletters/replay "" -H 'Content-Type: application/json' --data "$(ids_json "$@")"; else call POST api/deadletters/replay ""; fi ;;
  delete-deadletter) call DELETE "api/deadletters/$(urlencode "${1:?dead letter id}")" ;;
  poison) call GET api/poison "${1:+&queue=$(urlencode "$1")}" ;;
  replay-poison) call POST api/poison/replay "${1:+&queue=$(urlencode "$1")}" ;;
  delete-poison) call DELETE "api/poison/$(urlencode "${1:?message id}")" ;;
  resync) call POST api/resync "${1:+&kind=$(urlencode "$1")}${2:+&id=$(urlencode "$2")}" ;;
  dashboard) echo "$base/dashboard?org=$org" ;;
  *) sed -n '2,16p' "$0"; exit 2 ;;
esac
