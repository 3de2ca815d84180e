/** Attribute naming (reference §4.8): `<group>_v<version>:<attribute>` addresses one attribute of one version. */
import { QUALIFIED_NAME } from '../definitions/requests.js';

export function qualifiedName(group: string, version: number, attribute: string): string {
  return `${group}_v${version}:${attribute}`;
}

export function groupFullName(group: string, version: number): string {
  return `${group}_v${version}`;
}

export interface QualifiedName {
  group: string;
  version: number;
  attribute: string;
}

export function parseQualifiedName(text: string): QualifiedName | undefined {
  const m = QUALIFIED_NAME.exec(text);
  if (!m) return undefined;
  return { group: m[1]!, version: Number(m[2]), attribute: m[3]! };
}
