import { ROLES as ROLES_IMPORTED, type Role } from '../../model/types';
import {
  DEPENDENCY_PREFIX as DEPENDENCY_PREFIX_IMPORTED,
  DEPENDENCY_RESOURCE_ATTRIBUTES,
  GROUP_ATTRIBUTE,
  GROUP_FALLBACK_ATTRIBUTE,
  MEMBER_ATTRIBUTE,
  MEMBER_FALLBACK_ATTRIBUTE,
  PERMISSION_FINGERPRINT_ATTRIBUTE,
  ROLE_ATTRIBUTE,
  STATE_FINGERPRINT_ATTRIBUTE,
} from './member-metrics';
import { hasOwn as hasOwnImported, int64ToNumber as int64ToNumberImported, type OtlpAnyValue, type OtlpKeyValue } from './otlp-types';
import type { PointRefusalReason } from './refusal';

/** Local aliases: read per attribute, and an imported binding is a getter call under some loaders (tsx). */
const ROLES = ROLES_IMPORTED;
const DEPENDENCY_PREFIX = DEPENDENCY_PREFIX_IMPORTED;
const hasOwn = hasOwnImported;
const int64ToNumber = int64ToNumberImported;

/** Identity and dependency attributes found on a resource or a data point. */
export interface AttributeFacts {
  group?: string;
  member?: string;
  role?: Role;
  stateFingerprint?: string;
  permissionFingerprint?: string;
  dependencies?: Record<string, string>;
  /** Set when an attribute Rebound reads is unusable: every point it applies to is refused. */
  problem?: { reason: PointRefusalReason; example: string };
}

/** A resource or point without attributes Rebound reads. */
export const NO_FACTS: AttributeFacts = Object.freeze({});

/**
 * Read the attributes Rebound cares about. On a resource: identity
 * (recovery.* or service.name / service.instance.id), fingerprints and
 * dependency dimensions. On a data point: only the recovery.* ones.
 *   [{key: "service.name", value: {stringValue: "payments"}}, {key: "recovery.dependency.rack", value: {stringValue: "r12"}}]
 *   → {group: "payments", dependencies: {rack: "r12"}}
 */
export function readAttributes(attributes: readonly OtlpKeyValue[], onResource: boolean, maxValueLength: number): AttributeFacts {
  const reader = new AttributeFactsReader(onResource, maxValueLength);
  for (const { key, value } of attributes) {
    const kind = reader.kindOf(key);
    if (kind !== undefined) reader.add(kind, key, scalarText(value));
  }
  return reader.finish();
}

/**
 * readAttributes one attribute at a time, for a decoder that reads attributes
 * straight off the wire: it asks `kindOf` first, so a value Rebound does not
 * read is never decoded. After the first unusable attribute nothing more is read.
 */
export class AttributeFactsReader {
  private readonly facts: AttributeFacts = {};
  private fallbackGroup: string | undefined;
  private fallbackMember: string | undefined;
  private done = false;

  constructor(
    private readonly onResource: boolean,
    private readonly maxValueLength: number,
  ) {}

  /** What the attribute `key` is for; undefined: not read here (or a problem was already found). */
  kindOf(key: string): AttributeKind | undefined {
    return this.accepts(attributeKind(key));
  }

  /** `kind` (of attributeKind) if it is read here. */
  accepts(kind: AttributeKind | undefined): AttributeKind | undefined {
    if (this.done || kind === undefined) return undefined;
    return !this.onResource && RESOURCE_ONLY_KINDS.has(kind) ? undefined : kind;
  }

  /** The value of an attribute kindOf named, as text (undefined: not a string, number or boolean). */
  add(kind: AttributeKind, key: string, text: string | undefined): void {
    const facts = this.facts;
    if (text === undefined) return this.refuse({ reason: 'invalid_attribute', example: `attribute ${key} must be a string, number or boolean` });
    if (text.length > this.maxValueLength) {
      return this.refuse({
        reason: 'attribute_too_long',
        example: `attribute ${key} is ${text.length} characters long (max_attribute_value_length is ${this.maxValueLength})`,
      });
    }
    switch (kind) {
      case 'group':
        facts.group = text;
        break;
      case 'member':
        facts.member = text;
        break;
      case 'groupFallback':
        this.fallbackGroup = text;
        break;
      case 'memberFallback':
        this.fallbackMember = text;
        break;
      case 'role':
        if (!(ROLES as readonly string[]).includes(text)) {
          return this.refuse({ reason: 'invalid_attribute', example: `recovery.member.role "${text.slice(0, 40)}" is not one of ${ROLES.join(', ')}` });
        }
        facts.role = text as Role;
        break;
      case 'stateFingerprint':
        facts.stateFingerprint = text;
        break;
      case 'permissionFingerprint':
        facts.permissionFingerprint = text;
        break;
      case 'resourceDependency':
        (facts.dependencies ??= {})[key] = text;
        break;
      case 'recoveryDependency':
        (facts.dependencies ??= {})[key.slice(DEPENDENCY_PREFIX.length)] = text;
        break;
    }
  }

  /** The facts; with a problem, only as far as they were read when it was found. */
  finish(): AttributeFacts {
    const facts = this.facts;
    if (this.done) return facts;
    if (facts.group === undefined && this.fallbackGroup !== undefined) facts.group = this.fallbackGroup;
    if (facts.member === undefined && this.fallbackMember !== undefined) facts.member = this.fallbackMember;
    if (facts.group === '' || facts.member === '') {
      facts.problem = { reason: 'missing_identity', example: 'recovery.group and recovery.member must not be empty' };
    }
    return facts;
  }

  private refuse(problem: NonNullable<AttributeFacts['problem']>): void {
    this.facts.problem = problem;
    this.done = true;
  }
}

/** What an attribute Rebound reads is for; one Map lookup per attribute on the hot path. */
export type AttributeKind =
  'group' | 'member' | 'groupFallback' | 'memberFallback' | 'role' | 'stateFingerprint' | 'permissionFingerprint' | 'resourceDependency' | 'recoveryDependency';

const ATTRIBUTE_KIND: ReadonlyMap<string, AttributeKind> = new Map<string, AttributeKind>([
  [GROUP_ATTRIBUTE, 'group'],
  [MEMBER_ATTRIBUTE, 'member'],
  [GROUP_FALLBACK_ATTRIBUTE, 'groupFallback'],
  [MEMBER_FALLBACK_ATTRIBUTE, 'memberFallback'],
  [ROLE_ATTRIBUTE, 'role'],
  [STATE_FINGERPRINT_ATTRIBUTE, 'stateFingerprint'],
  [PERMISSION_FINGERPRINT_ATTRIBUTE, 'permissionFingerprint'],
  ...[...DEPENDENCY_RESOURCE_ATTRIBUTES].map((key): [string, AttributeKind] => [key, 'resourceDependency']),
]);
/** What an attribute is for, wherever it is: undefined when Rebound does not read it. */
export function attributeKind(key: string): AttributeKind | undefined {
  const kind = ATTRIBUTE_KIND.get(key);
  if (kind !== undefined) return kind;
  return key.startsWith(DEPENDENCY_PREFIX) && key.length > DEPENDENCY_PREFIX.length ? 'recoveryDependency' : undefined;
}

/** Read on the resource only: on a data point, service.name or host.name are the app's own labels. */
const RESOURCE_ONLY_KINDS: ReadonlySet<AttributeKind> = new Set(['groupFallback', 'memberFallback', 'resourceDependency']);

/** `{stringValue: "eu-1a"}` → "eu-1a"; ints, doubles and booleans as text; arrays, maps, bytes, empty: undefined. */
function scalarText(value: OtlpAnyValue | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (hasOwn(value, 'stringValue')) return value.stringValue!;
  if (hasOwn(value, 'intValue')) return String(int64ToNumber(value.intValue));
  if (hasOwn(value, 'doubleValue')) return String(value.doubleValue);
  if (hasOwn(value, 'boolValue')) return String(value.boolValue);
  return undefined;
}
