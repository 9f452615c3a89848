export function decide(event: unknown): { decision: 'allow' | 'deny'; reason: string };
export function handler(event: unknown): Promise<{ decision: 'allow' | 'deny'; reason: string }>;
