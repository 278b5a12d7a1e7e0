// Built-in functions that read rows of tables the statement does not name: they run a query given as text, or
// read a table or cursor named by a value. The analysis could not list what they read (query_to_xml('SELECT ...')
// reads any table the text names), so a statement calling one is refused, never described with reads missing.
import { AnalysisError } from './errors.js';

const OPAQUE_READERS: ReadonlySet<string> = new Set([
  'query_to_xml', 'query_to_xmlschema', 'query_to_xml_and_xmlschema',
  'table_to_xml', 'table_to_xmlschema', 'table_to_xml_and_xmlschema',
  'cursor_to_xml', 'cursor_to_xmlschema',
  'schema_to_xml', 'schema_to_xmlschema', 'schema_to_xml_and_xmlschema',
  'database_to_xml', 'database_to_xmlschema', 'database_to_xml_and_xmlschema',
  'ts_stat',
  // pageinspect: the raw pages of any table, when the extension is installed.
  'get_raw_page',
]);

/** Refuses a call of a function whose reads the analysis cannot see; `name` as written, possibly qualified. */
export function refuseOpaqueReader(name: string): void {
  const base = name.split('.').pop()!.toLowerCase();
  if (OPAQUE_READERS.has(base)) {
    throw new AnalysisError(`${base}() reads rows of tables named in its arguments, which taskgate cannot see; select from the tables instead`);
  }
}
