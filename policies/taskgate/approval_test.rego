package taskgate.approval_test

import data.taskgate.approval
import data.taskgate.fixtures_test as fx

delete_all := fx.postgres_request([fx.write_orders], [fx.statement("DELETE", [], ["public.orders"], [], false)])

exec_grant := {"resource": "web-1", "actions": ["exec"]}

api_grant := {"resource": "billing-api", "actions": ["read", "write"]}

test_delete_with_where_needs_no_approval if {
	delete_some := fx.postgres_request([fx.write_orders], [fx.statement("DELETE", [], ["public.orders"], [], true)])
	count(approval.required) == 0 with input as delete_some
}

test_delete_without_where_needs_approval if {
	required := approval.required with input as delete_all
	required == {"DELETE without WHERE changes every row of public.orders; this needs approval by group:dba"}
}

test_update_without_where_needs_approval if {
	update_all := fx.postgres_request([fx.write_orders], [fx.statement("UPDATE", [], ["public.orders"], [], false)])
	required := approval.required with input as update_all
	required == {"UPDATE without WHERE changes every row of public.orders; this needs approval by group:dba"}
}

schema_change(command) := fx.postgres_request(
	[{"resource": "orders-db", "actions": ["admin"]}],
	[fx.statement(command, [], ["public.orders"], [], false)]
)

test_schema_changes_need_approval if {
	approval.risks == {"DROP on public.orders"} with input as schema_change("DROP")
	approval.risks == {"TRUNCATE on public.orders"} with input as schema_change("TRUNCATE")
	approval.risks == {"ALTER on public.orders"} with input as schema_change("ALTER")
}

test_sudo_over_ssh_needs_approval if {
	required := approval.required with input as fx.ssh_request([exec_grant], fx.exec("sudo systemctl restart nginx"))
	required == {"the command runs sudo on web-1: sudo systemctl restart nginx; this needs approval by group:sre"}
}

test_sudo_is_found_anywhere_on_the_command_line if {
	count(approval.risks) == 1 with input as fx.ssh_request([exec_grant], fx.exec("/usr/bin/sudo ls /root"))
	count(approval.risks) == 1 with input as fx.ssh_request([exec_grant], fx.exec("bash -c 'sudo ls /root'"))
	count(approval.risks) == 1 with input as fx.ssh_request([exec_grant], fx.exec("ls&&sudo reboot"))
}

test_risky_programs_come_from_data if {
	approval.risks == {"the command runs su on web-1: su - postgres"} with input as fx.ssh_request([exec_grant], fx.exec("su - postgres"))
	count(approval.risks) == 1 with input as fx.ssh_request([exec_grant], fx.exec("pkexec id")) with data.taskgate.catalog.approval.ssh.programs as ["pkexec"]
	count(approval.risks) == 0 with input as fx.ssh_request([exec_grant], fx.exec("sudo id")) with data.taskgate.catalog.approval.ssh.programs as ["pkexec"]
}

test_programs_merely_named_like_sudo_need_no_approval if {
	count(approval.risks) == 0 with input as fx.ssh_request([exec_grant], fx.exec("sudoku --solve"))
	count(approval.risks) == 0 with input as fx.ssh_request([exec_grant], fx.exec("cat /etc/sudoers.d/README"))
}

test_http_delete_on_prod_needs_approval if {
	required := approval.required with input as fx.http_request([api_grant], "DELETE", "/v1/invoices/42")
	required == {"DELETE /v1/invoices/42 on billing-api (env prod); this needs approval by group:api-owners"}
}

test_http_delete_elsewhere_or_get_on_prod_needs_no_approval if {
	count(approval.risks) == 0 with input as fx.http_request([api_grant], "DELETE", "/v1/invoices/42") with input.resource.labels.env as "staging"
	count(approval.risks) == 0 with input as fx.http_request([api_grant], "GET", "/v1/invoices/42")
}

test_approval_lets_the_operation_through if {
	request := fx.with_approval(delete_all, "approved", ["bob"])
	count(approval.required) == 0 with input as request
	granted := approval.granted with input as request
	granted == {"DELETE without WHERE changes every row of public.orders; approved by bob (approval apr_01JDQ5)"}
}

test_pending_approval_still_holds_the_operation if {
	request := fx.with_approval(delete_all, "pending", [])
	count(approval.required) == 1 with input as request
}

test_caller_cannot_approve_their_own_operation if {
	request := fx.with_approval(delete_all, "approved", ["ci-backup"])
	required := approval.required with input as request
	required == {
		"DELETE without WHERE changes every row of public.orders; this needs approval by group:dba",
		"approval apr_01JDQ5 has 0 of the 1 approvals needed from people other than ci-backup",
	}
}

test_minimum_number_of_approvers_comes_from_data if {
	request := fx.with_approval(delete_all, "approved", ["bob"])
	count(approval.required) == 2 with input as request with data.taskgate.catalog.approval.min as 2
	count(approval.required) == 0 with input as fx.with_approval(delete_all, "approved", ["bob", "carol"]) with data.taskgate.catalog.approval.min as 2
}

test_rejected_approval_denies if {
	request := fx.with_approval(delete_all, "rejected", [])
	count(approval.required) == 0 with input as request
	reasons := approval.deny with input as request
	reasons == {"DELETE without WHERE changes every row of public.orders; approval apr_01JDQ5 was rejected, so the operation stays denied"}
}

test_request_names_approvers_from_data if {
	approval.request == {"approvers": ["group:dba"], "min": 1, "ttl_seconds": 900, "scope": "once"} with input as delete_all
	request := approval.request with input as delete_all with data.taskgate.catalog.approval.approvers as {"postgres": ["group:payments-dba", "user:alice"]}
	request.approvers == ["group:payments-dba", "user:alice"]
}

test_kind_without_approvers_has_no_request if {
	not approval.request with input as delete_all with data.taskgate.catalog.approval.approvers as {}
	count(approval.required) == 1 with input as delete_all with data.taskgate.catalog.approval.approvers as {}
	count(approval.deny) == 1 with input as delete_all with data.taskgate.catalog.approval.approvers as {}
	count(approval.deny) == 0 with input as delete_all
}
