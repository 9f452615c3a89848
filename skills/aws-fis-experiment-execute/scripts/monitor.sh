#!/usr/bin/env bash
# Watch one AWS FIS experiment for a bounded time. Read-only: it never stops or changes anything;
# the caller decides to stop based on the exit code.
# Output: one JSON object per poll on stdout, then a final {"result": ...} object.
# Exit codes: 0 terminal state reached; 10 a stop-condition alarm is in ALARM while the experiment is
# still active; 11 time budget used up, experiment still active; 12 blind (3 polls in a row failed);
# 1 usage error; 2 experiment not found or not readable.
set -uo pipefail

usage() {
  cat <<'USAGE'
Usage: monitor.sh --experiment-id EXP --region REGION [--alarms name1,name2] [--interval 20] [--max-minutes 5]
Polls `aws fis get-experiment` (and the stop-condition alarms) every --interval seconds (10 to 60)
for at most --max-minutes (1 to 15). Run it again to keep watching.
USAGE
}

EXP="" REGION="" ALARMS="" INTERVAL=20 MAX_MIN=5
while [ $# -gt 0 ]; do
  case "$1" in
    --experiment-id) EXP="${2:-}"; shift 2 ;;
    --region) REGION="${2:-}"; shift 2 ;;
    --alarms) ALARMS="${2:-}"; shift 2 ;;
    --interval) INTERVAL="${2:-}"; shift 2 ;;
    --max-minutes) MAX_MIN="${2:-}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 1 ;;
  esac
done
[[ "$EXP" =~ ^EXP[A-Za-z0-9]+$ ]] && [ -n "$REGION" ] || { usage >&2; exit 1; }
[[ "$INTERVAL" =~ ^[0-9]+$ ]] && [ "$INTERVAL" -ge 10 ] && [ "$INTERVAL" -le 60 ] || { usage >&2; exit 1; }
[[ "$MAX_MIN" =~ ^[0-9]+$ ]] && [ "$MAX_MIN" -ge 1 ] && [ "$MAX_MIN" -le 15 ] || { usage >&2; exit 1; }

deadline=$(( $(date +%s) + MAX_MIN * 60 ))
failures=0
while :; do
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  if ! exp=$(timeout 30 aws fis get-experiment --id "$EXP" --region "$REGION" --output json 2>/tmp/monitor-$$.err); then
    failures=$((failures + 1))
    if grep -q ResourceNotFound /tmp/monitor-$$.err; then
      jq -cn --arg e "$EXP" '{result: "not-found", experimentId: $e}'; exit 2
    fi
    [ "$failures" -ge 3 ] && { jq -cn --arg t "$now" '{result: "blind", at: $t}'; exit 12; }
  else
    failures=0
    state=$(jq -r '.experiment.state.status' <<<"$exp")
    alarms='{}'
    if [ -n "$ALARMS" ]; then
      IFS=',' read -r -a names <<<"$ALARMS"
      alarms=$(timeout 30 aws cloudwatch describe-alarms --region "$REGION" --alarm-types MetricAlarm CompositeAlarm --alarm-names "${names[@]}" --output json 2>/dev/null \
        | jq -c '[.MetricAlarms[], .CompositeAlarms[]] | map({(.AlarmName): .StateValue}) | add // {}') || alarms='{"error":"unreadable"}'
    fi
    jq -c --arg t "$now" --argjson a "$alarms" \
      '{at: $t, state: .experiment.state.status, reason: .experiment.state.reason,
        actions: (.experiment.actions | map_values(.state.status)), alarms: $a}' <<<"$exp"
    case "$state" in
      completed|stopped|failed|cancelled) jq -cn --arg s "$state" '{result: "terminal", state: $s}'; exit 0 ;;
    esac
    if jq -e 'to_entries | any(.value == "ALARM")' <<<"$alarms" >/dev/null 2>&1 && [ "$state" != "stopping" ]; then
      jq -cn --arg s "$state" '{result: "alarm", state: $s}'; exit 10
    fi
  fi
  [ "$(date +%s)" -ge "$deadline" ] && { jq -cn '{result: "time-budget-used"}'; exit 11; }
  sleep "$INTERVAL"
done
