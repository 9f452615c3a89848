# Reliability checks REL-01 to REL-18 (EKS Best Practices Guide: Reliability, Cluster Autoscaling, Networking).
  # Node conditions: "...Ready" types (Ready, and KernelReady, NetworkingReady, StorageReady, ContainerRuntimeReady
  # from the node monitoring agent and Auto Mode) are healthy when True; every other type (MemoryPressure,
  # DiskPressure, PIDPressure, NetworkUnavailable, node-problem-detector problems) is a problem when True.
  def bad_condition: if (.type | endswith("Ready")) then .status != "True" else .status == "True" end;
  def reliability_checks: [
    check("REL-01"; "Reliability"; "High"; "No bare pods"; ["pods"];
      found([$UP[] | select((.metadata.ownerReferences // []) | length == 0) | id]; "FAIL")),
    check("REL-02"; "Reliability"; "High"; "More than one replica"; ["workloads", "hpa"];
      found([$UW[] | scalable | select(replicas_floor < 2) | id]; "FAIL")),
    check("REL-03"; "Reliability"; "High"; "Readiness probes"; ["workloads"];
      found([$UW[] | scalable | . as $w | main_ctrs | select(.readinessProbe == null) | "\($w | id) \(.name)"]; "FAIL")),
    check("REL-04"; "Reliability"; "Medium"; "Liveness probes"; ["workloads"];
      [$UW[] | scalable | . as $w | main_ctrs | select(.livenessProbe == null) | "\($w | id) \(.name)"] as $missing
      | [$UW[] | scalable | . as $w | main_ctrs | select(.livenessProbe != null and .livenessProbe == .readinessProbe) | "\($w | id) \(.name) liveness = readiness"] as $same
      | if ($missing | length) > 0 then found($missing; "FAIL") else found($same; "WARN") end),
    check("REL-05"; "Reliability"; "High"; "PodDisruptionBudget for replicated workloads"; ["workloads", "pdb", "hpa"];
      ($F.pdb | items) as $pdbs
      | found([$UW[] | scalable | select(replicas_floor >= 2) | . as $w | ($w.spec.template.metadata.labels // {}) as $l
          | select([$pdbs[] | select(.metadata.namespace == $w.metadata.namespace) | select(.spec.selector | selects($l))] | length == 0)
          | id]; "FAIL")),
    check("REL-06"; "Reliability"; "Medium"; "PDBs allow at least one disruption"; ["pdb"];
      found([$F.pdb | items | .[] | select(.status.disruptionsAllowed == 0 and (.status.expectedPods // 0) > 0) | "\(.metadata.namespace)/\(.metadata.name)"]; "FAIL")),
    check("REL-07"; "Reliability"; "Medium"; "Replicas spread across zones"; ["workloads"];
      if $allFargate then na("all pods run on Fargate")
      else found([$UW[] | scalable | select((.spec.replicas // 1) > 1)
        | select((podspec.topologySpreadConstraints // []) == [] and podspec.affinity.podAntiAffinity == null) | id]; "FAIL") end),
    check("REL-08"; "Reliability"; "High"; "Nodes in at least two AZs, balanced"; ["nodes"];
      ([$N[] | .metadata.labels["topology.kubernetes.io/zone"] // "unknown"] | group_by(.) | map({zone: .[0], nodes: length})) as $z
      | ($z | map("\(.zone)=\(.nodes)") | join(", ")) as $obs
      | if ($z | length) == 0 then st("FAIL"; "no nodes")
        elif ($z | length) < 2 then st("FAIL"; "one zone: \($obs)")
        elif ([$z[].nodes] | max) > ([$z[].nodes] | min) * 1.2 then st("WARN"; "unbalanced: \($obs)")
        else st("PASS"; $obs) end),
    check("REL-09"; "Reliability"; "Medium"; "No crash-looping containers"; ["pods"];
      found([$UP[] | . as $p | .status.containerStatuses[]?
        | select(.restartCount > 5 or .state.waiting.reason == "CrashLoopBackOff") | "\($p | id) \(.name) restarts=\(.restartCount)"]; "FAIL")),
    check("REL-10"; "Reliability"; "Medium"; "No recent OOM kills"; ["pods"];
      found([$UP[] | . as $p | .status.containerStatuses[]? | select(.lastState.terminated.reason == "OOMKilled") | "\($p | id) \(.name)"]; "FAIL")),
    check("REL-11"; "Reliability"; "Medium"; "No long-pending pods"; ["pods"];
      found([$UP[] | select(.status.phase == "Pending") | select(($now - (.metadata.creationTimestamp | fromdateiso8601)) > 600) | id]; "FAIL")),
    check("REL-12"; "Reliability"; "High"; "Nodes healthy"; ["nodes"];
      found([$N[] | .metadata.name as $n | .status.conditions[]? | select(bad_condition) | "\($n) \(.type)=\(.status)"]; "FAIL")),
    check("REL-13"; "Reliability"; "Medium"; "Graceful shutdown: preStop hook and termination grace"; ["workloads", "services"];
      # Pods behind a Service need a preStop pause so load balancers stop sending traffic before the process exits.
      ([$F.services | items | .[] | user | select(.spec.selector != null and .spec.selector != {}) | {ns: .metadata.namespace, sel: .spec.selector}]) as $svc
      | found([$UW[] | scalable | . as $w | ($w.spec.template.metadata.labels // {}) as $l
          | select(any($svc[]; .ns == $w.metadata.namespace and ({matchLabels: .sel} | selects($l))))
          | select((podspec.terminationGracePeriodSeconds // 30) < 1 or ([main_ctrs | select(.lifecycle.preStop != null)] | length) == 0)
          | "\(id) no preStop hook"]; "WARN")),
    check("REL-14"; "Reliability"; "Low"; "Startup probes for slow-starting containers"; ["workloads"];
      found([$UW[] | scalable | . as $w | main_ctrs | select(.startupProbe == null and (.livenessProbe.initialDelaySeconds // 0) > 30)
        | "\($w | id) \(.name) liveness initialDelaySeconds=\(.livenessProbe.initialDelaySeconds)"]; "WARN")),
    check("REL-15"; "Reliability"; "Medium"; "ResourceQuota and LimitRange per namespace"; ["quotas", "namespaces"];
      ($F.quotas | items) as $q
      | found([$UNS[] | . as $ns
          | ([$q[] | select(.metadata.namespace == $ns) | .kind]) as $k
          | select(($k | index("ResourceQuota")) == null or ($k | index("LimitRange")) == null)
          | "\($ns) missing \((["ResourceQuota", "LimitRange"] - $k) | join(" and "))"]; "WARN")),
    check("REL-16"; "Reliability"; "Medium"; "Node monitoring agent and auto-repair"; ["addons"];
      if $auto then st("PASS"; "Auto Mode monitors and repairs its nodes")
      elif $allFargate then na("all pods run on Fargate")
      else (($ADDONS | index("eks-node-monitoring-agent")) != null) as $agent
        | ([$NGS[] | select((.nodeRepairConfig.enabled // false) | not) | .nodegroupName]) as $noRepair
        | if $agent and ($noRepair | length) == 0 then st("PASS"; "node monitoring agent installed; auto-repair on for every managed node group")
          elif $agent then st("WARN"; "auto-repair off for node group(s): \($noRepair | join(", "))")
          elif ($NGS | length) > 0 and ($noRepair | length) == 0 then st("WARN"; "auto-repair on but the eks-node-monitoring-agent add-on is missing: only Ready is watched")
          else st("FAIL"; "no eks-node-monitoring-agent add-on and no node auto-repair") end end),
    check("REL-17"; "Reliability"; "Medium"; "CoreDNS scales with the cluster or NodeLocal DNSCache"; ["workloads", "addons"];
      if $auto then na("Auto Mode runs DNS on each node")
      else (($F["addon-coredns"].addon.configurationValues // "{}") | try fromjson catch {}) as $cfg
        | ([$W[] | select(.metadata.namespace == "kube-system" and (.metadata.name | test("dns-autoscaler|coredns-autoscaler|node-local-dns|nodelocaldns")))] | map("\(.kind)/\(.metadata.name)")) as $extra
        | ([$HPA[] | select(.metadata.namespace == "kube-system" and .spec.scaleTargetRef.name == "coredns")] | length) as $hpa
        | if ($cfg.autoScaling.enabled // false) == true then st("PASS"; "coredns add-on autoScaling enabled")
          elif ($extra | length) > 0 then st("PASS"; $extra | join(", "))
          elif $hpa > 0 then st("PASS"; "HPA on coredns")
          else st("WARN"; "fixed CoreDNS replicas, no NodeLocal DNSCache") end end),
    check("REL-18"; "Reliability"; "Low"; "Priority classes for critical workloads"; ["workloads", "priorityclasses"];
      ([$F.priorityclasses | items | .[] | select(.metadata.name | startswith("system-") | not) | .metadata.name]) as $pc
      | ([$UW[] | select(podspec.priorityClassName != null) | id]) as $using
      | if ($pc | length) == 0 then st("WARN"; "no custom PriorityClass: under pressure every user pod is evicted alike")
        elif ($using | length) == 0 then st("WARN"; "PriorityClasses \($pc | join(", ")) exist but no user workload uses one")
        else st("PASS"; "\($using | length) workload(s) set priorityClassName") end)
  ];
