# What an operation needs from the grants of its task, derived from the shim's description: a set of
# {"action": ..., "object": ...} pairs, where the object is the table, command, path or address the action
# touches, or null when the action concerns the resource as a whole (BEGIN, SELECT 1, an interactive shell).
package taskgate.operation

# Without a catalog every command needs admin, so a missing catalog closes the policy instead of opening it.
default command_actions := {}

command_actions := data.taskgate.catalog.postgres.command_actions

default admin_functions := []

admin_functions := data.taskgate.catalog.postgres.admin_functions

http_read_methods := {"GET", "HEAD", "OPTIONS"}

# ---------------------------------------------------------------------------------------------- postgres

postgres_statements := input.operation.postgres.statements if input.operation.kind == "postgres"

needs contains {"action": action, "object": null} if {
	some statement in postgres_statements
	action := statement_action(statement)
}

needs contains {"action": "read", "object": table} if {
	some statement in postgres_statements
	some table in statement.reads
}

needs contains {"action": action, "object": table} if {
	some statement in postgres_statements
	some table in statement.writes
	action := write_action(statement_action(statement))
}

needs contains {"action": "admin", "object": null} if {
	some statement in postgres_statements
	some name in statement.functions
	admin_function(name)
}

# A command the catalog does not list needs admin: what taskgate does not know is treated as the most powerful.
statement_action(statement) := object.get(command_actions, upper(statement.command), "admin")

# Changing a table's definition (ALTER, DROP, TRUNCATE ...) needs admin; changing its rows needs write.
write_action(command_action) := "admin" if command_action == "admin"

write_action(command_action) := "write" if command_action != "admin"

# Functions are compared without their schema: pg_catalog.pg_read_file is pg_read_file.
admin_function(name) if {
	parts := split(lower(name), ".")
	parts[count(parts) - 1] in admin_functions
}

# ---------------------------------------------------------------------------------------------- ssh

ssh_type := input.operation.ssh.type if input.operation.kind == "ssh"

needs contains {"action": "exec", "object": input.operation.ssh.command} if ssh_type == "exec"

needs contains {"action": "shell", "object": null} if ssh_type == "shell"

needs contains {"action": input.operation.ssh.access, "object": input.operation.ssh.path} if ssh_type == "sftp"

needs contains {"action": "forward", "object": address} if {
	ssh_type == "forward"
	address := sprintf("%s:%v", [input.operation.ssh.host, input.operation.ssh.port])
}

# ---------------------------------------------------------------------------------------------- http

needs contains {"action": http_action, "object": input.operation.http.path} if input.operation.kind == "http"

http_action := "read" if upper(input.operation.http.method) in http_read_methods

http_action := "write" if not upper(input.operation.http.method) in http_read_methods
