/**
 * Reads YAML files keeping the source positions, so that a problem found later (by zod or
 * by a cross-file check) can still be reported with its line number.
 */
import { relative } from 'node:path';
import {
  LineCounter,
  Scalar,
  parseAllDocuments,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  visit,
  type Alias,
  type Document,
} from 'yaml';
import type { z } from 'zod';
import { readTextFile, type ProblemList } from './errors.js';

export type FieldPath = readonly (string | number)[];

/**
 * Alias expansions allowed per document (the yaml package's default, stated): a "billion
 * laughs" document (anchors of aliases of aliases) would otherwise expand to gigabytes.
 */
const MAX_ALIAS_COUNT = 100;

export interface YamlDoc {
  /** Path relative to the project root, as shown in messages. */
  file: string;
  /** Index of the document within a multi-document file. */
  index: number;
  data: unknown;
  /** Line (1-based) of the node at `path`, or of its closest existing ancestor. */
  lineOf(path: FieldPath): number | undefined;
}

export function displayPath(root: string, file: string): string {
  const rel = relative(root, file);
  return rel.startsWith('..') ? file : rel;
}

export function pathToString(path: FieldPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out || '(document)';
}

/** Parses every document of a YAML file. Syntax errors go to `problems`; those documents are dropped. */
export function readYamlDocs(root: string, file: string, problems: ProblemList): YamlDoc[] {
  const shown = displayPath(root, file);
  const text = readTextFile(file, shown, problems);
  if (text === undefined) return [];
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, merge: false, uniqueKeys: true });
  if (!Array.isArray(docs)) {
    // parseAllDocuments returns an EmptyStream for an empty file.
    return [];
  }
  const out: YamlDoc[] = [];
  docs.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const line = e.linePos?.[0]?.line;
        problems.add({ file: shown, field: '(syntax)', message: `malformed YAML: ${e.message.split('\n')[0]}`, line });
      }
      return;
    }
    if (doc.contents === null) return; // an empty document between two `---`
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      // The yaml package throws (no position) when aliases expand beyond maxAliasCount.
      const at = /alias count/i.test((err as Error).message) ? aliasOverLimit(doc) : undefined;
      const line = at?.node.range ? lineCounter.linePos(at.node.range[0]).line : lineOf(doc, lineCounter, []);
      const message = at
        ? `YAML aliases expand beyond the limit of ${MAX_ALIAS_COUNT} here (too many aliases, or aliases of anchors that hold aliases, as a "billion laughs" document does to expand into gigabytes); write the values out`
        : `cannot convert the YAML: ${(err as Error).message}`;
      problems.add({ file: shown, field: at ? pathToString(at.path) : '(document)', message, line });
      return;
    }
    out.push({ file: shown, index, data, lineOf: (path) => lineOf(doc, lineCounter, path) });
  });
  return out;
}

/**
 * The alias at which the maxAliasCount guard trips, with its field path: the shortest
 * prefix of the document's aliases (document order) that still trips it ends there. Found
 * with the yaml package's own check on copies whose later aliases are replaced by null, so
 * it holds whatever the package counts; more aliases never count less, hence the bisection.
 */
function aliasOverLimit(doc: Document): { node: Alias; path: FieldPath } | undefined {
  const aliases: { node: Alias; path: FieldPath }[] = [];
  visit(doc, {
    Alias(_key, node, ancestors) {
      const chain = [...ancestors, node];
      const path: (string | number)[] = [];
      chain.forEach((a, i) => {
        const child = chain[i + 1];
        if (isPair(a) && child === a.value && isScalar(a.key)) path.push(String(a.key.value));
        else if (isSeq(a)) path.push(a.items.indexOf(child as never));
      });
      aliases.push({ node, path });
    },
  });
  const trips = (keep: number): boolean => {
    const copy = doc.clone();
    let seen = 0;
    visit(copy, { Alias: () => (seen++ < keep ? undefined : new Scalar(null)) });
    try {
      copy.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      return false;
    } catch (err) {
      return /alias count/i.test((err as Error).message);
    }
  };
  if (aliases.length === 0 || !trips(aliases.length)) return undefined;
  let lo = 1;
  let hi = aliases.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (trips(mid)) hi = mid;
    else lo = mid + 1;
  }
  return aliases[lo - 1];
}

/** The line of the field at `path`: its key's line for a mapping entry (where a reader looks), else the node's. */
function lineOf(doc: Document, counter: LineCounter, path: FieldPath): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const last = path[n - 1];
    if (n > 0 && typeof last === 'string') {
      const parent = doc.getIn(path.slice(0, n - 1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
        if (pair && isNode(pair.key) && pair.key.range) return counter.linePos(pair.key.range[0]).line;
      }
    }
    const node = doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

/**
 * Validates one document against a zod schema; each issue becomes a problem naming the
 * field and its line. Returns the parsed value, or undefined when it did not validate.
 */
export function validateDoc<S extends z.ZodType>(
  doc: YamlDoc,
  schema: S,
  problems: ProblemList,
  prefix: FieldPath = [],
): z.infer<S> | undefined {
  const result = schema.safeParse(doc.data);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
    for (const key of keys) {
      const path = [...prefix, ...(issue.path as (string | number)[]), ...(key === undefined ? [] : [key])];
      const message =
        issue.code === 'unrecognized_keys'
          ? 'unknown field (misspelled, or not supported by anycast-verify)'
          : issue.message;
      problems.add({ file: doc.file, field: pathToString(path), message, line: doc.lineOf(path) });
    }
  }
  return undefined;
}
