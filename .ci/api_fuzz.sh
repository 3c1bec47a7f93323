#!/usr/bin/env bash
# Fuzz the JSON API from its own OpenAPI schema (schemathesis), as an admin, on a scratch data
# directory: no request may end in a server error, and every answer must match the schema
# (status code, content type, headers, body).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(cd "${VENV:-.venv}/bin" && pwd)

data=$(mktemp -d)
server=""
cleanup() {
  if [[ -n "$server" ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$data"
}
trap cleanup EXIT

export JOURNEY_DATA_DIR="$data/var" JOURNEY_CONFIG_FILE="$data/journey.toml"
export JOURNEY_ANALYSIS__BACKGROUND=false
unset JOURNEY_DATABASE__URL
"$BIN/journey" init >/dev/null
# A wide console keeps the token on one line.
token=$(COLUMNS=500 "$BIN/journey" users create --email fuzz@example.com --role admin \
  --no-password | sed -n 's/.*(shown once): //p')
[[ -n "$token" ]] || { echo "api_fuzz: no token from journey users create" >&2; exit 1; }

port=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN/journey" serve --host 127.0.0.1 --port "$port" >"$data/server.log" 2>&1 &
server=$!
url="http://127.0.0.1:$port"
for _ in $(seq 120); do
  "$BIN/python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1])' \
    "$url/readyz" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$data/server.log" >&2; exit 1; }
  sleep 1
done

# The checks are those about this server's own answers. Left out: negative_data_rejection and
# positive_data_acceptance (the schema cannot say which vocabulary keys or ids exist, so valid-
# looking data is refused with 422 by design), and the auth/stateful checks (one admin token).
# Left out too: revoking a user's tokens, which would revoke the fuzzer's own and end the run.
status=0
# Run from the scratch directory: schemathesis keeps its state files where it runs.
(cd "$data" && "$BIN/schemathesis" run "$url/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
  --exclude-path-regex 'revoke-tokens$' \
  --phases examples,coverage,fuzzing \
  --max-examples "${FUZZ_MAX_EXAMPLES:-15}" \
  --workers 2 \
  --seed "${FUZZ_SEED:-7}" \
  --request-timeout 30 \
  --no-color "$@") || status=$?
if [[ $status -ne 0 ]] && grep -q Traceback "$data/server.log"; then
  echo "--- server log ---" >&2
  cat "$data/server.log" >&2
fi
exit $status
