import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The repository root: the nearest directory above this file that holds package.json. The same
 * directory whether the backend runs from its sources (backend/src, ts-node) or compiled
 * (dist/backend/src, `npm run build`), so paths to seeds/ and deployments/ need no `../` counting.
 */
export const REPO_ROOT = findRoot(__dirname);

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
