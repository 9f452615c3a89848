# Bindings every check uses. Follows lib.jq; the check lists and score.jq follow this file.
. as $B
| ($B.files // {}) as $F
| ($B.gaps // []) as $G
| ($B.meta.collectedAt | fromdateiso8601) as $now
| ($F.cluster.cluster // {}) as $C
| ($C.version // "0.0") as $V
| (($C.computeConfig.enabled // false) == true) as $auto
| ($F.workloads | items) as $W
| ($F.pods | items) as $P
| ($F.nodes | items) as $N
| ([$W[] | user]) as $UW
| ([$P[] | user]) as $UP
| ([$F.namespaces | items | .[].metadata.name | select(. as $n | sys_ns | index($n) | not)]) as $UNS
| ([$N[] | select(.metadata.labels["eks.amazonaws.com/compute-type"] == "fargate")]) as $fargateNodes
| (($N | length) > 0 and ($fargateNodes | length) == ($N | length)) as $allFargate
| (($F.nodepools // {}).absent == true) as $noKarpenter
| ($F.nodepools | items) as $NP
| ([$F.addons.addons // [] | .[]]) as $ADDONS
| ([$F | to_entries[] | select(.key | startswith("nodegroup-")) | .value.nodegroup]) as $NGS
| ($F.hpa | items) as $HPA
# A check: UNABLE_TO_ASSESS when a file it needs was not collected; otherwise f decides.
| def check($id; $dim; $sev; $title; $needs; f):
    ([$needs[] | . as $n | select(($G | index($n)) != null or ($F | has($n) | not))]) as $missing
    | {id: $id, dimension: $dim, severity: $sev, title: $title}
      + (if ($missing | length) > 0 then unable("not collected: \($missing | join(", ")) (see gaps.txt and the .err files)") else f end);
  def hpa_min($w):
    [$HPA[] | select(.metadata.namespace == $w.metadata.namespace and .spec.scaleTargetRef.kind == $w.kind
      and .spec.scaleTargetRef.name == $w.metadata.name) | (.spec.minReplicas // 1)] | max;
  def replicas_floor: (.spec.replicas // 1) as $r | (hpa_min(.) // 0) as $h | if $h > $r then $h else $r end;
  def kube_system($kind; $name): [$W[] | select(.metadata.namespace == "kube-system" and .kind == $kind and .metadata.name == $name)] | first;
