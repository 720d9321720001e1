// JSON Schemas shared by several routes (TypeBox: one definition gives the schema and the type).
import { Type, type Static } from 'typebox';
import { GRADES, ROLES } from '../domain/roles.js';
import { USERNAME_PATTERN } from '../services/accounts.service.js';
import { AGENCY_CODE_PATTERN } from '../services/agency.service.js';

export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(
      Type.Array(
        Type.Object({
          line: Type.Optional(Type.Integer()),
          column: Type.Optional(Type.Union([Type.String(), Type.Integer()])),
          path: Type.Optional(Type.String()),
          message: Type.String(),
        }),
      ),
    ),
  }),
});

/** The error responses every authenticated route may give. */
export const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export const Role = Type.Union([Type.Literal('agency'), Type.Literal('ciso'), Type.Literal('assessor'), Type.Literal('ministry'), Type.Literal('office')]);
export const Grade = Type.Union([Type.Literal('A'), Type.Literal('B'), Type.Literal('C'), Type.Literal('D'), Type.Literal('E')]);
// The literal lists above must stay those of the domain.
void ([ROLES, GRADES] satisfies [readonly Static<typeof Role>[], readonly Static<typeof Grade>[]]);
export const Username = Type.String({ pattern: USERNAME_PATTERN });
export const AgencyCode = Type.String({ pattern: AGENCY_CODE_PATTERN });
export const Year = Type.Integer({ minimum: 1, maximum: 999 });
export const IsoDate = Type.String({ format: 'date' });
export const LocalizedText = Type.Object({ 'zh-TW': Type.String(), en: Type.String() });
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const UserSummary = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: Role,
  agency: Nullable(Type.String()),
  ministry: Nullable(Type.String()),
});

export const UserBody = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: Role,
  agency: Nullable(Type.String()),
  ministry: Nullable(Type.String()),
  displayName: Nullable(Type.String()),
  active: Type.Boolean(),
  createdAt: Type.String(),
});
