#!/usr/bin/env bash
# Did a log group receive events in a time window? Read-only.
# lastEventTimestamp (describe-log-streams) is updated eventually, often up to an hour late, so it cannot
# prove silence: the verdict comes from looking for one event inside the window with filter-log-events.
# Output: {"logGroup", "verdict": "active"|"silent"|"unknown", "firstEventInWindow", "lastEventTimestamp",
#          "lastIngestionTime", "error"}. Exit codes: 0 verdict printed; 1 usage error.
set -uo pipefail

usage() {
  cat <<'USAGE'
Usage: group-activity.sh --region R --start EPOCH_S --end EPOCH_S --log-group NAME
Prints whether the log group has at least one event between --start and --end (epoch seconds).
USAGE
}

REGION="" START="" END="" GROUP=""
while [ $# -gt 0 ]; do
  case "$1" in
    --region) REGION="${2:-}"; shift 2 ;;
    --start) START="${2:-}"; shift 2 ;;
    --end) END="${2:-}"; shift 2 ;;
    --log-group) GROUP="${2:-}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 1 ;;
  esac
done
[ -n "$REGION" ] && [ -n "$GROUP" ] && [[ "$START" =~ ^[0-9]+$ ]] && [[ "$END" =~ ^[0-9]+$ ]] \
  && [ "$START" -lt "$END" ] || { usage >&2; exit 1; }

ERR=$(mktemp); trap 'rm -f "$ERR"' EXIT
# Informational only (may lag): the newest stream's timestamps.
STREAMS=$(timeout 30 aws logs describe-log-streams --region "$REGION" --log-group-name "$GROUP" \
  --order-by LastEventTime --descending --max-items 3 --output json 2>/dev/null) || STREAMS='{}'
LAST=$(jq -c '[.logStreams[]? | {e: .lastEventTimestamp, i: .lastIngestionTime}]
  | {e: (map(.e // 0) | max // null), i: (map(.i // 0) | max // null)}' <<<"$STREAMS" 2>/dev/null) \
  || LAST='{"e":null,"i":null}'

FIRST=$(timeout 60 aws logs filter-log-events --region "$REGION" --log-group-name "$GROUP" \
  --start-time "$((START * 1000))" --end-time "$((END * 1000))" --max-items 1 \
  --query 'events[0].timestamp' --output text 2>"$ERR")
RC=$?
if [ "$RC" -ne 0 ]; then
  VERDICT=unknown; FIRST=""
elif [[ "$FIRST" =~ ^[0-9]+$ ]]; then
  VERDICT=active
else
  VERDICT=silent; FIRST=""
fi
jq -cn --arg g "$GROUP" --arg v "$VERDICT" --arg f "$FIRST" --argjson last "$LAST" \
  --arg err "$(tr '\n' ' ' < "$ERR" | sed -E 's/ +$//')" \
  '{logGroup: $g, verdict: $v, firstEventInWindow: (if $f == "" then null else ($f | tonumber) end),
    lastEventTimestamp: $last.e, lastIngestionTime: $last.i, error: (if $err == "" then null else $err end)}'
