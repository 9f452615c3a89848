// Printed at the start of `npm test` so CI output shows which Node the project's scripts run on.
const major = Number(process.versions.node.split('.')[0]);
console.log(`runtime: node ${process.version} (${process.platform}/${process.arch})`);
if (major !== 22) {
  console.error(
    `expected Node 22 from the project's devDependency "node", got ${process.version}; run npm install`,
  );
  process.exit(1);
}
