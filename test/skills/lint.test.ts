/** The lint rules catch what they should and let through what they should: proof that the checks can fail. */
import { describe, expect, it } from 'vitest';
import {
  findForeignTools,
  findIamWrites,
  findMutatingAws,
  findMutatingKubectl,
  findSecretReads,
  findStartExperiment,
  fisIds,
  flowCollections,
  unknownMcpTools,
} from './lint.ts';
import { localLinks, splitFrontmatter } from './load.ts';

describe('findStartExperiment', () => {
  it.each([
    'aws fis start-experiment --experiment-template-id EXT1',
    'AWS FIS START-EXPERIMENT',
    'client.send(new StartExperimentCommand({}))',
    'fis.start_experiment(experimentTemplateId="EXT1")',
    'aws fis   start --id x',
  ])('flags %s', (text) => {
    expect(findStartExperiment(text)).not.toEqual([]);
  });
  it('lets monitoring and stopping through', () => {
    expect(
      findStartExperiment('aws fis get-experiment --id EXP1; aws fis stop-experiment --id EXP1'),
    ).toEqual([]);
  });
});

describe('findMutatingAws', () => {
  it.each([
    'aws ec2 terminate-instances --instance-ids i-1',
    'aws rds modify-db-instance --db-instance-identifier x',
    'aws --region us-east-1 iam attach-role-policy --role-name r',
    'aws s3 rm s3://bucket/key',
    'aws elasticache test-failover --replication-group-id g',
    'aws rds failover-db-cluster --db-cluster-identifier c',
    'aws logs put-retention-policy --log-group-name g',
    'aws eks update-kubeconfig --name c',
    'aws ec2 create-tags \\\n  --resources i-1',
    'aws configure set aws_access_key_id AKIA',
    'aws configure set profile.prod.role_arn arn:aws:iam::1:role/Admin',
  ])('flags %s', (text) => {
    expect(findMutatingAws(text)).not.toEqual([]);
  });
  it.each([
    'aws ec2 describe-instances --region us-east-1',
    'aws logs start-query --log-group-identifiers g',
    'aws logs stop-query --query-id q',
    'aws eks update-kubeconfig --name c --kubeconfig "$D/kubeconfig"',
    'aws s3 ls s3://bucket',
    'aws configure get region',
    'aws configure set "profile.$PROFILE.credential_process" "$COMMAND"',
    'AWS owned key',
  ])('allows %s', (text) => {
    expect(findMutatingAws(text)).toEqual([]);
  });
});

describe('findIamWrites', () => {
  it.each([
    'aws iam create-role --role-name r --assume-role-policy-document file://t.json',
    'aws iam put-role-policy --role-name r --policy-name p',
    'aws --region us-east-1 iam attach-role-policy --role-name r --policy-arn a',
    'aws iam create-policy --policy-name p',
    'aws iam tag-role --role-name r --tags Key=a,Value=b',
    'aws iam update-assume-role-policy \\\n  --role-name r',
  ])('flags %s', (text) => {
    expect(findIamWrites(text)).not.toEqual([]);
  });
  it.each([
    'aws iam get-role --role-name r',
    'aws iam list-role-policies --role-name r',
    'aws iam get-role-policy --role-name r --policy-name p',
  ])('allows %s', (text) => {
    expect(findIamWrites(text)).toEqual([]);
  });
});

describe('findMutatingKubectl', () => {
  it.each([
    'kubectl apply -f x.yaml',
    'kubectl -n shop delete pod p',
    'kubectl --kubeconfig "$D/k" patch deploy x',
    'kubectl rollout restart deployment/x',
    'kubectl exec -it p -- sh',
    'kubectl scale deploy x --replicas=0',
    'kubectl cordon node-1',
    'kubectl label ns shop a=b',
    'kubectl config use-context other',
  ])('flags %s', (text) => {
    expect(findMutatingKubectl(text)).not.toEqual([]);
  });
  it.each([
    'kubectl get pods -A -o json',
    'kubectl rollout history deployment/x -n shop',
    'kubectl auth can-i --list',
    'kubectl top pods -A --no-headers',
  ])('allows %s', (text) => {
    expect(findMutatingKubectl(text)).toEqual([]);
  });
});

describe('findSecretReads', () => {
  it('flags Secret dumps and secret value reads', () => {
    expect(findSecretReads('kubectl get secret db -o yaml')).not.toEqual([]);
    expect(findSecretReads('aws secretsmanager get-secret-value --secret-id x')).not.toEqual([]);
    expect(findSecretReads('aws ssm get-parameter --name p --with-decryption')).not.toEqual([]);
  });
  it('sees Secret dumps through the read-only kubectl helper too', () => {
    expect(findSecretReads('scripts/kube.sh --cluster c --region r -- get secret db -o yaml')).not.toEqual(
      [],
    );
    expect(findSecretReads('$K get secrets -A -o json')).not.toEqual([]);
    const viaArray = ['"$', "{KUBE[@]}\" get secrets -A -o json | jq '.items[].data'"].join('');
    expect(findSecretReads(viaArray)).not.toEqual([]);
  });
  it('allows key-name projections', () => {
    expect(findSecretReads("kubectl get secrets -A -o json | jq '.items[] | (.data // {} | keys)'")).toEqual(
      [],
    );
  });
  it('reads the projection on a continuation line, and flags one that keeps values', () => {
    const metadataOnly =
      "kubectl get secrets -A -o json 2> err \\\n  | jq '{items: [.items[] | {metadata: {name: .metadata.name}, type}]}'";
    expect(findSecretReads(metadataOnly)).toEqual([]);
    expect(findSecretReads("kubectl get secrets -A -o json | jq '.items[] | .data'")).not.toEqual([]);
    expect(findSecretReads("kubectl get secrets -A -o json | jq '[.items[].data | keys]'")).not.toEqual([]);
    expect(findSecretReads('kubectl get secrets -A -o json > all.json')).not.toEqual([]);
  });
});

describe('fisIds', () => {
  it('finds action ids and resource types, not ARNs or condition keys', () => {
    const text =
      'use aws:eks:pod-delete on aws:eks:pod; arn:aws:fis:us-east-1:1:experiment/* with aws:SourceArn and aws:ResourceTag/x';
    expect(fisIds(text)).toEqual(['aws:eks:pod-delete', 'aws:eks:pod']);
  });
});

describe('flowCollections', () => {
  it('flags flow style and accepts block style', () => {
    expect(flowCollections('name: x\nmetadata: {version: "1"}\n')).not.toEqual([]);
    expect(flowCollections('name: x\ntags: [a, b]\n')).not.toEqual([]);
    expect(flowCollections('name: x\nmetadata:\n  version: "1"\n')).toEqual([]);
  });
});

describe('harness tool names', () => {
  it('flags Claude Code tools, context7 and unknown aws___ tools', () => {
    expect(findForeignTools('call Write(file) then Bash(ls)')).toHaveLength(2);
    expect(findForeignTools('use context7')).not.toEqual([]);
    expect(unknownMcpTools('aws___search_documentation and aws___call_aws')).toEqual(['aws___call_aws']);
  });
});

describe('markdown helpers', () => {
  it('extracts local links without fragments or external URLs', () => {
    expect(localLinks('[a](references/a.md#x) [b](https://x.y) ```\n[c](no.md)\n```')).toEqual([
      'references/a.md',
    ]);
  });
  it('splits frontmatter', () => {
    expect(splitFrontmatter('---\nname: x\n---\nbody').frontmatter).toBe('name: x');
    expect(splitFrontmatter('no frontmatter').frontmatter).toBeUndefined();
  });
});
