# Inputs the tests share: one caller, one task (whose grants each test chooses) and one resource per shim kind,
# all as the decider would send them at 2026-11-29T10:00:00Z.
package taskgate.fixtures_test

now := "2026-11-29T10:00:00Z"

identity := {
	"subject": "ci-backup",
	"issuer": "https://taskgate.example",
	"groups": ["ops"],
	"claims": {},
	"method": "task-token",
}

task(grants) := {
	"id": "tsk_01JDQ3",
	"name": "nightly-orders-backup",
	"purpose": "back up the orders tables",
	"grants": grants,
	"issued_at": "2026-11-29T09:00:00Z",
	"expires_at": "2026-11-29T11:00:00Z",
}

session(shim) := {"id": "ses_01JDQ4", "shim": shim, "source_ip": "127.0.0.1", "started_at": "2026-11-29T09:59:00Z"}

# ---------------------------------------------------------------------------------------------- postgres

orders_db := {"name": "orders-db", "kind": "postgres", "labels": {"env": "prod"}}

read_orders := {"resource": "orders-db", "actions": ["read"], "objects": ["public.orders"]}

write_orders := {"resource": "orders-db", "actions": ["write"], "objects": ["public.orders"]}

read_users := {"resource": "orders-db", "actions": ["read"], "objects": ["public.users"]}

statement(command, reads, writes, columns, has_where) := {
	"command": command,
	"reads": reads,
	"writes": writes,
	"columns": columns,
	"functions": [],
	"settings": [],
	"has_where": has_where,
}

# SET (or RESET) of the named settings, as the shim describes it.
setting(command, names) := object.union(statement(command, [], [], [], false), {"settings": names})

select_from(table, column_names) := statement("SELECT", [table], [], columns(table, column_names, "select"), false)

columns(table, column_names, use) := [{"table": table, "column": name, "use": use} | some name in column_names]

postgres_request(grants, statements) := {
	"identity": identity,
	"task": task(grants),
	"resource": orders_db,
	"operation": {
		"kind": "postgres",
		"action": "read",
		"postgres": {"text": "(written by the test)", "fingerprint": "0000000000000000", "statements": statements},
	},
	"session": session("postgres"),
	"now": now,
}

# ---------------------------------------------------------------------------------------------- ssh

web_host := {"name": "web-1", "kind": "ssh", "labels": {"env": "prod"}}

ssh_request(grants, details) := {
	"identity": identity,
	"task": task(grants),
	"resource": web_host,
	"operation": {"kind": "ssh", "action": details.type, "ssh": details},
	"session": session("ssh"),
	"now": now,
}

exec(command) := {"type": "exec", "user": "deploy", "command": command}

# ---------------------------------------------------------------------------------------------- http

billing_api := {"name": "billing-api", "kind": "http", "labels": {"env": "prod"}}

http_request(grants, method, path) := {
	"identity": identity,
	"task": task(grants),
	"resource": billing_api,
	"operation": {
		"kind": "http",
		"action": "read",
		"http": {"method": method, "path": path, "query": {}, "headers": {"accept": ["application/json"]}},
	},
	"session": session("http"),
	"now": now,
}

# ---------------------------------------------------------------------------------------------- approvals

with_approval(request, status, approved_by) := object.union(request, {"approval": {
	"id": "apr_01JDQ5",
	"status": status,
	"approved_by": approved_by,
}})
