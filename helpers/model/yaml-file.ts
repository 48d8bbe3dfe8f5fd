/**
 * Reads YAML files keeping the source positions, so that a problem found later (by zod or
 * by a cross-file check) can still be reported with its line number.
 */
import { relative } from 'node:path';
import { LineCounter, parseAllDocuments, isMap, isNode, isScalar, type Document } from 'yaml';
import type { z } from 'zod';
import { readTextFile, type ProblemList } from './errors.js';

export type FieldPath = readonly (string | number)[];

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
    out.push({ file: shown, index, data: doc.toJS({ maxAliasCount: 100 }), lineOf: (path) => lineOf(doc, lineCounter, path) });
  });
  return out;
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
export function validateDoc<S extends z.ZodType>(doc: YamlDoc, schema: S, problems: ProblemList, prefix: FieldPath = []): z.infer<S> | undefined {
  const result = schema.safeParse(doc.data);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
    for (const key of keys) {
      const path = [...prefix, ...(issue.path as (string | number)[]), ...(key === undefined ? [] : [key])];
      const message = issue.code === 'unrecognized_keys' ? 'unknown field (misspelled, or not supported by anycast-verify)' : issue.message;
      problems.add({ file: doc.file, field: pathToString(path), message, line: doc.lineOf(path) });
    }
  }
  return undefined;
}
