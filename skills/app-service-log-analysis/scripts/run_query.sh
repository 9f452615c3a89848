#!/usr/bin/env bash
# Run one CloudWatch Logs Insights query with bounded polling and print the result JSON to stdout.
# Read-only: starts a query (reads logs) and, if it runs too long, cancels that query.
# Exit codes: 0 Complete; 1 usage error; 2 could not start (no queryId: the JSON carries the AWS error code
# and message, e.g. AccessDeniedException, LimitExceededException, MalformedQueryException,
# ResourceNotFoundException); 3 Failed/Cancelled/Timeout/Unknown; 4 still running when the poll budget ran
# out (query cancelled).
set -uo pipefail

usage() {
  cat <<'USAGE'
Usage: run_query.sh --region R --start EPOCH_S --end EPOCH_S --query-file FILE --log-group NAME [--log-group NAME ...]
                    [--limit 1000] [--max-polls 60] [--interval 2]
Prints {"queryId", "status", "statistics", "results"} with results as arrays of {field: value} objects.
At most 50 log groups per query; the window and groups should be as narrow as the question allows.
USAGE
}

REGION="" START="" END="" QFILE="" LIMIT=1000 MAX_POLLS=60 INTERVAL=2
LOG_GROUPS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --region) REGION="${2:-}"; shift 2 ;;
    --start) START="${2:-}"; shift 2 ;;
    --end) END="${2:-}"; shift 2 ;;
    --query-file) QFILE="${2:-}"; shift 2 ;;
    --log-group) LOG_GROUPS+=("${2:-}"); shift 2 ;;
    --limit) LIMIT="${2:-}"; shift 2 ;;
    --max-polls) MAX_POLLS="${2:-}"; shift 2 ;;
    --interval) INTERVAL="${2:-}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 1 ;;
  esac
done
[ -n "$REGION" ] && [[ "$START" =~ ^[0-9]+$ ]] && [[ "$END" =~ ^[0-9]+$ ]] && [ -f "$QFILE" ] \
  && [ "${#LOG_GROUPS[@]}" -ge 1 ] && [ "${#LOG_GROUPS[@]}" -le 50 ] && [ "$START" -lt "$END" ] || { usage >&2; exit 1; }
[[ "$MAX_POLLS" =~ ^[0-9]+$ ]] && [ "$MAX_POLLS" -le 300 ] || { usage >&2; exit 1; }

ERR=$(mktemp); trap 'rm -f "$ERR"' EXIT
QID=$(timeout 30 aws logs start-query --region "$REGION" --log-group-identifiers "${LOG_GROUPS[@]}" \
  --start-time "$START" --end-time "$END" --limit "$LIMIT" --query-string "$(cat "$QFILE")" \
  --query queryId --output text 2>"$ERR")
RC=$?
if [ "$RC" -ne 0 ] || [ -z "$QID" ] || [ "$QID" = "None" ]; then
  # Keep the AWS error: the skill's error table decides on its code (AccessDenied, throttling, syntax, group).
  MSG=$(tr '\n' ' ' < "$ERR" | sed -E 's/ +$//')
  [ "$RC" -eq 124 ] && MSG="start-query timed out after 30 s"
  CODE=$(sed -nE 's/.*An error occurred \(([A-Za-z]+)\).*/\1/p' <<<"$MSG")
  jq -cn --arg m "${MSG:-start-query returned no queryId}" --arg c "${CODE:-Unknown}" \
    '{status: "NotStarted", errorCode: $c, error: $m}'
  exit 2
fi

for _ in $(seq 1 "$MAX_POLLS"); do
  sleep "$INTERVAL"
  OUT=$(timeout 30 aws logs get-query-results --region "$REGION" --query-id "$QID" --output json 2>/dev/null) || continue
  STATUS=$(jq -r '.status' <<<"$OUT")
  case "$STATUS" in
    Complete)
      jq -c --arg q "$QID" '{queryId: $q, status, statistics, results: [.results[] | map({(.field): .value}) | add]}' <<<"$OUT"
      exit 0 ;;
    Failed|Cancelled|Timeout|Unknown)
      jq -cn --arg q "$QID" --arg s "$STATUS" '{queryId: $q, status: $s}'
      exit 3 ;;
  esac
done
timeout 30 aws logs stop-query --region "$REGION" --query-id "$QID" >/dev/null 2>&1
jq -cn --arg q "$QID" '{queryId: $q, status: "PollBudgetExceeded"}'
exit 4
