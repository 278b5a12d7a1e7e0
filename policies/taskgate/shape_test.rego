package taskgate.shape_test

import data.taskgate.fixtures_test as fx
import data.taskgate.shape

orders_select := fx.select_from("public.orders", ["id"])

postgres_request := fx.postgres_request([fx.read_orders], [orders_select])

test_well_formed_operations_pass if {
	count(shape.deny) == 0 with input as postgres_request
	count(shape.deny) == 0 with input as fx.ssh_request([], fx.exec("uptime"))
	count(shape.deny) == 0 with input as fx.ssh_request([], {"type": "sftp", "access": "read", "path": "/var/backups/a.dump"})
	count(shape.deny) == 0 with input as fx.ssh_request([], {"type": "forward", "host": "db.internal", "port": 5432})
	count(shape.deny) == 0 with input as fx.http_request([], "GET", "/v1/invoices")
}

test_unknown_operation_kind_is_denied if {
	reasons := shape.deny with input as postgres_request with input.operation.kind as "ftp"
	reasons == {
		"operation kind ftp is not one taskgate knows (postgres, ssh, http)",
		"resource orders-db is of kind postgres, but the operation is ftp",
	}
}

test_missing_resource_is_denied if {
	reasons := shape.deny with input as object.remove(postgres_request, ["resource"])
	"the request names no resource (input.resource.name)" in reasons
	"the request does not say what kind of resource it is (input.resource.kind)" in reasons
}

test_statement_without_its_lists_is_denied if {
	bare := {"command": "SELECT", "has_where": false}
	reasons := shape.deny with input as fx.postgres_request([fx.read_orders], [bare])
	reasons == {
		"statement 1 of the postgres operation has no reads list",
		"statement 1 of the postgres operation has no writes list",
		"statement 1 of the postgres operation has no columns list",
		"statement 1 of the postgres operation has no functions list",
		"statement 1 of the postgres operation has no settings list",
	}
}

test_statement_must_say_whether_it_filters if {
	statement := object.remove(orders_select, ["has_where"])
	reasons := shape.deny with input as fx.postgres_request([fx.read_orders], [orders_select, statement])
	reasons == {"statement 2 of the postgres operation does not say whether it has a WHERE clause (has_where)"}
}

test_function_entry_that_is_no_name_is_denied if {
	statement := object.union(orders_select, {"functions": ["pg_catalog.count", 7]})
	reasons := shape.deny with input as fx.postgres_request([fx.read_orders], [statement])
	reasons == {"statement 1 of the postgres operation has a function entry that is not a name: 7"}
}

test_setting_entry_that_is_no_name_is_denied if {
	statement := fx.setting("SET", ["application_name", {"name": "session_replication_role"}])
	reasons := shape.deny with input as fx.postgres_request([fx.read_orders], [statement])
	reasons == {`statement 1 of the postgres operation has a setting entry that is not a name: {"name": "session_replication_role"}`}
}

test_operation_without_statements_is_denied if {
	reasons := shape.deny with input as fx.postgres_request([fx.read_orders], [])
	reasons == {"the postgres operation lists no statements (input.operation.postgres.statements)"}
}

test_unqualified_table_is_denied if {
	reasons := shape.deny with input as fx.postgres_request([fx.read_orders], [fx.select_from("orders", ["id"])])
	reasons == {"table orders is not schema-qualified (schema.table); the shim must resolve it before asking"}
	"table mydb.public.orders is not schema-qualified (schema.table); the shim must resolve it before asking" in shape.deny with input as fx.postgres_request([fx.read_orders], [fx.select_from("mydb.public.orders", ["id"])])
}

test_column_entry_without_use_is_denied if {
	statement := fx.statement("SELECT", ["public.orders"], [], [{"table": "public.orders", "column": "id"}], false)
	count(shape.deny) == 1 with input as fx.postgres_request([fx.read_orders], [statement])
}

test_ssh_operation_must_be_complete if {
	"ssh operation type scp is not one taskgate knows (exec, shell, sftp, forward)" in shape.deny with input as fx.ssh_request([], {"type": "scp"})
	"the ssh exec operation has no command (input.operation.ssh.command)" in shape.deny with input as fx.ssh_request([], {"type": "exec", "command": ""})
	"the sftp operation does not say whether it reads or writes (input.operation.ssh.access)" in shape.deny with input as fx.ssh_request([], {"type": "sftp", "path": "/tmp/x"})
	"the sftp operation has no absolute path (input.operation.ssh.path)" in shape.deny with input as fx.ssh_request([], {"type": "sftp", "access": "read", "path": "notes.txt"})
	"the port forward has no host and port (input.operation.ssh.host, input.operation.ssh.port)" in shape.deny with input as fx.ssh_request([], {"type": "forward", "host": "db.internal", "port": "5432"})
}

test_http_path_must_be_absolute_and_resolved if {
	"the http operation has no absolute path (input.operation.http.path)" in shape.deny with input as fx.http_request([], "GET", "v1/invoices")
	"path /v1/invoices/../admin has . or .. segments; the shim must resolve them before asking" in shape.deny with input as fx.http_request([], "GET", "/v1/invoices/../admin")
	"path /var/backups/./../../etc/shadow has . or .. segments; the shim must resolve them before asking" in shape.deny with input as fx.ssh_request([], {"type": "sftp", "access": "read", "path": "/var/backups/./../../etc/shadow"})
}
