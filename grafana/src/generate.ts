// Rewrites grafana/dashboards/*.json from the builders: node --import tsx grafana/src/generate.ts
import { writeFileSync } from 'node:fs';
import { DASHBOARDS, dashboardJson } from './dashboards.js';

for (const [file, build] of Object.entries(DASHBOARDS)) {
  writeFileSync(new URL(`../dashboards/${file}`, import.meta.url), dashboardJson(build));
  console.log(`grafana/dashboards/${file}`);
}
