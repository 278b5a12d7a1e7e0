package taskgate.expiry_test

import data.taskgate.expiry
import data.taskgate.fixtures_test as fx

request := fx.postgres_request([fx.read_orders], [fx.select_from("public.orders", ["id"])])

test_task_is_live_between_issue_and_expiry if {
	expiry.live with input as request
	count(expiry.deny) == 0 with input as request
}

test_expired_task_is_denied if {
	reasons := expiry.deny with input as request with input.now as "2026-11-29T12:00:00Z"
	reasons == {"task nightly-orders-backup expired at 2026-11-29T11:00:00Z (now 2026-11-29T12:00:00Z); ask for a new task"}
	not expiry.live with input as request with input.now as "2026-11-29T12:00:00Z"
}

test_task_has_expired_at_its_expiry_instant if {
	not expiry.live with input as request with input.now as "2026-11-29T11:00:00Z"
}

test_expiry_compares_instants_not_text if {
	expiry.live with input as request with input.now as "2026-11-29T12:59:59+02:00"
	not expiry.live with input as request with input.now as "2026-11-29T13:00:00+02:00"
}

test_task_not_yet_valid_is_denied if {
	reasons := expiry.deny with input as request with input.now as "2026-11-29T08:00:00Z"
	reasons == {"task nightly-orders-backup is not valid before 2026-11-29T09:00:00Z (now 2026-11-29T08:00:00Z); check the clocks of the decider and of the task issuer"}
	not expiry.live with input as request with input.now as "2026-11-29T08:00:00Z"
}

test_task_without_expiry_is_denied if {
	endless := object.remove(fx.task([fx.read_orders]), ["expires_at"])
	without_expiry := object.union(object.remove(request, ["task"]), {"task": endless})
	reasons := expiry.deny with input as without_expiry
	reasons == {"task nightly-orders-backup has no readable expires_at (RFC 3339); every task must expire, so ask for a new one"}
	not expiry.live with input as without_expiry
}

test_unreadable_time_is_denied if {
	reasons := expiry.deny with input as request with input.now as "yesterday"
	reasons == {"the request carries no readable time (input.now, RFC 3339); the decider must set it"}
	not expiry.live with input as request with input.now as "yesterday"
}
