// Where the package's own files live, both when run from src/ with tsx and from dist/ once built.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

export const packageRoot = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
export const questionnairesDir = join(packageRoot, 'questionnaires');
export const migrationsDir = join(packageRoot, 'migrations');
export const templatesDir = join(packageRoot, 'templates');
