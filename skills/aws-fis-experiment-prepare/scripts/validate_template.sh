#!/usr/bin/env bash
# Validates a FIS experiment template against this project's rules before it is registered.
# Usage: validate_template.sh --template FILE [--alarms FILE] [--tag-mappings FILE] [--max-duration PT10M]
#        [--report-bucket NAME]
# Reads FIS_EXPERIMENT_ROLE_ARN, FIS_LOG_GROUP_ARN, FIS_REPORT_BUCKET (--report-bucket overrides it), AWS_REGION
# and the FIS tag variables (deploy defaults apply).
# --alarms: `aws cloudwatch describe-alarms --alarm-names ...` output for the stop alarms (state and ALB metrics).
# --tag-mappings: `aws resourcegroupstaggingapi get-resources --resource-arn-list ...` output for ARN targets.
# Prints {valid, errors[], warnings[], prerequisites[], maxActionMinutes}. Exit codes: 0 valid, 4 invalid,
# 1 usage error, 2 unreadable input.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
usage() { sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

TEMPLATE="" ALARMS="" TAGS="" MAXD="PT10M" BUCKET="${FIS_REPORT_BUCKET:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --template) TEMPLATE="${2:-}"; shift 2 ;;
    --alarms) ALARMS="${2:-}"; shift 2 ;;
    --tag-mappings) TAGS="${2:-}"; shift 2 ;;
    --max-duration) MAXD="${2:-}"; shift 2 ;;
    --report-bucket) BUCKET="${2:-}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 1 ;;
  esac
done
[ -n "$TEMPLATE" ] || { usage >&2; exit 1; }
# One jq call: the options, the catalogue and the optional evidence files are bound as variables.
RESULT=$(jq --slurpfile cat "$HERE/../assets/fis-actions.json" \
  --slurpfile alarms "${ALARMS:-/dev/null}" --slurpfile tagmap "${TAGS:-/dev/null}" \
  --arg role "${FIS_EXPERIMENT_ROLE_ARN:-}" --arg log "${FIS_LOG_GROUP_ARN:-}" --arg region "${AWS_REGION:-${AWS_DEFAULT_REGION:-}}" \
  --arg ttk "${FIS_TEMPLATE_TAG_KEY:-managed-by}" --arg ttv "${FIS_TEMPLATE_TAG_VALUE:-agentcore-slack-bot}" \
  --arg ok "${FIS_TARGET_TAG_KEY:-fis-allowed}" --arg ov "${FIS_TARGET_TAG_VALUE:-true}" --arg maxd "$MAXD" --arg bucket "$BUCKET" \
  "\$cat[0] as \$cat | (\$alarms | first) as \$alarms | (\$tagmap | first) as \$tagmap
  | {roleArn: \$role, logGroupArn: \$log, region: \$region, ttKey: \$ttk, ttValue: \$ttv, optKey: \$ok, optValue: \$ov,
     maxDuration: \$maxd, reportBucket: \$bucket} as \$o |
$(cat "$HERE/validate.jq")" "$TEMPLATE") || { echo "validate_template: jq could not read $TEMPLATE ${ALARMS} ${TAGS} (see the jq error above)" >&2; exit 2; }
printf '%s\n' "$RESULT"
case "$RESULT" in *'"valid": true'*) exit 0 ;; *) exit 4 ;; esac
