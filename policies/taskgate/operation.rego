# What an operation needs from the grants of its task, derived from the shim's description: a set of
# {"action": ..., "object": ...} pairs, where the object is the table, command, path or address the action
# touches, or null when the action concerns the resource as a whole (BEGIN, SELECT 1, an interactive shell). A
# need that comes from changing a server setting also names it (`setting`), for the reason.
package taskgate.operation

# Without a catalog every command needs admin, so a missing catalog closes the policy instead of opening it.
default command_actions := {}

command_actions := data.taskgate.catalog.postgres.command_actions

default admin_functions := []

admin_functions := data.taskgate.catalog.postgres.admin_functions

default write_functions := []

write_functions := data.taskgate.catalog.postgres.write_functions

# Without the list every setting needs admin.
default session_settings := []

session_settings := data.taskgate.catalog.postgres.session_settings

# Schemas whose functions come with Postgres: calling one needs what the catalog says (nothing beyond the
# statement's own action, unless it is listed). Every other function needs `exec` on its qualified name.
builtin_function_schemas := {"pg_catalog", "information_schema"}

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

needs contains {"action": "exec", "object": name} if {
	some statement in postgres_statements
	some name in statement.functions
	not builtin_function(name)
}

needs contains {"action": "write", "object": null} if {
	some statement in postgres_statements
	some name in statement.functions
	catalog_function(name) in write_functions
}

needs contains {"action": "admin", "object": null} if {
	some statement in postgres_statements
	some name in statement.functions
	catalog_function(name) in admin_functions
}

# A setting that is not the session's own (its replication role, what the server logs, a custom setting a row
# security policy reads) needs admin. The need names the setting, so that the reason can say why admin is asked.
needs contains {"action": "admin", "object": null, "setting": name} if {
	some statement in postgres_statements
	some name in statement.settings
	not name in session_settings
}

# A command the catalog does not list needs admin: what taskgate does not know is treated as the most powerful.
statement_action(statement) := object.get(command_actions, upper(statement.command), "admin")

# Changing a table's definition (ALTER, DROP, TRUNCATE ...) needs admin; changing its rows needs write.
write_action(command_action) := "admin" if command_action == "admin"

write_action(command_action) := "write" if command_action != "admin"

# The shim names each function by the schema that may supply it (`pg_catalog.count`, `public.refresh_stats`); a
# name it found in no schema stays unqualified, and like any name outside the built-in schemas needs `exec`.
builtin_function(name) if {
	parts := split(name, ".")
	count(parts) == 2
	parts[0] in builtin_function_schemas
}

# The catalog lists built-ins by their pg_catalog name: public.nextval is a user function (exec), not nextval.
catalog_function(name) := parts[1] if {
	parts := split(name, ".")
	count(parts) == 2
	parts[0] == "pg_catalog"
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
