/** The Agent Skills baked into the harness image, by folder name under the skills base path. */
export const SKILLS = {
  bestPractice: 'aws-best-practice-research',
  eks: 'eks-workload-best-practice-assessment',
  chaos: 'aws-service-chaos-research',
  fisPrepare: 'aws-fis-experiment-prepare',
  fisExecute: 'aws-fis-experiment-execute',
  logs: 'app-service-log-analysis',
  cost: 'aws-cost-analysis',
} as const;

export type SkillName = (typeof SKILLS)[keyof typeof SKILLS];

export const ALL_SKILLS: readonly SkillName[] = Object.values(SKILLS);

/** The skills that never change anything in AWS: safe for open-ended conversations. */
export const READ_ONLY_SKILLS: readonly SkillName[] = [
  SKILLS.bestPractice,
  SKILLS.eks,
  SKILLS.chaos,
  SKILLS.logs,
  SKILLS.cost,
];

export function skillPath(basePath: string, skill: SkillName): string {
  return `${basePath.endsWith('/') ? basePath : `${basePath}/`}${skill}`;
}
