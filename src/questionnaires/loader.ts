// Reads questionnaire and crosswalk files: JSON Schema first, then the semantic checks; a file with any
// problem never loads, and every problem names the file, the JSON pointer and the rule.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import {
  indexQuestionnaire,
  questionnaireRef,
  type Questionnaire,
  type QuestionnaireIndex,
} from '../domain/questionnaire.js';
import { questionnairesDir } from '../paths.js';
import { checkCrosswalk, checkQuestionnaire, type Crosswalk } from './checks.js';
import { checkCrosswalkShape, checkQuestionnaireShape, type Problem } from './validator.js';

export interface FileProblem extends Problem {
  file: string;
}

export interface LoadedQuestionnaire extends QuestionnaireIndex {
  file: string;
  /** The file's bytes as read, so a store can tell a changed file under an existing version. */
  source: string;
}

export interface LoadedCrosswalk {
  file: string;
  crosswalk: Crosswalk;
}

export class QuestionnaireFileError extends Error {
  constructor(readonly problems: FileProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'QuestionnaireFileError';
  }
}

export function formatProblem(p: FileProblem): string {
  return `${p.file}: ${p.pointer}: [${p.rule}] ${p.message}`;
}

function readJson(file: string): { value: unknown; source: string } | FileProblem {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    return { file, pointer: '/', rule: 'read', message: `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
  try {
    return { value: JSON.parse(source.replace(/^\uFEFF/, '')) as unknown, source };
  } catch (error) {
    return { file, pointer: '/', rule: 'json', message: `not valid JSON: ${(error as Error).message}` };
  }
}

function isProblem(x: unknown): x is FileProblem {
  return typeof x === 'object' && x !== null && 'rule' in x && 'file' in x;
}

/** A crosswalk is named `crosswalk-*.json` or has the crosswalk's top-level fields. */
function looksLikeCrosswalk(file: string, value: unknown): boolean {
  if (basename(file).startsWith('crosswalk-')) return true;
  return typeof value === 'object' && value !== null && 'from' in value && 'to' in value && !('aspects' in value);
}

function inFile(file: string, problems: Problem[]): FileProblem[] {
  return problems.map((p) => ({ file, ...p }));
}

function parseQuestionnaire(file: string, value: unknown, source: string): LoadedQuestionnaire | FileProblem[] {
  const shape = checkQuestionnaireShape(value);
  if (shape.length > 0) return inFile(file, shape);
  const questionnaire = value as Questionnaire;
  const semantic = checkQuestionnaire(questionnaire);
  if (semantic.length > 0) return inFile(file, semantic);
  return { ...indexQuestionnaire(questionnaire), file, source };
}

export function loadQuestionnaireFile(file: string): LoadedQuestionnaire {
  const read = readJson(file);
  if (isProblem(read)) throw new QuestionnaireFileError([read]);
  const loaded = parseQuestionnaire(file, read.value, read.source);
  if (Array.isArray(loaded)) throw new QuestionnaireFileError(loaded);
  return loaded;
}

export interface ValidationReport {
  questionnaires: LoadedQuestionnaire[];
  crosswalks: LoadedCrosswalk[];
  problems: FileProblem[];
}

function jsonFilesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(dir, name));
}

/**
 * Validates questionnaire and crosswalk files. A crosswalk's questionnaires are looked up among the
 * files given and then in the crosswalk's own folder.
 */
export function validateFiles(files: readonly string[]): ValidationReport {
  const report: ValidationReport = { questionnaires: [], crosswalks: [], problems: [] };
  const pending: { file: string; value: unknown }[] = [];
  const known = new Map<string, QuestionnaireIndex>();

  for (const file of files) {
    const read = readJson(file);
    if (isProblem(read)) {
      report.problems.push(read);
    } else if (looksLikeCrosswalk(file, read.value)) {
      pending.push({ file, value: read.value });
    } else {
      const loaded = parseQuestionnaire(file, read.value, read.source);
      if (Array.isArray(loaded)) report.problems.push(...loaded);
      else {
        report.questionnaires.push(loaded);
        const ref = loaded.ref;
        if (known.has(ref)) {
          report.problems.push({ file, pointer: '/version', rule: 'unique-version', message: `${ref} is also defined in ${(known.get(ref) as LoadedQuestionnaire).file}` });
        }
        known.set(ref, loaded);
      }
    }
  }

  const neighbours = new Map<string, Map<string, QuestionnaireIndex>>();
  const lookIn = (dir: string): Map<string, QuestionnaireIndex> => {
    let found = neighbours.get(dir);
    if (!found) {
      found = new Map();
      for (const file of jsonFilesIn(dir)) {
        if (basename(file).startsWith('crosswalk-')) continue;
        const read = readJson(file);
        if (isProblem(read) || looksLikeCrosswalk(file, read.value)) continue;
        const loaded = parseQuestionnaire(file, read.value, read.source);
        if (!Array.isArray(loaded)) found.set(loaded.ref, loaded);
      }
      neighbours.set(dir, found);
    }
    return found;
  };

  for (const { file, value } of pending) {
    const shape = checkCrosswalkShape(value);
    if (shape.length > 0) {
      report.problems.push(...inFile(file, shape));
      continue;
    }
    const crosswalk = value as Crosswalk;
    const resolveRef = (ref: string) => known.get(ref) ?? lookIn(dirname(resolve(file))).get(ref);
    const problems = checkCrosswalk(crosswalk, resolveRef);
    if (problems.length > 0) report.problems.push(...inFile(file, problems));
    else report.crosswalks.push({ file, crosswalk });
  }
  return report;
}

/** Every questionnaire and crosswalk file in a folder (the shipped `questionnaires/` by default). */
export function validateFolder(dir: string = questionnairesDir): ValidationReport {
  return validateFiles(jsonFilesIn(dir));
}

/** The shipped questionnaires and crosswalks; throws naming every problem if any file is invalid. */
export function loadCatalog(dir: string = questionnairesDir): { questionnaires: Map<string, LoadedQuestionnaire>; crosswalks: LoadedCrosswalk[] } {
  const report = validateFolder(dir);
  if (report.problems.length > 0) throw new QuestionnaireFileError(report.problems);
  return { questionnaires: new Map(report.questionnaires.map((q) => [q.ref, q])), crosswalks: report.crosswalks };
}

/**
 * Resolves `id@version`, a bare `id` (its highest version) or a path to a questionnaire file.
 * A path is loaded as it is, even when it reuses a shipped id@version.
 */
export function resolveQuestionnaire(spec: string, dir: string = questionnairesDir): LoadedQuestionnaire {
  const isPath = spec.includes('/') || spec.includes('\\') || spec.endsWith('.json');
  if (isPath) return loadQuestionnaireFile(spec);
  const { questionnaires } = loadCatalog(dir);
  const [id, version] = spec.split('@');
  const candidates = [...questionnaires.values()].filter((q) => q.questionnaire.id === id && (version === undefined || q.questionnaire.version === version));
  candidates.sort((a, b) => compareVersions(b.questionnaire.version, a.questionnaire.version));
  const found = candidates[0];
  if (!found) {
    const shipped = [...questionnaires.keys()].join(', ') || 'none';
    throw new QuestionnaireFileError([{ file: spec, pointer: '/', rule: 'unknown-questionnaire', message: `questionnaire ${spec} does not exist (shipped: ${shipped})` }]);
  }
  return found;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export { questionnaireRef };
