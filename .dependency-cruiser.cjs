/**
 * The import rule of CONVENTIONS.md: the folders are the data flow.
 *   domain/, parser/      → domain/ only (pure)
 *   gateway/, store/, bus/ → domain/ and the shared leaves (config, logger, metrics, errors); never each other
 *   ingest/, http/, sim/  → the above; never roles/
 *   roles/                → anything but cli.ts; only cli.ts imports roles/
 */
const leaves = '^src/(config|logger|metrics|errors)\\.ts$';
module.exports = {
  forbidden: [
    {
      name: 'pure-core',
      comment: 'domain/ and parser/ are pure: they import nothing of the project but domain/',
      severity: 'error',
      from: { path: '^src/(domain|parser)/' },
      to: { path: '^src/', pathNot: ['^src/domain/', '^src/parser/'] },
    },
    {
      name: 'domain-not-parser',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/parser/' },
    },
    {
      name: 'io-adapters-independent',
      comment: 'gateway/, store/ and bus/ import domain/ and the shared leaves, never each other',
      severity: 'error',
      from: { path: '^src/(gateway|store|bus)/' },
      to: { path: '^src/', pathNot: ['^src/domain/', leaves, '^src/$1/'] },
    },
    {
      name: 'pipeline-and-http',
      comment: 'ingest/, http/ and sim/ use the adapters but never the composition roots',
      severity: 'error',
      from: { path: '^src/(ingest|http|sim)/' },
      to: { path: '^src/(roles/|cli\\.ts$)' },
    },
    {
      name: 'leaves-are-leaves',
      comment: 'config, logger, metrics and errors import nothing of the project but domain/',
      severity: 'error',
      from: { path: leaves },
      to: { path: '^src/', pathNot: ['^src/domain/', leaves] },
    },
    {
      name: 'only-cli-imports-roles',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/cli\\.ts$', '^src/roles/'] },
      to: { path: '^src/roles/' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
