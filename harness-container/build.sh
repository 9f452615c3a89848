#!/usr/bin/env bash
# Build the AgentCore harness image for linux/arm64 (AgentCore runs arm64 only).
#
#   harness-container/build.sh                       build locally, load as agentcore-harness:local
#   harness-container/build.sh --push <ECR image URI>    build and push, e.g.
#       123456789012.dkr.ecr.us-west-2.amazonaws.com/agentcore-harness:2026-11-24
#
# Needs docker with buildx; on an x86_64 machine also QEMU binfmt (docker run --privileged --rm
# tonistiigi/binfmt --install arm64) or an arm64 builder. For --push, log in to ECR first (see deploy/README.md).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "${here}/.." && pwd)"

push_uri=""
tag="agentcore-harness:local"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --push)
      [[ $# -ge 2 ]] || { echo "usage: $0 [--push <ecr-image-uri>]" >&2; exit 2; }
      push_uri="$2"
      shift 2
      ;;
    -h | --help)
      sed -n '2,9p' "$0"
      exit 0
      ;;
    *)
      echo "unknown argument: $1 (usage: $0 [--push <ecr-image-uri>])" >&2
      exit 2
      ;;
  esac
done

if [[ -n "${push_uri}" && ! "${push_uri}" =~ ^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/[a-z0-9._/-]+(:[A-Za-z0-9._-]+)?$ ]]; then
  echo "not an ECR image URI: ${push_uri}" >&2
  exit 2
fi

if ! compgen -G "${repo}/skills/*/SKILL.md" >/dev/null; then
  echo "no skills found: expected ${repo}/skills/<name>/SKILL.md" >&2
  exit 1
fi

# Assemble a minimal build context with the same layout as the repository, so the Dockerfile's COPY paths are the
# same here and in the CDK asset: nothing but the Dockerfile, the AWS CLI signing key and the skills goes in.
ctx="$(mktemp -d)"
trap 'rm -rf "${ctx}"' EXIT
mkdir -p "${ctx}/harness-container"
cp "${here}/Dockerfile" "${here}/aws-cli-team.asc" "${ctx}/harness-container/"
cp -R "${repo}/skills" "${ctx}/skills"
find "${ctx}/skills" \( -name '.DS_Store' -o -name '*.swp' \) -delete

args=(buildx build --platform linux/arm64 --provenance=false -f "${ctx}/harness-container/Dockerfile")
if [[ -n "${push_uri}" ]]; then
  args+=(--push -t "${push_uri}")
else
  args+=(--load -t "${tag}")
fi

echo "building harness image (linux/arm64) with skills: $(cd "${ctx}/skills" && ls -d -- */ | tr -d / | tr '\n' ' ')"
docker "${args[@]}" "${ctx}"
echo "done: ${push_uri:-${tag}}"
