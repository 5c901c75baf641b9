#!/usr/bin/env bash
# Good client in shell, as an ops script is written: curl and jq. Reads go with curl's own
# --retry (429, 5xx, timeouts: 1 s, then doubling, Retry-After honoured); the order is never
# sent again blindly: after no answer it is looked up by its coId, and placed again (same
# coId) only on a 404.
set -uo pipefail
base=${INTEGRAL_BASE_URL%/}
token=""
body=$(mktemp)
heads=$(mktemp)
trap 'rm -f "$body" "$heads"' EXIT

# request METHOD PATH JSON [CURL-OPTION …]: prints the status (000: no whole answer); the
# answer's body is in $body, its headers in $heads.
request() {
  local method=$1 path=$2 data=$3 code
  shift 3
  local args=(-sS -o "$body" -D "$heads" -w '%{http_code}' --max-time 3 -X "$method"
    -H "X-Request-ID: $(cat /proc/sys/kernel/random/uuid)" "$@")
  if [[ -n $token && $path != /v2/sso/login ]]; then args+=(-H "SSO_TOKEN: $token"); fi
  if [[ -n $data ]]; then args+=(-H 'Content-Type: application/json' --data "$data"); fi
  if code=$(curl "${args[@]}" "$base$path" 2>/dev/null); then echo "$code"; else echo 000; fi
}

login() {
  local creds status
  creds=$(jq -nc --arg u "$INTEGRAL_USER" --arg p "$INTEGRAL_PASSWORD" --arg o "$INTEGRAL_ORG" \
    '{user: $u, pass: $p, org: $o}')
  status=$(request POST /v2/sso/login "$creds")
  if [[ $status != 200 ]]; then echo "login answered $status" >&2; exit 1; fi
  token=$(grep -i '^sso_token:' "$heads" | cut -d' ' -f2 | tr -d '\r')
}

# get PATH: 0 with the JSON in $body, 4 on a 404, 1 when it gave up. curl retries 429 and
# 5xx itself; a cut-off answer and a refused token are this loop's.
get() {
  local status attempt
  for attempt in 1 2 3 4 5; do
    status=$(request GET "$1" "" --retry 4)
    case $status in
      200) if jq -e . "$body" >/dev/null 2>&1; then return 0; fi ;;
      401) login; continue ;;
      404) return 4 ;;
    esac
    sleep "0.$attempt"
  done
  return 1
}

login
get "/v2/rates/spot?symbol=$(jq -rn --arg s "$INTEGRAL_SYMBOL" '$s | @uri')" || exit 1
[[ $INTEGRAL_SIDE == Buy ]] && buy=1 || buy=0
[[ $INTEGRAL_CURRENCY == "${INTEGRAL_SYMBOL%%/*}" ]] && dealt_base=1 || dealt_base=0
if ((buy == dealt_base)); then field=offer; else field=bid; fi
order=$(jq -c --arg co "sh-$$-$RANDOM" --arg side "$INTEGRAL_SIDE" --arg f "$field" \
  --arg sym "$INTEGRAL_SYMBOL" --arg cur "$INTEGRAL_CURRENCY" --arg size "$INTEGRAL_SIZE" \
  '{coId: $co, type: "PQ", timeInForce: "FOK", side: $side, symbol: $sym, currency: $cur,
    size: ($size | tonumber), price: .[$f], rateId: .rateId}' "$body")
coid=$(jq -r .coId <<<"$order")

placed=""
for attempt in 1 2 3; do
  status=$(request POST /v2/orders "$order")
  if [[ $status == 202 ]]; then placed=1; break; fi
  if [[ $status != 000 && $status != 5* ]]; then
    echo "the order was refused: $status $(cat "$body")" >&2
    exit 1
  fi
  sleep 0.2
  if get "/v2/orders?coId=$coid"; then placed=1; break; fi # it got there after all
done
[[ -n $placed ]] || exit 1

id=$(jq -r .orderId "$body")
state=$(jq -r .status "$body")
until [[ $state =~ ^(FILLED|REJECTED|EXPIRED|CANCELLED)$ ]]; do
  sleep 0.2
  get "/v2/orders/$id" || exit 1
  state=$(jq -r .status "$body")
done
echo "order $id $state"
[[ $state == FILLED ]]
