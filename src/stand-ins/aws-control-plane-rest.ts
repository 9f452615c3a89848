/**
 * The rest-json services of the control-plane stand-in, routed by method and path as the SDKs send them:
 * AgentCore GetHarness, Bedrock's inference profiles and models, EKS access entries, X-Ray's destination.
 */
import { type ControlPlaneState, modelled, ServiceError } from './aws-control-plane-model.ts';

export function restOp(
  s: ControlPlaneState,
  service: string,
  region: string,
  method: string,
  url: URL,
): { op: string; answer: () => unknown } {
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (service === 'bedrock-agentcore' && method === 'GET' && parts[0] === 'harnesses' && parts.length === 2) {
    return {
      op: 'GetHarness',
      answer: () => {
        const h = s.harnesses.get(parts[1]!);
        if (!h || !String(h.arn).includes(`:${region}:`))
          throw modelled('GetHarness', 'ResourceNotFoundException', `Harness ${parts[1]} not found`);
        return { harness: h };
      },
    };
  }
  if (service === 'bedrock' && method === 'GET' && parts[0] === 'inference-profiles' && parts.length === 2) {
    return {
      op: 'GetInferenceProfile',
      answer: () => {
        const id = parts[1]!.replace(/^arn:.*inference-profile\//, '');
        const p = s.inferenceProfiles.get(`${region}/${id}`);
        if (!p)
          throw modelled(
            'GetInferenceProfile',
            'ResourceNotFoundException',
            `Inference profile ${id} not found`,
          );
        return p;
      },
    };
  }
  if (service === 'bedrock' && method === 'GET' && parts[0] === 'foundation-models' && parts.length === 2) {
    return {
      op: 'GetFoundationModel',
      answer: () => {
        const m = s.foundationModels.get(`${region}/${parts[1]}`);
        if (!m)
          throw modelled(
            'GetFoundationModel',
            'ResourceNotFoundException',
            `The model ${parts[1]} does not exist`,
          );
        return { modelDetails: m };
      },
    };
  }
  if (service === 'eks' && method === 'GET' && parts[0] === 'clusters' && parts[2] === 'access-entries') {
    const cluster = s.clusters.get(`${region}/${parts[1]}`);
    const missing = (op: string) =>
      modelled(op, 'ResourceNotFoundException', `No cluster found for name: ${parts[1]}.`);
    if (parts.length === 3)
      return {
        op: 'ListAccessEntries',
        answer: () => {
          if (!cluster) throw missing('ListAccessEntries');
          return { accessEntries: [...cluster.keys()] };
        },
      };
    if (parts.length === 5 && parts[4] === 'access-policies')
      return {
        op: 'ListAssociatedAccessPolicies',
        answer: () => {
          if (!cluster) throw missing('ListAssociatedAccessPolicies');
          const policies = cluster.get(parts[3]!);
          if (!policies)
            throw modelled(
              'ListAssociatedAccessPolicies',
              'ResourceNotFoundException',
              `The specified access entry resource is not found.`,
            );
          return { clusterName: parts[1], principalArn: parts[3], associatedAccessPolicies: policies };
        },
      };
  }
  if (service === 'xray' && method === 'POST' && url.pathname === '/GetTraceSegmentDestination') {
    return {
      op: 'GetTraceSegmentDestination',
      answer: () => s.traceDestinations.get(region) ?? { Destination: 'XRay', Status: 'ACTIVE' },
    };
  }
  throw new ServiceError(404, 'UnknownOperationException', `${method} ${url.pathname} is not served here`);
}
