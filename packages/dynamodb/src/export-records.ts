import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { TerminalError } from '@etl/core';
import type { Item } from './write-sink.js';

/**
 * Lines of DynamoDB's export files ("DynamoDB table export output format") as the items the SDK
 * gives a Scan: numbers stay DynamoDB's exact strings, binary (base64 in the files) becomes bytes.
 * Pure functions over one line.
 */

/** One change of an incremental export, keyed by the table's key. */
export type ExportChange =
  | { kind: 'upsert'; key: Item; item: Item; writtenAtMicros: number | undefined }
  | { kind: 'delete'; key: Item; writtenAtMicros: number | undefined };

type Json = Record<string, unknown>;

/** A DynamoDB JSON attribute value (`{ "B": "base64" }`, `{ "N": "1.50" }` …) as the SDK's `AttributeValue`. */
export function attributeFromJson(value: unknown): AttributeValue {
  const v = value as Json;
  if (typeof v !== 'object' || v === null) throw new Error(`not a DynamoDB JSON attribute value: ${JSON.stringify(value)}`);
  if ('S' in v) return { S: v['S'] as string };
  if ('N' in v) return { N: v['N'] as string };
  if ('B' in v) return { B: bytes(v['B']) };
  if ('BOOL' in v) return { BOOL: v['BOOL'] as boolean };
  if ('NULL' in v) return { NULL: true };
  if ('SS' in v) return { SS: v['SS'] as string[] };
  if ('NS' in v) return { NS: v['NS'] as string[] };
  if ('BS' in v) return { BS: (v['BS'] as unknown[]).map(bytes) };
  if ('L' in v) return { L: (v['L'] as unknown[]).map(attributeFromJson) };
  if ('M' in v) return { M: itemFromJson(v['M']) };
  throw new Error(`unknown DynamoDB JSON type in ${JSON.stringify(value).slice(0, 100)}`);
}

export function itemFromJson(json: unknown): Item {
  if (typeof json !== 'object' || json === null) throw new Error(`not an item: ${JSON.stringify(json)}`);
  return Object.fromEntries(Object.entries(json as Json).map(([name, value]) => [name, attributeFromJson(value)]));
}

/** A full export's line: `{"Item": {…}}`. */
export function itemFromExportLine(line: string, where: string): Item {
  const json = parseLine(line, where);
  if (!json['Item']) throw badLine(where, 'has no "Item" (is this an incremental export?)');
  return wrap(where, () => itemFromJson(json['Item']));
}

/**
 * An incremental export's line: `Keys`, `NewImage` and/or `OldImage`, `Metadata.WriteTimestampMicros`.
 * A NewImage is an upsert (insert or update); no NewImage is a delete (NEW_AND_OLD_IMAGES gives
 * the OldImage, NEW_IMAGE only the Keys).
 */
export function changeFromExportLine(line: string, where: string): ExportChange {
  const json = parseLine(line, where);
  if (!json['Keys']) throw badLine(where, 'has no "Keys" (is this a full export?)');
  return wrap(where, () => {
    const key = itemFromJson(json['Keys']);
    const writtenAtMicros = micros((json['Metadata'] as Json | undefined)?.['WriteTimestampMicros']);
    return json['NewImage']
      ? { kind: 'upsert', key, item: itemFromJson(json['NewImage']), writtenAtMicros }
      : { kind: 'delete', key, writtenAtMicros };
  });
}

/**
 * `{"N": "…"}` as the files have it (a bare number or string is accepted too). A JS number holds
 * microseconds since the epoch exactly until the year 2255.
 */
function micros(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const raw = typeof value === 'object' ? (value as Json)['N'] : value;
  return typeof raw === 'string' || typeof raw === 'number' ? Number(raw) : undefined;
}

function bytes(value: unknown): Uint8Array {
  return new Uint8Array(Buffer.from(String(value), 'base64'));
}

function parseLine(line: string, where: string): Json {
  try {
    const json = JSON.parse(line) as unknown;
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('not a JSON object');
    return json as Json;
  } catch (error) {
    throw badLine(where, `is not JSON (${(error as Error).message})`);
  }
}

function wrap<T>(where: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof TerminalError) throw error;
    throw badLine(where, (error as Error).message);
  }
}

function badLine(where: string, what: string): TerminalError {
  return new TerminalError('BAD_INPUT', `DynamoDB export file ${where} ${what}: is it a DYNAMODB_JSON export?`);
}
