# Security checks SEC-01 to SEC-24 (EKS Best Practices Guide: Security).
  def security_checks: [
    check("SEC-01"; "Security"; "High"; "API endpoint not open to the internet"; ["cluster"];
      ($C.resourcesVpcConfig // {}) as $v
      | if ($v.endpointPublicAccess // false) | not then st("PASS"; "public endpoint disabled")
        elif (($v.publicAccessCidrs // ["0.0.0.0/0"]) | index("0.0.0.0/0")) != null then st("FAIL"; "public endpoint open to 0.0.0.0/0")
        else st("WARN"; "public endpoint limited to \($v.publicAccessCidrs | join(", "))") end),
    check("SEC-02"; "Security"; "Medium"; "Secrets encrypted with a customer KMS key"; ["cluster"];
      ([$C.encryptionConfig[]? | select(.resources | index("secrets"))] | length) as $n
      | if $n > 0 then st("PASS"; "envelope encryption with a KMS key")
        elif ($V | minor) >= 1028 then st("WARN"; "AWS owned key only (default from 1.28)")
        else st("FAIL"; "no envelope encryption") end),
    check("SEC-03"; "Security"; "Medium"; "Control plane audit logs"; ["cluster"];
      ([$C.logging.clusterLogging[]? | select(.enabled) | .types[]]) as $on
      | (["api", "audit", "authenticator"] - $on) as $off
      | if $off == [] then st("PASS"; "enabled: \($on | join(", "))") else st("FAIL"; "missing: \($off | join(", "))") end),
    check("SEC-04"; "Security"; "Low"; "Access entries authentication"; ["cluster"];
      ($C.accessConfig.authenticationMode // "CONFIG_MAP") as $m
      | if $m == "CONFIG_MAP" then st("WARN"; $m) else st("PASS"; $m) end),
    check("SEC-05"; "Security"; "High"; "Pod Security Admission enforced"; ["namespaces"];
      if ($V | minor) < 1025 then na("Kubernetes \($V) predates Pod Security Admission")
      else found([$F.namespaces | items | .[] | select(.metadata.name as $n | sys_ns | index($n) | not)
        | select((.metadata.labels["pod-security.kubernetes.io/enforce"] // "privileged") == "privileged") | .metadata.name]; "FAIL") end),
    check("SEC-06"; "Security"; "High"; "No privileged containers"; ["workloads"];
      found([$UW[] | . as $w | ctrs | select(.securityContext.privileged == true) | "\($w | id) \(.name)"]; "FAIL")),
    check("SEC-07"; "Security"; "Medium"; "Privilege escalation disabled"; ["workloads"];
      ([$UW[] | [ctrs] | length] | add // 0) as $all
      | [$UW[] | . as $w | ctrs | select(.securityContext.allowPrivilegeEscalation != false) | "\($w | id) \(.name)"] as $o
      | found($o; if ($o | length) * 5 < $all then "WARN" else "FAIL" end)),
    check("SEC-08"; "Security"; "Medium"; "Containers run as non-root"; ["workloads"];
      found([$UW[] | . as $w | (podspec.securityContext.runAsNonRoot // false) as $p | ctrs
        | select((.securityContext.runAsNonRoot // $p) != true) | "\($w | id) \(.name)"]; "FAIL")),
    check("SEC-09"; "Security"; "Medium"; "Capabilities dropped"; ["workloads"];
      found([$UW[] | . as $w | ctrs
        | select(((.securityContext.capabilities.drop // []) | index("ALL")) == null
            or ((.securityContext.capabilities.add // []) | any(. == "SYS_ADMIN" or . == "NET_ADMIN" or . == "ALL")))
        | "\($w | id) \(.name)"]; "FAIL")),
    check("SEC-10"; "Security"; "High"; "No host namespaces or hostPath volumes"; ["workloads"];
      found([$UW[] | select(podspec | (.hostNetwork or .hostPID or .hostIPC or ((.volumes // []) | any(.hostPath != null)))) | id]; "FAIL")),
    check("SEC-11"; "Security"; "Medium"; "Service account token not mounted by default"; ["workloads", "serviceaccounts"];
      ([$F.serviceaccounts | items | .[] | select(.automountServiceAccountToken == false) | "\(.metadata.namespace)/\(.metadata.name)"]) as $offSa
      | found([$UW[] | select(podspec.automountServiceAccountToken != false)
          | select(("\(.metadata.namespace)/\(podspec.serviceAccountName // "default")") as $s | $offSa | index($s) | not) | id]; "WARN")),
    check("SEC-12"; "Security"; "Medium"; "Workloads do not use the default service account"; ["workloads"];
      found([$UW[] | select((podspec.serviceAccountName // "default") == "default") | id]; "FAIL")),
    check("SEC-13"; "Security"; "High"; "cluster-admin only for system subjects"; ["rbac-bindings"];
      [$F["rbac-bindings"] | items | .[] | select(.kind == "ClusterRoleBinding" and .roleRef.name == "cluster-admin")
        | .metadata.name as $b | .subjects[]? | select(.name | startswith("system:") | not) | "\($b) \(.kind) \(.name)"] as $rbac
      | [($F["access-policies"] // []) | .[]? | select(any(.associatedAccessPolicies[]?; .policyArn | endswith("/AmazonEKSClusterAdminPolicy"))) | .principalArn] as $ae
      | if ($rbac | length) > 0 then found($rbac; "FAIL")
        elif ($ae | length) > 0 then found($ae; "WARN") + {observed: "\($ae | length) access entr(y/ies) with AmazonEKSClusterAdminPolicy: confirm each is automation or break-glass"}
        else found([]; "FAIL") end),
    check("SEC-14"; "Security"; "Medium"; "No wildcard rules in custom roles"; ["rbac-roles"];
      found([$F["rbac-roles"] | items | .[] | select(.metadata.name | startswith("system:") | not)
        | select(.metadata.labels["kubernetes.io/bootstrapping"] == null)
        | select(([.metadata.name] | inside(["cluster-admin", "admin", "edit"])) | not)
        | select([.rules[]? | ((.verbs // []) + (.resources // []))[]] | index("*"))
        | "\(.kind)/\(.metadata.namespace // "-")/\(.metadata.name)"]; "FAIL")),
    check("SEC-15"; "Security"; "High"; "No bindings for anonymous users"; ["rbac-bindings"];
      found([$F["rbac-bindings"] | items | .[] | select(any(.subjects[]?; .name == "system:anonymous" or .name == "system:unauthenticated"))
        | select(.metadata.name != "system:public-info-viewer") | .metadata.name]; "FAIL")),
    check("SEC-16"; "Security"; "Low"; "Secrets not passed as environment variables"; ["workloads"];
      found([$UW[] | . as $w | ctrs | select(any(.env[]?; .valueFrom.secretKeyRef != null)) | "\($w | id) \(.name)"]; "FAIL")),
    check("SEC-17"; "Security"; "Medium"; "AWS credentials through IRSA or Pod Identity"; ["serviceaccounts", "pod-identity"];
      ([$F.serviceaccounts | items | .[] | select(.metadata.annotations["eks.amazonaws.com/role-arn"] != null)] | length) as $irsa
      | (($F["pod-identity"].associations // []) | length) as $pia
      | if $irsa + $pia > 0 then st("PASS"; "\($irsa) IRSA service account(s), \($pia) Pod Identity association(s)")
        else st("WARN"; "neither IRSA nor Pod Identity is used: workloads that call AWS use the node role") end),
    check("SEC-18"; "Security"; "Medium"; "Nodes require IMDSv2 with hop limit 1"; ["nodes", "instances"];
      ([$N[] | select((.metadata.labels["eks.amazonaws.com/compute-type"] // "ec2") | IN("fargate", "auto") | not)
        | {node: .metadata.name, iid: ((.spec.providerID // "") | capture("/(?<i>i-[0-9a-f]+)$").i)}]) as $ec2
      | ([$F.instances.Reservations[]?.Instances[]? | {key: .InstanceId, value: .MetadataOptions}] | from_entries) as $md
      | if ($ec2 | length) == 0 then na("no self-managed, managed node group or Karpenter EC2 nodes (Auto Mode and Fargate manage IMDS)")
        else
          [$ec2[] | . as $n | $md[$n.iid] as $m
           | if $m == null then {s: "UNKNOWN", t: "\($n.node) \($n.iid) not described"}
             elif $m.HttpTokens != "required" then {s: "FAIL", t: "\($n.node) \($n.iid) HttpTokens=\($m.HttpTokens)"}
             elif ($m.HttpPutResponseHopLimit // 1) > 1 then {s: "WARN", t: "\($n.node) \($n.iid) hop limit \($m.HttpPutResponseHopLimit)"}
             else empty end] as $o
          | found([$o[].t]; if any($o[]; .s == "FAIL") then "FAIL" else "WARN" end) end),
    check("SEC-19"; "Security"; "Medium"; "GuardDuty protection for EKS"; ["guardduty"];
      if ($F.guardduty.detectorId // null) == null then st("FAIL"; "no GuardDuty detector in the region")
      else ([$F.guardduty.Features[]? | select(.Status == "ENABLED") | .Name]) as $on
        | if ($on | index("EKS_AUDIT_LOGS")) != null and (($on | index("RUNTIME_MONITORING")) != null or ($on | index("EKS_RUNTIME_MONITORING")) != null)
          then st("PASS"; "enabled: \($on | join(", "))")
          else st("FAIL"; "EKS audit log or runtime monitoring off (enabled: \($on | join(", ")))") end end),
    check("SEC-20"; "Security"; "Medium"; "Images pinned and scanned"; ["workloads", "ecr"];
      [$UW[] | . as $w | ctrs | select(.image | (test(":latest$") or (test("@sha256:") | not) and (split("/") | last | test(":") | not))) | "\($w | id) \(.image)"] as $o
      | ([$UW[] | ctrs | .image | select(test("\\.dkr\\.ecr\\.")) | split("/")[1:] | join("/") | sub("[:@].*$"; "")] | unique) as $used
      | [$F.ecr.repositories[]? | select(.repositoryName as $n | $used | index($n))
          | select(.imageScanningConfiguration.scanOnPush != true or .imageTagMutability != "IMMUTABLE") | "ecr/\(.repositoryName)"] as $repos
      | if ($o | length) > 0 then found($o; "FAIL") else found($repos; "WARN") end),
    check("SEC-21"; "Security"; "Medium"; "Read-only root file system"; ["workloads"];
      found([$UW[] | . as $w | main_ctrs | select(.securityContext.readOnlyRootFilesystem != true) | "\($w | id) \(.name)"]; "WARN")),
    check("SEC-22"; "Security"; "Medium"; "Seccomp profile RuntimeDefault"; ["workloads"];
      found([$UW[] | . as $w | (podspec.securityContext.seccompProfile.type // null) as $p | main_ctrs
        | select((.securityContext.seccompProfile.type // $p) | IN("RuntimeDefault", "Localhost") | not) | "\($w | id) \(.name)"]; "WARN")),
    check("SEC-23"; "Security"; "Medium"; "No catch-all admission webhooks that fail closed"; ["webhooks"];
      [$F.webhooks | items | .[] | .kind as $k | .metadata.name as $cfg | .webhooks[]?
        | select(any(.rules[]?; ((.resources // []) | index("*")) != null and ((.apiGroups // []) | index("*")) != null))
        | select((.failurePolicy // "Fail") == "Fail")
        | select(((.namespaceSelector.matchExpressions // []) | any(.key == "kubernetes.io/metadata.name" and .operator == "NotIn"
            and ((.values // []) | index("kube-system")))) | not)
        | "\($k)/\($cfg) \(.name)"] as $o
      | found($o; "FAIL")),
    check("SEC-24"; "Security"; "Low"; "No long-lived service account token Secrets"; ["secret-names"];
      found([$F["secret-names"] | items | .[] | select(.type == "kubernetes.io/service-account-token") | user
        | "\(.namespace // .metadata.namespace)/\(.name // .metadata.name)"]; "WARN"))
  ];
