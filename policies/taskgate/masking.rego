# Masking. The catalog (data.taskgate.catalog.masking) names the sensitive columns and JSON fields of each
# resource and how to mask them: redact, null, partial, hash or email. A selected column that the catalog names
# is masked unless a grant of the task lists it as unmasked. The shim masks result cells by each column's origin,
# so a masked column used anywhere else (WHERE, ORDER BY, GROUP BY, an expression) is denied: no change to a
# cell can undo what such a use reveals, e.g. `WHERE ssn LIKE '123%'` answers a question about every row.
package taskgate.masking

import data.taskgate.names

catalog := data.taskgate.catalog.masking

methods := {"redact", "null", "partial", "hash", "email"}

# Uses whose values reach the client only as cells the shim can mask ("select") or are written, not read ("set").
cell_uses := {"select", "set"}

postgres_statements := input.operation.postgres.statements if input.operation.kind == "postgres"

masks contains {"table": column.table, "column": name, "method": method} if {
	some statement in postgres_statements
	some column in statement.columns
	column.use == "select"
	some name in column_names(column)
	method := masked_method(column.table, name)
}

masks contains {"path": path, "method": method} if {
	input.operation.kind == "http"
	some path, method in catalog.http[input.resource.name]
	not path in unmasked_patterns
}

# `*` stands for every column of the table, as in `SELECT *` or a whole-row reference such as row_to_json(t).
column_names(column) := {name | some name, _ in catalog.postgres[column.table]} if column.column == "*"

column_names(column) := {column.column} if column.column != "*"

masked_method(table, column) := method if {
	method := catalog.postgres[table][column]
	not unmasked_column(table, column)
}

unmasked_column(table, column) if {
	some pattern in unmasked_patterns
	glob.match(pattern, ["."], concat(".", [table, column]))
}

unmasked_patterns contains pattern if {
	some grant in input.task.grants
	grant.resource == input.resource.name
	some pattern in grant.unmasked
}

# ---------------------------------------------------------------------------------------------- reasons

# Only an allow or mask decision shows these, and then masking.deny has vouched that every method is a known name.
reasons contains concat("", [mask_target(mask), " is masked (", mask.method, ")"]) if some mask in masks

mask_target(mask) := mask.path if is_string(mask.path)

mask_target(mask) := concat(".", [mask.table, mask.column]) if is_string(mask.table)

deny contains msg if {
	some statement in postgres_statements
	some column in statement.columns
	not column.use in cell_uses
	some name in column_names(column)
	method := masked_method(column.table, name)
	msg := sprintf(
		"%s.%s is masked (%s) and used in %s, which masking cannot cover; select it without using it elsewhere, or ask for a task whose grant on %s lists it as unmasked",
		[column.table, name, method, column.use, names.resource]
	)
}

deny contains msg if {
	some statement in postgres_statements
	command := upper(statement.command)
	command in catalog.unmaskable_commands
	some table in statement.reads
	masked := sort({name | some name, _ in catalog.postgres[table]; masked_method(table, name)})
	count(masked) > 0
	msg := concat("", [
		command, " reads ", table, ", whose columns ", concat(", ", masked),
		" are masked, and taskgate cannot mask ", command, " output; use SELECT instead",
	])
}

deny contains msg if {
	some mask in masks
	not mask.method in methods
	msg := sprintf("the masking catalog names method %v for %s, which is not one of email, hash, null, partial, redact", [mask.method, mask_target(mask)])
}
