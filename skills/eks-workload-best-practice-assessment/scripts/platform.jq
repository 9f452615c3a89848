# Networking, autoscaling, cost, observability and upgrade checks.
  def aws_node_env: [kube_system("DaemonSet"; "aws-node") | main_ctrs | select(.name == "aws-node") | .env[]?];
  def platform_checks: [
    check("NET-01"; "Networking"; "Medium"; "Default-deny ingress policy per namespace"; ["netpol", "workloads"];
      ([kube_system("DaemonSet"; "aws-node") | main_ctrs | select(.name == "aws-eks-nodeagent") | .args[]? | select(. == "--enable-network-policy=true")] | length > 0) as $vpcNp
      | ([$W[] | select(.metadata.name | test("^(calico|cilium|antrea)"))] | length > 0) as $other
      | if ($vpcNp or $other or $auto) | not then na("no network policy engine: policies would not be enforced")
        else ([$F.netpol | items | .[] | select(.spec.podSelector == {} and ((.spec.policyTypes // []) | index("Ingress"))) | .metadata.namespace] | unique) as $ok
          | found([$UNS[] | select(. as $n | $ok | index($n) | not)]; "FAIL") end),
    check("NET-02"; "Networking"; "Medium"; "Free IP addresses in cluster subnets"; ["subnets"];
      [$F.subnets.Subnets[]? | ((.CidrBlock | split("/")[1] | tonumber) as $p | (pow(2; 32 - $p) - 5)) as $size
        | {t: "\(.SubnetId) \(.AvailabilityZone) free=\(.AvailableIpAddressCount)/\($size)", r: (.AvailableIpAddressCount / $size)}
        | select(.r < 0.2)] as $o
      | if ($F.subnets.Subnets // []) == [] then unable("no subnets described")
        else found([$o[].t]; if any($o[]; .r < 0.1) then "FAIL" else "WARN" end) end),
    check("NET-03"; "Networking"; "Low"; "VPC CNI IP management"; ["workloads"];
      if $auto then na("Auto Mode manages pod networking")
      elif kube_system("DaemonSet"; "aws-node") == null then na("VPC CNI not installed")
      else ([aws_node_env[] | select(.name | test("PREFIX_DELEGATION|WARM_|MINIMUM_IP")) | "\(.name)=\(.value)"]) as $e
        | if any(aws_node_env[]; .name == "ENABLE_PREFIX_DELEGATION" and .value == "true") or ($e | length) > 0 then st("PASS"; $e | join(", "))
          else st("WARN"; "default warm ENI settings, no prefix delegation") end end),
    check("NET-04"; "Networking"; "Medium"; "CoreDNS redundant"; ["workloads"];
      if $auto then na("Auto Mode runs DNS on each node")
      else (kube_system("Deployment"; "coredns").status.readyReplicas // 0) as $r
        | if $r >= 2 then st("PASS"; "\($r) ready replicas") else st("FAIL"; "\($r) ready replica(s)") end end),
    check("NET-05"; "Networking"; "Low"; "Load balancer and NodePort sprawl"; ["services"];
      [$F.services | items | .[] | user] as $s
      | ([$s[] | select(.spec.type == "LoadBalancer")] | length) as $lb
      | [$s[] | select(.spec.type == "NodePort") | "\(.metadata.namespace)/\(.metadata.name) NodePort"] as $np
      | if $lb > 5 then found([$s[] | select(.spec.type == "LoadBalancer") | "\(.metadata.namespace)/\(.metadata.name) LoadBalancer"]; "WARN")
        else found($np; "WARN") end),
    check("AUTO-01"; "Autoscaling"; "High"; "Node autoscaling present"; ["workloads", "nodepools"];
      ([$W[] | select(.kind == "Deployment" and (.metadata.name | test("cluster-autoscaler")))] | length) as $ca
      | if $auto then st("PASS"; "Auto Mode") elif ($NP | length) > 0 then st("PASS"; "\($NP | length) Karpenter NodePool(s)")
        elif $ca > 0 then st("PASS"; "Cluster Autoscaler") elif $allFargate then na("all pods run on Fargate")
        else st("FAIL"; "no Karpenter, Cluster Autoscaler or Auto Mode") end),
    check("AUTO-02"; "Autoscaling"; "Medium"; "Karpenter limits and consolidation"; ["nodepools"];
      if $noKarpenter or ($NP | length) == 0 then na("Karpenter not installed")
      else found([$NP[] | select(.spec.limits == null or .spec.disruption.consolidationPolicy == null) | .metadata.name]; "FAIL") end),
    check("AUTO-03"; "Autoscaling"; "Medium"; "Cluster Autoscaler version matches the cluster"; ["workloads"];
      [$W[] | select(.kind == "Deployment" and (.metadata.name | test("cluster-autoscaler"))) | main_ctrs | .image | select(test("cluster-autoscaler"))] as $img
      | if ($img | length) == 0 then na("Cluster Autoscaler not installed")
        else found([$img[] | select((split(":") | last | minor? // 0) != ($V | minor))]; "FAIL") end),
    check("AUTO-04"; "Autoscaling"; "Medium"; "Metrics API available"; ["apiservices"];
      ([$F.apiservices | items | .[] | select(.metadata.name == "v1beta1.metrics.k8s.io") | .status.conditions[]? | select(.type == "Available") | .status] | first) as $a
      | if $a == "True" then st("PASS"; "v1beta1.metrics.k8s.io Available") else st("FAIL"; "metrics API \($a // "missing")") end),
    check("AUTO-05"; "Autoscaling"; "Medium"; "HPAs keep at least two replicas"; ["hpa"];
      found([$HPA[] | select((.spec.minReplicas // 1) < 2) | "\(.metadata.namespace)/\(.metadata.name)"]; "FAIL")),
    check("AUTO-06"; "Autoscaling"; "Medium"; "HPA targets set CPU requests"; ["hpa", "workloads"];
      found([$HPA[] | . as $h | select(any(.spec.metrics[]?; .resource.name == "cpu"))
        | [$W[] | select(.metadata.namespace == $h.metadata.namespace and .kind == $h.spec.scaleTargetRef.kind and .metadata.name == $h.spec.scaleTargetRef.name)
           | main_ctrs | select(.resources.requests.cpu == null) | .name]
        | select(length > 0) | "\($h.metadata.namespace)/\($h.metadata.name) \(join(","))"]; "FAIL")),
    check("AUTO-07"; "Autoscaling"; "Medium"; "Karpenter node expiry and disruption budgets"; ["nodepools"];
      if $noKarpenter or ($NP | length) == 0 then na("Karpenter not installed")
      else found([$NP[] | .metadata.name as $n
        | (if (.spec.template.spec.expireAfter // "720h") == "Never" then "\($n) expireAfter=Never (nodes never rotate to new AMIs)" else empty end),
          (if (.spec.disruption.budgets // []) == [] then "\($n) no disruption budgets" else empty end)]; "WARN") end),
    check("AUTO-08"; "Autoscaling"; "Low"; "do-not-disrupt only on pods that must finish"; ["pods", "nodepools"];
      if $noKarpenter or ($NP | length) == 0 then na("Karpenter not installed")
      else found([$UP[] | select(.metadata.annotations["karpenter.sh/do-not-disrupt"] == "true")
        | select(any(.metadata.ownerReferences[]?; .kind == "ReplicaSet" or .kind == "StatefulSet")) | "\(id) blocks consolidation and expiry"]; "WARN") end),
    check("COST-01"; "Cost"; "High"; "Requests set"; ["workloads"];
      found([$UW[] | . as $w | main_ctrs | select(.resources.requests.cpu == null or .resources.requests.memory == null) | "\($w | id) \(.name)"]; "FAIL")),
    check("COST-02"; "Cost"; "Medium"; "Memory limits set"; ["workloads"];
      found([$UW[] | . as $w | main_ctrs | select(.resources.limits.memory == null) | "\($w | id) \(.name)"]; "FAIL")),
    check("COST-03"; "Cost"; "Medium"; "Requests close to usage"; ["pod-metrics", "pods"];
      ([$F["pod-metrics"] | items | .[] | {key: "\(.metadata.namespace)/\(.metadata.name)",
          value: {cpu: ([.containers[].usage.cpu | cpu_cores] | add), mem: ([.containers[].usage.memory | mem_bytes] | add)}}] | from_entries) as $use
      | if ($use | length) == 0 then unable("no pod metrics (metrics-server missing?)")
        else found([$UP[] | ("\(.metadata.namespace)/\(.metadata.name)") as $k | $use[$k] as $u | select($u != null)
          | ([.spec.containers[].resources.requests.cpu // empty | cpu_cores] | add) as $rc
          | ([.spec.containers[].resources.requests.memory // empty | mem_bytes] | add) as $rm
          | select($rc != null and $rm != null and $rc > 0 and $rm > 0 and $u.cpu < $rc / 2 and $u.mem < $rm / 2)
          | "\($k) uses under half of its CPU and memory requests"]; "WARN") end),
    check("COST-04"; "Cost"; "Low"; "Spot or Graviton capacity"; ["nodes"];
      [$N[] | .metadata.labels | select(.["kubernetes.io/arch"] == "arm64"
        or ((.["eks.amazonaws.com/capacityType"] // .["karpenter.sh/capacity-type"] // "") | ascii_downcase) == "spot")] as $x
      | if ($x | length) > 0 then st("PASS"; "\($x | length) Spot or arm64 node(s)") else st("WARN"; "all nodes On-Demand x86") end),
    check("COST-05"; "Cost"; "Low"; "gp3 default storage class"; ["storageclasses"];
      ([$F.storageclasses | items | .[] | select(.metadata.annotations["storageclass.kubernetes.io/is-default-class"] == "true")] | first) as $d
      | if $d == null then st("WARN"; "no default StorageClass")
        elif ($d.parameters.type // "") == "gp3" and $d.volumeBindingMode == "WaitForFirstConsumer" and ($d.parameters.encrypted // "") == "true"
        then st("PASS"; "\($d.metadata.name): gp3, WaitForFirstConsumer, encrypted")
        else st("WARN"; "\($d.metadata.name): type=\($d.parameters.type // "-") binding=\($d.volumeBindingMode // "Immediate") encrypted=\($d.parameters.encrypted // "false")") end),
    check("COST-06"; "Cost"; "Medium"; "No orphaned persistent volumes"; ["pvs"];
      found([$F.pvs | items | .[] | select(.status.phase == "Released" or .status.phase == "Available") | "\(.metadata.name) \(.status.phase) \(.spec.capacity.storage)"]; "FAIL")),
    check("OBS-01"; "Observability"; "Medium"; "Container metrics collected"; ["addons", "workloads"];
      ([$W[] | select(.kind == "DaemonSet" and (.metadata.name | test("cloudwatch-agent|node-exporter|adot|otel"))) | .metadata.name]) as $ds
      | if ($ADDONS | index("amazon-cloudwatch-observability")) != null then st("PASS"; "amazon-cloudwatch-observability add-on")
        elif ($ds | length) > 0 then st("PASS"; $ds | join(", ")) else st("FAIL"; "no metrics agent") end),
    check("OBS-02"; "Observability"; "Medium"; "Container logs shipped"; ["workloads", "addons"];
      ([$W[] | select(.kind == "DaemonSet" and (.metadata.name | test("fluent-bit|fluentd|vector|otel|cloudwatch-agent"))) | .metadata.name]) as $ds
      | if ($ds | length) > 0 then st("PASS"; $ds | join(", "))
        elif ($ADDONS | index("amazon-cloudwatch-observability")) != null then st("PASS"; "amazon-cloudwatch-observability add-on (Fluent Bit)")
        else st("FAIL"; "no log shipper DaemonSet") end),
    check("OBS-03"; "Observability"; "Low"; "Cluster state metrics"; ["workloads", "amp-scrapers"];
      if any($W[]; .kind == "Deployment" and (.metadata.name | test("kube-state-metrics"))) then st("PASS"; "kube-state-metrics")
      elif any($F["amp-scrapers"].scrapers[]?; .source.eksConfiguration.clusterArn == $C.arn) then st("PASS"; "Amazon Managed Prometheus scraper")
      else st("WARN"; "no kube-state-metrics and no managed scraper") end),
    check("OBS-04"; "Observability"; "Low"; "Alarms on cluster health"; ["alarms"];
      [$F.alarms.MetricAlarms[]? | select(.Namespace == "ContainerInsights") | select(any(.Dimensions[]?; .Name == "ClusterName" and .Value == $C.name)) | .AlarmName] as $a
      | if ($a | length) > 0 then st("PASS"; $a | join(", ")) else st("WARN"; "no Container Insights alarm for this cluster") end),
    check("UPG-01"; "Upgrades"; "High"; "Version in standard support"; ["cluster-versions"];
      ($F["cluster-versions"].clusterVersions[0] // null) as $cv
      | if $cv == null then unable("describe-cluster-versions returned nothing for \($V)")
        elif $cv.versionStatus != "STANDARD_SUPPORT" then st("FAIL"; "\($V) is \($cv.versionStatus)")
        elif (($cv.endOfStandardSupportDate // "") | sub("\\.[0-9]+"; "") | sub("[+-]00:00$"; "Z") | try fromdateiso8601 catch null) as $end
          | $end != null and $end - $now < 90 * 86400 then st("WARN"; "standard support ends \($cv.endOfStandardSupportDate)")
        else st("PASS"; "\($V) in standard support until \($cv.endOfStandardSupportDate)") end),
    check("UPG-02"; "Upgrades"; "High"; "Upgrade insights clean"; ["insights"];
      [$F.insights.insights[]? | select(.insightStatus.status != "PASSING")] as $o
      | found([$o[] | "\(.name): \(.insightStatus.status)"]; if any($o[]; .insightStatus.status == "ERROR") then "FAIL" else "WARN" end)),
    check("UPG-03"; "Upgrades"; "Medium"; "Add-ons current"; ["addons"];
      found([$ADDONS[] | . as $a | ($F["addon-\($a)"].addon.addonVersion // null) as $have
        | ([$F["addon-versions-\($a)"].addons[]?.addonVersions[]?.addonVersion] | max_by(vkey)) as $latest
        | select($have != null and $latest != null and ($have | vkey) < ($latest | vkey)) | "\($a) \($have) (latest \($latest))"]; "WARN")),
    check("UPG-04"; "Upgrades"; "Medium"; "Node version skew"; ["nodes"];
      [$N[] | (.status.nodeInfo.kubeletVersion | minor) as $k | select((($V | minor) - $k) >= 2 or $k > ($V | minor))
        | "\(.metadata.name) \(.status.nodeInfo.kubeletVersion)"] as $o
      | found($o; "FAIL")),
    check("UPG-05"; "Upgrades"; "Medium"; "Managed node groups on the recommended AMI release"; ["nodegroups"];
      if ($NGS | length) == 0 then na("no managed node groups")
      else found([$NGS[] | . as $ng | ($F["ami-release-\(.nodegroupName)"].Parameter.Value // null) as $rec
        | select($rec != null and $ng.releaseVersion != $rec) | "\($ng.nodegroupName) \($ng.releaseVersion) (recommended \($rec))"]; "WARN") end),
    check("UPG-06"; "Upgrades"; "Medium"; "Core add-ons managed by EKS"; ["addons", "workloads"];
      if $auto then na("Auto Mode runs the core components itself")
      else found([[{n: "vpc-cni", k: "DaemonSet", o: "aws-node"}, {n: "kube-proxy", k: "DaemonSet", o: "kube-proxy"}, {n: "coredns", k: "Deployment", o: "coredns"}][]
        | .n as $n | select(kube_system(.k; .o) != null and ($ADDONS | index($n)) == null) | "\(.n) is self-managed (\(.k)/\(.o) without the EKS add-on)"]; "WARN") end)
  ];
