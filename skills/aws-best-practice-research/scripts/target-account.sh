#!/usr/bin/env bash
# Another AWS account through its read-only role, shared by every skill that may work in one (identical copies).
# Setup (once per run): writes an AWS CLI profile named after the account's alias whose credential_process is this
# script, then checks that the role can be assumed and that it is in the expected account. Every later
# `aws ... --profile ALIAS` (or AWS_PROFILE=ALIAS in front of a script) gets fresh temporary
# credentials of that role, refreshed before they expire, so long runs keep working.
# Credentials mode (what the profile runs): prints the role's temporary credentials in the credential_process
# format, from a private cache while they have more than 5 minutes left.
# Exit codes: 0 ready; 1 usage error; 4 the role could not be assumed or is not in the expected account.
set -uo pipefail

usage() {
  cat <<'USAGE'
Usage: target-account.sh --profile ALIAS --role-arn ARN [--external-id ID]
Example: target-account.sh --profile prod --role-arn arn:aws:iam::111122223333:role/AgentCoreSlackBotReadOnly
Then: aws ec2 describe-instances --region us-east-1 --profile prod
      AWS_PROFILE=prod <the skill's script> ...
USAGE
}

PROFILE="" ROLE="" EXTERNAL="" MODE=setup
while [ $# -gt 0 ]; do
  case "$1" in
    --profile) PROFILE="${2:-}"; shift 2 ;;
    --role-arn) ROLE="${2:-}"; shift 2 ;;
    --external-id) EXTERNAL="${2:-}"; shift 2 ;;
    --credentials) MODE=credentials; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 1 ;;
  esac
done
# Strict shapes: the values end up in the AWS CLI config file and in a command line.
[[ "$PROFILE" =~ ^[a-z][a-z0-9-]{0,31}$ ]] \
  && [[ "$ROLE" =~ ^arn:aws[a-z-]*:iam::([0-9]{12}):role/[A-Za-z0-9+=,.@/_-]{1,512}$ ]] \
  && { [ -z "$EXTERNAL" ] || [[ "$EXTERNAL" =~ ^[A-Za-z0-9+=,.@:/_-]{2,1224}$ ]]; } \
  || { usage >&2; exit 1; }
[[ "$ROLE" =~ ^arn:aws[a-z-]*:iam::([0-9]{12}): ]] && ACCOUNT="${BASH_REMATCH[1]}"
SELF="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"

if [ "$MODE" = credentials ]; then
  # The base identity is the agent's own: never this profile (that would call itself).
  unset AWS_PROFILE AWS_DEFAULT_PROFILE
  DIR="${TMPDIR:-/tmp}/target-account-$(id -u)"
  CACHE="$DIR/$PROFILE.json"
  if [ -s "$CACHE" ]; then
    EXP="$(jq -r '.Expiration // empty' "$CACHE" 2>/dev/null)"
    if [ -n "$EXP" ] && [ "$(date -u -d "$EXP" +%s 2>/dev/null || echo 0)" -gt "$(($(date -u +%s) + 300))" ]; then
      cat "$CACHE"; exit 0
    fi
  fi
  OUT="$(timeout 30 aws sts assume-role --role-arn "$ROLE" --role-session-name slack-ops-agent \
    ${EXTERNAL:+--external-id "$EXTERNAL"} --duration-seconds 3600 --output json)" || exit 4
  CREDS="$(jq -c '{Version: 1, AccessKeyId: .Credentials.AccessKeyId, SecretAccessKey: .Credentials.SecretAccessKey,
    SessionToken: .Credentials.SessionToken, Expiration: .Credentials.Expiration}' <<<"$OUT")" || exit 4
  (umask 077 && mkdir -p "$DIR" && printf '%s\n' "$CREDS" > "$CACHE") || true
  printf '%s\n' "$CREDS"
  exit 0
fi

# Through bash, so it runs even where the skills were copied without their executable bits (S3).
COMMAND="bash $SELF --credentials --profile $PROFILE --role-arn $ROLE${EXTERNAL:+ --external-id $EXTERNAL}"
aws configure set "profile.$PROFILE.credential_process" "$COMMAND" || exit 1
# The profile works and lands in the account the alias names, or the run stops here.
GOT="$(timeout 60 aws sts get-caller-identity --profile "$PROFILE" --query Account --output text 2>&1)"
if [ "$GOT" != "$ACCOUNT" ]; then
  echo "target-account.sh: cannot work in account $ACCOUNT through $ROLE: ${GOT:-no answer}" >&2
  echo "Check that the read-only role is deployed there and trusts this agent's role (and the external id)." >&2
  exit 4
fi
echo "Profile $PROFILE reads account $ACCOUNT through $ROLE."
