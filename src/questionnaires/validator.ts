// The one Ajv instance for files and documents outside HTTP; validators are compiled once, on first use.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { answersDocumentSchema, crosswalkSchema, localizedTextSchema, questionnaireSchema } from './schemas.js';

/** One problem found in a file or document: where (JSON pointer), which rule, and what is wrong. */
export interface Problem {
  pointer: string;
  rule: string;
  message: string;
  process?: string;
  indicator?: string;
}

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
ajv.addSchema(localizedTextSchema);

const compiled = new Map<string, ValidateFunction>();
function validatorFor(schema: { $id: string }): ValidateFunction {
  let validate = compiled.get(schema.$id);
  if (!validate) compiled.set(schema.$id, (validate = ajv.compile(schema)));
  return validate;
}

function describe(error: ErrorObject): Problem {
  const params = error.params as Record<string, unknown>;
  let message = error.message ?? 'is invalid';
  if (error.keyword === 'required') message = `must have property "${String(params.missingProperty)}"`;
  if (error.keyword === 'enum') message = `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  if (error.keyword === 'additionalProperties') message = `must not have property "${String(params.additionalProperty)}"`;
  return { pointer: error.instancePath || '/', rule: error.keyword, message };
}

function check(schema: { $id: string }, value: unknown): Problem[] {
  const validate = validatorFor(schema);
  return validate(value) ? [] : (validate.errors ?? []).map(describe);
}

export const checkQuestionnaireShape = (value: unknown): Problem[] => check(questionnaireSchema, value);
export const checkCrosswalkShape = (value: unknown): Problem[] => check(crosswalkSchema, value);
export const checkAnswersDocumentShape = (value: unknown): Problem[] => check(answersDocumentSchema, value);
