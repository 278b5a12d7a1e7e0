package taskgate.grants_test

import data.taskgate.fixtures_test as fx
import data.taskgate.grants

orders_select := fx.select_from("public.orders", ["id"])

test_grant_without_objects_covers_every_table if {
	grant := {"resource": "orders-db", "actions": ["read"]}
	grants.permitted with input as fx.postgres_request([grant], [fx.select_from("analytics.events", ["id"])])
}

test_schema_pattern_covers_the_tables_of_that_schema_only if {
	grant := {"resource": "orders-db", "actions": ["read"], "objects": ["public.*"]}
	grants.permitted with input as fx.postgres_request([grant], [fx.select_from("public.customers", ["id"])])
	not grants.permitted with input as fx.postgres_request([grant], [fx.select_from("analytics.events", ["id"])])
	not grants.permitted with input as fx.postgres_request([grant], [fx.select_from("public_archive.orders", ["id"])])
}

test_star_stops_at_the_schema_dot if {
	any_orders := {"resource": "orders-db", "actions": ["read"], "objects": ["*.orders"]}
	grants.permitted with input as fx.postgres_request([any_orders], [orders_select])
	grants.permitted with input as fx.postgres_request([any_orders], [fx.select_from("sales.orders", ["id"])])
	not grants.permitted with input as fx.postgres_request([{"resource": "orders-db", "actions": ["read"], "objects": ["*"]}], [orders_select])
}

test_empty_objects_list_covers_no_table if {
	grant := {"resource": "orders-db", "actions": ["read"], "objects": []}
	not grants.permitted with input as fx.postgres_request([grant], [orders_select])
}

test_grant_on_another_resource_does_not_count if {
	grant := {"resource": "reports-db", "actions": ["read"], "objects": ["public.orders"]}
	not grants.permitted with input as fx.postgres_request([grant], [orders_select])
}

test_action_must_be_granted if {
	not grants.permitted with input as fx.postgres_request([fx.write_orders], [orders_select])
}

test_every_table_of_every_statement_needs_a_grant if {
	join := fx.statement("SELECT", ["public.orders", "public.customers", "public.refunds"], [], [], true)
	reasons := grants.deny with input as fx.postgres_request([fx.read_orders], [orders_select, join])
	reasons == {"task nightly-orders-backup has no grant for read on orders-db (public.customers, public.refunds); ask for a task with --grant orders-db:read:public.customers --grant orders-db:read:public.refunds"}
}

test_statement_without_tables_needs_only_the_action if {
	grants.permitted with input as fx.postgres_request([fx.read_orders], [fx.statement("SELECT", [], [], [], false)])
	grants.permitted with input as fx.postgres_request([fx.read_orders], [fx.statement("BEGIN", [], [], [], false)])
}

test_ddl_needs_admin if {
	drop := fx.statement("DROP", [], ["public.orders"], [], false)
	reasons := grants.deny with input as fx.postgres_request([fx.write_orders], [drop])
	reasons == {"task nightly-orders-backup has no grant for admin on orders-db (public.orders); ask for a task with --grant orders-db:admin:public.orders"}
}

test_unknown_command_needs_admin if {
	reasons := grants.deny with input as fx.postgres_request([fx.read_orders], [fx.statement("DO", [], [], [], false)])
	reasons == {"task nightly-orders-backup has no grant for admin on orders-db; ask for a task with --grant orders-db:admin"}
}

test_server_file_functions_need_admin if {
	read_file := {
		"command": "SELECT", "reads": [], "writes": [], "columns": [],
		"functions": ["pg_catalog.pg_read_file"], "settings": [], "has_where": false,
	}
	reasons := grants.deny with input as fx.postgres_request([fx.read_orders], [read_file])
	reasons == {"task nightly-orders-backup has no grant for admin on orders-db; ask for a task with --grant orders-db:admin"}
}

calling(function_names) := {
	"command": "SELECT", "reads": ["public.orders"], "writes": [], "columns": [],
	"functions": function_names, "settings": [], "has_where": false,
}

exec_evil := {"resource": "orders-db", "actions": ["exec"], "objects": ["public.evil"]}

test_user_function_needs_exec_on_its_qualified_name if {
	reasons := grants.deny with input as fx.postgres_request([fx.read_orders], [calling(["public.evil"])])
	reasons == {"task nightly-orders-backup has no grant for exec on orders-db (public.evil); ask for a task with --grant orders-db:exec:public.evil"}
	grants.permitted with input as fx.postgres_request([fx.read_orders, exec_evil], [calling(["public.evil"])])
	grants.permitted with input as fx.postgres_request(
		[fx.read_orders, {"resource": "orders-db", "actions": ["exec"], "objects": ["public.*"]}],
		[calling(["public.evil"])],
	)
	not grants.permitted with input as fx.postgres_request([fx.read_orders, exec_evil], [calling(["public.evil_twin"])])
	not grants.permitted with input as fx.postgres_request([fx.read_orders, exec_evil], [calling(["sales.evil"])])
}

test_no_other_action_stands_for_exec if {
	everything_but_exec := {"resource": "orders-db", "actions": ["read", "write", "admin"]}
	not grants.permitted with input as fx.postgres_request([everything_but_exec], [calling(["public.evil"])])
}

test_a_function_found_in_no_schema_needs_exec_on_its_name if {
	reasons := grants.deny with input as fx.postgres_request([fx.read_orders], [calling(["evil"])])
	reasons == {"task nightly-orders-backup has no grant for exec on orders-db (evil); ask for a task with --grant orders-db:exec:evil"}
}

test_builtins_need_only_the_statement_action if {
	grants.permitted with input as fx.postgres_request(
		[fx.read_orders],
		[calling(["pg_catalog.count", "pg_catalog.lower", "information_schema._pg_expandarray"])],
	)
}

test_state_changing_builtins_need_write if {
	reasons := grants.deny with input as fx.postgres_request([fx.read_orders], [calling(["pg_catalog.nextval"])])
	reasons == {"task nightly-orders-backup has no grant for write on orders-db; ask for a task with --grant orders-db:write"}
	grants.permitted with input as fx.postgres_request([fx.read_orders, fx.write_orders], [calling(["pg_catalog.nextval"])])
	not grants.permitted with input as fx.postgres_request([fx.read_orders], [calling(["pg_catalog.pg_advisory_lock"])])
	not grants.permitted with input as fx.postgres_request([fx.read_orders], [calling(["pg_catalog.lo_from_bytea"])])
}

test_a_user_function_named_like_a_builtin_needs_exec_not_the_builtins_action if {
	reasons := grants.deny with input as fx.postgres_request([fx.read_orders, fx.write_orders], [calling(["public.nextval"])])
	reasons == {"task nightly-orders-backup has no grant for exec on orders-db (public.nextval); ask for a task with --grant orders-db:exec:public.nextval"}
}

test_server_builtins_need_admin if {
	every name in ["pg_catalog.pg_ls_waldir", "pg_catalog.pg_switch_wal", "pg_catalog.pg_terminate_backend", "pg_catalog.set_config"] {
		reasons := grants.deny with input as fx.postgres_request([fx.read_orders, fx.write_orders], [calling([name])])
		reasons == {"task nightly-orders-backup has no grant for admin on orders-db; ask for a task with --grant orders-db:admin"}
	}
}

test_request_without_task_is_denied if {
	request := object.remove(fx.postgres_request([fx.read_orders], [orders_select]), ["task"])
	reasons := grants.deny with input as request
	reasons == {"ci-backup presented no task; taskgate allows only what a task grants, so ask for one (taskgate task issue)"}
	not grants.permitted with input as request
}

test_reasons_say_what_the_grants_cover if {
	insert := fx.statement("INSERT", [], ["public.orders"], [], false)
	reasons := grants.reasons with input as fx.postgres_request([fx.read_orders, fx.write_orders], [orders_select, insert])
	reasons == {
		"task nightly-orders-backup grants read on orders-db (public.orders)",
		"task nightly-orders-backup grants write on orders-db (public.orders)",
	}
}

# ---------------------------------------------------------------------------------------------- ssh

test_command_pattern_covers_matching_commands if {
	grant := {"resource": "web-1", "actions": ["exec"], "objects": ["systemctl status *"]}
	grants.permitted with input as fx.ssh_request([grant], fx.exec("systemctl status nginx"))
	not grants.permitted with input as fx.ssh_request([grant], fx.exec("systemctl restart nginx"))
}

test_command_with_shell_control_characters_needs_an_unrestricted_grant if {
	command := "systemctl status nginx; cat /etc/shadow"
	restricted := {"resource": "web-1", "actions": ["exec"], "objects": ["systemctl status *"]}
	reasons := grants.deny with input as fx.ssh_request([restricted], fx.exec(command))
	reasons == {"task nightly-orders-backup has no grant for exec on web-1 (systemctl status nginx; cat /etc/shadow); ask for a task with --grant web-1:exec"}
	grants.permitted with input as fx.ssh_request([{"resource": "web-1", "actions": ["exec"]}], fx.exec(command))
}

test_suggested_grant_is_quoted_for_the_shell if {
	reasons := grants.deny with input as fx.ssh_request([], fx.exec("systemctl restart nginx"))
	reasons == {"task nightly-orders-backup has no grant for exec on web-1 (systemctl restart nginx); ask for a task with --grant 'web-1:exec:systemctl restart nginx'"}
}

test_shell_needs_the_shell_action if {
	grants.permitted with input as fx.ssh_request([{"resource": "web-1", "actions": ["shell"]}], {"type": "shell"})
	not grants.permitted with input as fx.ssh_request([{"resource": "web-1", "actions": ["exec"]}], {"type": "shell"})
}

test_sftp_paths_match_segment_by_segment if {
	grant := {"resource": "web-1", "actions": ["read"], "objects": ["/var/backups/*"]}
	grants.permitted with input as fx.ssh_request([grant], {"type": "sftp", "access": "read", "path": "/var/backups/orders.dump"})
	not grants.permitted with input as fx.ssh_request([grant], {"type": "sftp", "access": "read", "path": "/var/backups/old/orders.dump"})
	not grants.permitted with input as fx.ssh_request([grant], {"type": "sftp", "access": "write", "path": "/var/backups/orders.dump"})
}

test_port_forward_needs_its_address if {
	grant := {"resource": "web-1", "actions": ["forward"], "objects": ["db.internal:5432"]}
	grants.permitted with input as fx.ssh_request([grant], {"type": "forward", "host": "db.internal", "port": 5432})
	not grants.permitted with input as fx.ssh_request([grant], {"type": "forward", "host": "db.internal", "port": 22})
}

# ---------------------------------------------------------------------------------------------- http

test_http_reads_and_writes_need_their_action_and_path if {
	grant := {"resource": "billing-api", "actions": ["read"], "objects": ["/v1/invoices/*"]}
	grants.permitted with input as fx.http_request([grant], "GET", "/v1/invoices/42")
	not grants.permitted with input as fx.http_request([grant], "POST", "/v1/invoices/42")
	not grants.permitted with input as fx.http_request([grant], "GET", "/v1/customers/42")
	not grants.permitted with input as fx.http_request([grant], "GET", "/v1/invoices/42/lines")
}

# ---------------------------------------------------------------------------------------------- settings

setting_reason(name) := concat("", [
	"task nightly-orders-backup may not change the server setting ", name,
	" on orders-db: read covers only the session settings of catalog.postgres.session_settings; ask for a task with --grant orders-db:admin",
])

test_session_settings_need_only_read if {
	every names in [["application_name"], ["statement_timeout"], ["search_path"], ["transaction_isolation", "transaction_read_only"], ["all"]] {
		grants.permitted with input as fx.postgres_request([fx.read_orders], [fx.setting("SET", names)])
	}
	grants.permitted with input as fx.postgres_request([fx.read_orders], [fx.setting("RESET", ["all"])])
}

test_server_settings_need_admin_and_the_reason_names_them if {
	batch := [fx.setting("SET", ["application_name"]), fx.setting("SET", ["session_replication_role"]), fx.setting("RESET", ["log_statement"])]
	reasons := grants.deny with input as fx.postgres_request([fx.read_orders], batch)
	reasons == {setting_reason("session_replication_role"), setting_reason("log_statement")}
	admin := {"resource": "orders-db", "actions": ["read", "admin"]}
	grants.permitted with input as fx.postgres_request([admin], batch)
}

# A custom setting may be what a row security policy reads (`app.tenant_id`); a name in another case than the
# catalog's is not assumed to be the listed one.
test_unlisted_spellings_and_custom_settings_need_admin if {
	every name in ["app.tenant_id", "Application_Name", "work_mem"] {
		reasons := grants.deny with input as fx.postgres_request([fx.read_orders], [fx.setting("SET", [name])])
		reasons == {setting_reason(name)}
	}
}

test_settings_need_admin_without_a_session_settings_list if {
	not grants.permitted with input as fx.postgres_request([fx.read_orders], [fx.setting("SET", ["application_name"])])
		with data.taskgate.catalog.postgres.session_settings as []
}

test_ddl_and_a_setting_give_both_reasons if {
	batch := [fx.statement("CREATE", [], ["public.orders"], [], false), fx.setting("SET", ["log_statement"])]
	reasons := grants.deny with input as fx.postgres_request([fx.read_orders], batch)
	reasons == {
		"task nightly-orders-backup has no grant for admin on orders-db (public.orders); ask for a task with --grant orders-db:admin:public.orders",
		setting_reason("log_statement"),
	}
}
