# The shape of the operation a shim describes. Every other part reads these fields; a field that is missing or of
# the wrong type must be a reason to deny, never something that quietly makes a check pass.
package taskgate.shape

operation_kinds := {"postgres", "ssh", "http"}

ssh_types := {"exec", "shell", "sftp", "forward"}

sftp_access := {"read", "write"}

deny contains "the request names no resource (input.resource.name)" if not is_string(input.resource.name)

deny contains "the operation has no kind (input.operation.kind: postgres, ssh or http)" if {
	not is_string(input.operation.kind)
}

deny contains msg if {
	kind := input.operation.kind
	is_string(kind)
	not kind in operation_kinds
	msg := concat("", ["operation kind ", kind, " is not one taskgate knows (postgres, ssh, http)"])
}

deny contains "the request does not say what kind of resource it is (input.resource.kind)" if {
	not is_string(input.resource.kind)
}

deny contains msg if {
	input.resource.kind != input.operation.kind
	msg := sprintf("resource %v is of kind %v, but the operation is %v", [input.resource.name, input.resource.kind, input.operation.kind])
}

# ---------------------------------------------------------------------------------------------- postgres

deny contains "the postgres operation lists no statements (input.operation.postgres.statements)" if {
	input.operation.kind == "postgres"
	not non_empty_array(input.operation.postgres.statements)
}

deny contains msg if {
	some i, statement in postgres_statements
	not is_string(statement.command)
	msg := sprintf("statement %d of the postgres operation has no command", [i + 1])
}

deny contains msg if {
	some i, statement in postgres_statements
	some field in ["reads", "writes", "columns", "functions", "settings"]
	not is_array(statement[field])
	msg := sprintf("statement %d of the postgres operation has no %s list", [i + 1, field])
}

# A function entry that is no string could not be judged at all: it would need nothing.
deny contains msg if {
	some i, statement in postgres_statements
	some name in statement.functions
	not is_string(name)
	msg := sprintf("statement %d of the postgres operation has a function entry that is not a name: %v", [i + 1, name])
}

# Likewise a setting entry: the policy could not tell which setting it changes.
deny contains msg if {
	some i, statement in postgres_statements
	some name in statement.settings
	not is_string(name)
	msg := sprintf("statement %d of the postgres operation has a setting entry that is not a name: %v", [i + 1, name])
}

deny contains msg if {
	some i, statement in postgres_statements
	not is_boolean(statement.has_where)
	msg := sprintf("statement %d of the postgres operation does not say whether it has a WHERE clause (has_where)", [i + 1])
}

deny contains msg if {
	some i, statement in postgres_statements
	some column in statement.columns
	not well_formed_column(column)
	msg := sprintf("statement %d of the postgres operation has a column entry without a table, column and use: %v", [i + 1, column])
}

deny contains msg if {
	some table in referenced_tables
	not schema_qualified(table)
	msg := sprintf("table %v is not schema-qualified (schema.table); the shim must resolve it before asking", [table])
}

postgres_statements := input.operation.postgres.statements if input.operation.kind == "postgres"

referenced_tables contains table if {
	some statement in postgres_statements
	some field in ["reads", "writes"]
	some table in statement[field]
}

referenced_tables contains column.table if {
	some statement in postgres_statements
	some column in statement.columns
}

well_formed_column(column) if {
	is_string(column.table)
	is_string(column.column)
	is_string(column.use)
}

schema_qualified(table) if {
	is_string(table)
	parts := split(table, ".")
	count(parts) == 2
	parts[0] != ""
	parts[1] != ""
}

non_empty_array(value) if {
	is_array(value)
	count(value) > 0
}

# ---------------------------------------------------------------------------------------------- ssh

deny contains msg if {
	input.operation.kind == "ssh"
	not input.operation.ssh.type in ssh_types
	msg := sprintf("ssh operation type %v is not one taskgate knows (exec, shell, sftp, forward)", [ssh_type_text])
}

deny contains "the ssh exec operation has no command (input.operation.ssh.command)" if {
	input.operation.kind == "ssh"
	input.operation.ssh.type == "exec"
	not non_empty_string(input.operation.ssh.command)
}

deny contains "the sftp operation has no absolute path (input.operation.ssh.path)" if {
	input.operation.kind == "ssh"
	input.operation.ssh.type == "sftp"
	not absolute_path(input.operation.ssh.path)
}

deny contains "the sftp operation does not say whether it reads or writes (input.operation.ssh.access)" if {
	input.operation.kind == "ssh"
	input.operation.ssh.type == "sftp"
	not input.operation.ssh.access in sftp_access
}

deny contains "the port forward has no host and port (input.operation.ssh.host, input.operation.ssh.port)" if {
	input.operation.kind == "ssh"
	input.operation.ssh.type == "forward"
	not forward_target_given
}

ssh_type_text := input.operation.ssh.type

default ssh_type_text := "(none)"

forward_target_given if {
	non_empty_string(input.operation.ssh.host)
	is_number(input.operation.ssh.port)
}

non_empty_string(value) if {
	is_string(value)
	value != ""
}

# ---------------------------------------------------------------------------------------------- http

deny contains "the http operation has no method (input.operation.http.method)" if {
	input.operation.kind == "http"
	not non_empty_string(input.operation.http.method)
}

deny contains "the http operation has no absolute path (input.operation.http.path)" if {
	input.operation.kind == "http"
	not absolute_path(input.operation.http.path)
}

absolute_path(path) if {
	is_string(path)
	startswith(path, "/")
}

# ---------------------------------------------------------------------------------------------- paths

# Grants match paths segment by segment, so `/srv/backups/../../etc/shadow` must never reach them: the shim sends
# paths with `.` and `..` resolved.
deny contains msg if {
	some path in request_paths
	is_string(path)
	some segment in split(path, "/")
	segment in {".", ".."}
	msg := concat("", ["path ", path, " has . or .. segments; the shim must resolve them before asking"])
}

request_paths contains input.operation.http.path if input.operation.kind == "http"

request_paths contains input.operation.ssh.path if {
	input.operation.kind == "ssh"
	input.operation.ssh.type == "sftp"
}
