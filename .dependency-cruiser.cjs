// Layering rules for src/ (README "Architecture"): data flows one way, Slack event → run → harness stream →
// reply stream → Slack writer. The core decides what happens and knows no SDK or edge; adapters wrap one
// service each and never reach into the Slack surface; stand-ins exist for tests and the sandbox only.
// test/unit/layering.test.ts runs these rules (and proves each one bites) as part of `npm test`.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'An import cycle means two modules point at each other, so one of them points upward.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'core-no-sdk',
      comment:
        'src/core holds the decisions; SDK and Slack library types belong in src/adapters or src/slack.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '(^|/)node_modules/(@aws-sdk|@smithy|@slack|aws-cdk-lib|dynalite|ws)/' },
    },
    {
      name: 'core-no-edges',
      comment:
        'src/core must not point at the edges that call it (adapters, Slack surface, stand-ins, composition).',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/(adapters|slack|stand-ins|compose)/' },
    },
    {
      name: 'adapters-no-slack-surface',
      comment: 'Adapters are called by the Slack surface, never the other way round.',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/slack/' },
    },
    {
      name: 'no-stand-ins-in-src',
      comment:
        'Stand-ins replace Slack and AWS in tests and the sandbox; production code must not load them.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(stand-ins|sandbox)/' },
      to: { path: '^src/stand-ins/' },
    },
    {
      name: 'compose-only-from-root',
      comment: 'src/compose assembles the app for bot.ts; a part reaching into it would point upward.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(compose/|bot\\.ts$)' },
      to: { path: '^src/compose/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
