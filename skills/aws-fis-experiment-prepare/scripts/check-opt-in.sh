#!/usr/bin/env bash
# Do all these resources carry the FIS opt-in tag? Read-only (resourcegroupstaggingapi get-resources).
# The tagging API leaves out resources that have no tags at all, so a resource is tagged only when it is
# returned WITH the tag: every input ARN missing from the answer counts as untagged.
# Output: {"checked": N, "tagged": [...], "untagged": [...]}.
# Exit codes: 0 every resource tagged; 4 some untagged; 1 usage error; 2 the tagging API failed.
set -uo pipefail

usage() {
  cat <<'USAGE'
Usage: check-opt-in.sh --region R --tag-key KEY --tag-value VALUE ARN [ARN ...]
Checks each ARN for the tag KEY=VALUE (at most 100 ARNs per API call; more are batched).
USAGE
}

REGION="" KEY="" VALUE=""
ARNS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --region) REGION="${2:-}"; shift 2 ;;
    --tag-key) KEY="${2:-}"; shift 2 ;;
    --tag-value) VALUE="${2:-}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    arn:*) ARNS+=("$1"); shift ;;
    *) usage >&2; exit 1 ;;
  esac
done
[ -n "$REGION" ] && [ -n "$KEY" ] && [ -n "$VALUE" ] && [ "${#ARNS[@]}" -ge 1 ] || { usage >&2; exit 1; }

TAGGED='[]'
for ((i = 0; i < ${#ARNS[@]}; i += 100)); do
  OUT=$(timeout 60 aws resourcegroupstaggingapi get-resources --region "$REGION" \
    --resource-arn-list "${ARNS[@]:i:100}" --output json) || { echo "check-opt-in.sh: get-resources failed" >&2; exit 2; }
  TAGGED=$(jq -c --argjson acc "$TAGGED" --arg k "$KEY" --arg v "$VALUE" \
    '$acc + [.ResourceTagMappingList[]? | select(any(.Tags[]?; .Key == $k and .Value == $v)) | .ResourceARN]' <<<"$OUT")
done
RESULT=$(printf '%s\n' "${ARNS[@]}" | jq -R . | jq -sc --argjson tagged "$TAGGED" \
  'unique as $in | {checked: ($in | length), tagged: ($in - ($in - $tagged)), untagged: ($in - $tagged)}')
echo "$RESULT"
jq -e '.untagged | length == 0' <<<"$RESULT" > /dev/null || exit 4
