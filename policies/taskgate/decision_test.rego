package taskgate.decision_test

import data.taskgate
import data.taskgate.fixtures_test as fx

orders_select := fx.select_from("public.orders", ["id", "total"])

users_select := fx.select_from("public.users", ["id", "email"])

delete_all_orders := fx.statement("DELETE", [], ["public.orders"], [], false)

test_allow_read_of_a_granted_table if {
	decision := taskgate.decision with input as fx.postgres_request([fx.read_orders], [orders_select])
	decision == {
		"verdict": "allow",
		"reasons": ["task nightly-orders-backup grants read on orders-db (public.orders)"],
		"mask": [],
	}
}

test_deny_names_the_missing_grant if {
	delete_some := fx.statement("DELETE", [], ["public.orders"], [], true)
	decision := taskgate.decision with input as fx.postgres_request([fx.read_orders], [delete_some])
	decision == {
		"verdict": "deny",
		"reasons": ["task nightly-orders-backup has no grant for write on orders-db (public.orders); ask for a task with --grant orders-db:write:public.orders"],
		"mask": [],
	}
}

test_empty_input_is_denied_with_reasons if {
	decision := taskgate.decision with input as {}
	decision.verdict == "deny"
	"(unknown caller) presented no task; taskgate allows only what a task grants, so ask for one (taskgate task issue)" in decision.reasons
	decision.mask == []
}

test_mask_a_sensitive_column if {
	decision := taskgate.decision with input as fx.postgres_request([fx.read_users], [users_select])
	decision == {
		"verdict": "mask",
		"reasons": [
			"public.users.email is masked (email)",
			"task nightly-orders-backup grants read on orders-db (public.users)",
		],
		"mask": [{"table": "public.users", "column": "email", "method": "email"}],
	}
}

test_risky_operation_requires_approval if {
	decision := taskgate.decision with input as fx.postgres_request([fx.write_orders], [delete_all_orders])
	decision == {
		"verdict": "require_approval",
		"reasons": ["DELETE without WHERE changes every row of public.orders; this needs approval by group:dba"],
		"mask": [],
		"approval": {"approvers": ["group:dba"], "min": 1, "ttl_seconds": 900, "scope": "once"},
	}
}

test_approved_operation_is_allowed if {
	request := fx.with_approval(fx.postgres_request([fx.write_orders], [delete_all_orders]), "approved", ["bob"])
	decision := taskgate.decision with input as request
	decision == {
		"verdict": "allow",
		"reasons": [
			"DELETE without WHERE changes every row of public.orders; approved by bob (approval apr_01JDQ5)",
			"task nightly-orders-backup grants write on orders-db (public.orders)",
		],
		"mask": [],
	}
}

test_deny_beats_require_approval if {
	decision := taskgate.decision with input as fx.postgres_request([fx.read_orders], [delete_all_orders])
	decision.verdict == "deny"
	decision.reasons == ["task nightly-orders-backup has no grant for write on orders-db (public.orders); ask for a task with --grant orders-db:write:public.orders"]
}

test_require_approval_beats_mask if {
	request := fx.postgres_request([fx.write_orders, fx.read_users], [users_select, delete_all_orders])
	decision := taskgate.decision with input as request
	decision.verdict == "require_approval"
	decision.mask == [{"table": "public.users", "column": "email", "method": "email"}]
}

test_mask_beats_allow if {
	decision := taskgate.decision with input as fx.postgres_request([fx.read_orders, fx.read_users], [orders_select, users_select])
	decision.verdict == "mask"
	decision.reasons == [
		"public.users.email is masked (email)",
		"task nightly-orders-backup grants read on orders-db (public.orders, public.users)",
	]
}

test_every_statement_of_a_batch_is_checked if {
	insert := fx.statement("INSERT", [], ["public.audit_log"], fx.columns("public.audit_log", ["note"], "set"), false)
	decision := taskgate.decision with input as fx.postgres_request([fx.read_orders], [orders_select, insert])
	decision.verdict == "deny"
	decision.reasons == ["task nightly-orders-backup has no grant for write on orders-db (public.audit_log); ask for a task with --grant orders-db:write:public.audit_log"]
}

test_expired_task_is_denied_even_with_grants if {
	decision := taskgate.decision with input as fx.postgres_request([fx.read_orders], [orders_select]) with input.now as "2026-11-29T12:00:00Z"
	decision.verdict == "deny"
	decision.reasons == ["task nightly-orders-backup expired at 2026-11-29T11:00:00Z (now 2026-11-29T12:00:00Z); ask for a new task"]
}

test_malformed_operation_is_denied if {
	statement := object.remove(orders_select, ["reads"])
	decision := taskgate.decision with input as fx.postgres_request([fx.read_orders], [statement])
	decision.verdict == "deny"
	decision.reasons == ["statement 1 of the postgres operation has no reads list"]
}

test_missing_command_catalog_closes_instead_of_opening if {
	decision := taskgate.decision with input as fx.postgres_request([fx.read_orders], [orders_select]) with data.taskgate.catalog.postgres.command_actions as {}
	decision.verdict == "deny"
	decision.reasons == ["task nightly-orders-backup has no grant for admin on orders-db; ask for a task with --grant orders-db:admin"]
}

test_operation_of_an_unknown_kind_is_denied if {
	request := object.union(fx.postgres_request([fx.read_orders], [orders_select]), {"operation": {"kind": "ftp"}})
	decision := taskgate.decision with input as request
	decision.verdict == "deny"
	"operation kind ftp is not one taskgate knows (postgres, ssh, http)" in decision.reasons
}

test_allow_needs_proof_not_just_the_absence_of_reasons_to_deny if {
	decision := taskgate.decision with input as fx.postgres_request([fx.read_orders], [orders_select]) with data.taskgate.grants.permitted as false
	decision == {
		"verdict": "deny",
		"reasons": ["taskgate could not establish that the task permits this operation, so it is denied"],
		"mask": [],
	}
}

test_hold_without_configured_approvers_is_denied if {
	request := fx.postgres_request([fx.write_orders], [delete_all_orders])
	decision := taskgate.decision with input as request with data.taskgate.catalog.approval.approvers as {}
	decision == {
		"verdict": "deny",
		"reasons": ["this operation needs approval, but the approval settings for postgres resources are incomplete (approvers, min, ttl_seconds, scope in data.taskgate.catalog.approval), so it is denied"],
		"mask": [],
	}
}
