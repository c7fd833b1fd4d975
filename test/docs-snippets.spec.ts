/**
 * The documentation's code snippets are copies of real code, checked here so they cannot drift: the
 * fenced block right after `<!-- snippet: <file>#<region> -->` in a document must equal the lines
 * between `// #region <region>` and its `// #endregion` in that file, whitespace aside. The code
 * itself runs in its own tests (the example app's: examples/metered-notes/notes.e2e-spec.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

const DOCUMENTS = [
  'README.md',
  ...readdirSync(new URL('docs/', root))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
  'packages/tokens/README.md',
  'packages/database/README.md',
];

/** Documents whose set-up example must be one of the checked snippets. */
const MUST_HAVE_SNIPPETS = ['README.md', 'docs/tokens-package.md', 'packages/tokens/README.md'];

const MARKER = /^<!-- snippet: ([^#\s]+)#(\S+) -->$/;
const REGION_START = /^\s*\/\/ #region (\S+)\s*$/;
const REGION_END = /^\s*\/\/ #endregion\b/;

interface Snippet {
  document: string;
  line: number;
  file: string;
  region: string;
  code: string;
}

/** The marked snippets of a document: each marker with the fenced block that follows it. */
function snippetsOf(document: string, text: string): Snippet[] {
  const lines = text.split('\n');
  const snippets: Snippet[] = [];
  lines.forEach((line, index) => {
    const marker = MARKER.exec(line.trim());
    if (!marker) return;
    const open = lines.findIndex((l, i) => i > index && l.trim() !== '');
    if (open < 0 || !lines[open].trimStart().startsWith('```')) {
      throw new Error(`${document}:${index + 1}: the snippet marker is not followed by a fenced code block`);
    }
    const close = lines.findIndex((l, i) => i > open && l.trimStart().startsWith('```'));
    if (close < 0) throw new Error(`${document}:${open + 1}: the fenced code block is not closed`);
    snippets.push({ document, line: index + 1, file: marker[1], region: marker[2], code: lines.slice(open + 1, close).join('\n') });
  });
  return snippets;
}

/** The lines of `region` in a source file, without the region comments (its own or nested ones). */
function regionOf(file: string, source: string, region: string): string {
  const lines = source.split('\n');
  const starts = lines.flatMap((line, index) => (REGION_START.exec(line)?.[1] === region ? [index] : []));
  if (starts.length !== 1) throw new Error(`${file}: ${starts.length} regions named '${region}', expected one`);
  const inside: string[] = [];
  let depth = 1;
  for (const line of lines.slice(starts[0] + 1)) {
    if (REGION_START.test(line)) depth++;
    else if (REGION_END.test(line)) {
      if (--depth === 0) return inside.join('\n');
    } else inside.push(line);
  }
  throw new Error(`${file}: the region '${region}' has no // #endregion`);
}

/** Lines with whitespace runs collapsed and blank lines dropped: formatting aside, the same code. */
const normalised = (code: string): string[] =>
  code
    .split('\n')
    .map((line) => line.trim().replace(/\s+/g, ' '))
    .filter((line) => line !== '');

const snippets = DOCUMENTS.flatMap((document) => snippetsOf(document, read(document)));

describe('documentation snippets', () => {
  it.each(snippets.map((s) => [`${s.document}:${s.line} (${s.file}#${s.region})`, s] as const))(
    '%s is the code of its region',
    (_, snippet) => {
      expect(normalised(snippet.code)).toEqual(normalised(regionOf(snippet.file, read(snippet.file), snippet.region)));
    },
  );

  it('the front doors and the package guide show checked code', () => {
    const documented = new Set(snippets.map((s) => s.document));
    expect(MUST_HAVE_SNIPPETS.filter((document) => !documented.has(document))).toEqual([]);
  });

  it('the check fails on a changed snippet, a missing region and a marker without code', () => {
    const source = 'before\n// #region meter\nconst price = 1;\n// #region inner\nconst units = 2;\n// #endregion\n// #endregion\nafter';
    expect(normalised(regionOf('f.ts', source, 'meter'))).toEqual(['const price = 1;', 'const units = 2;']);
    expect(normalised(regionOf('f.ts', source, 'meter'))).not.toEqual(normalised('const price = 2;\nconst units = 2;'));
    expect(() => regionOf('f.ts', source, 'missing')).toThrow("0 regions named 'missing'");
    expect(() => regionOf('f.ts', '// #region meter\nconst price = 1;', 'meter')).toThrow('has no // #endregion');
    expect(() => snippetsOf('d.md', '<!-- snippet: f.ts#meter -->\n\nplain text')).toThrow('not followed by a fenced code block');
    const [snippet] = snippetsOf('d.md', 'intro\n<!-- snippet: f.ts#meter -->\n```ts\nconst price = 1;\n```\n');
    expect([snippet.file, snippet.region, snippet.line, snippet.code]).toEqual(['f.ts', 'meter', 2, 'const price = 1;']);
  });
});
