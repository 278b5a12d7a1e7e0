# Every task is short-lived: it acts from issued_at until expires_at, compared with input.now (RFC 3339, UTC).
# A timestamp that is missing or cannot be read denies, since the task might as well have expired.
package taskgate.expiry

import data.taskgate.names

now_ns := time.parse_rfc3339_ns(input.now)

issued_ns := time.parse_rfc3339_ns(input.task.issued_at)

expires_ns := time.parse_rfc3339_ns(input.task.expires_at)

live if {
	issued_ns <= now_ns
	now_ns < expires_ns
}

deny contains "the request carries no readable time (input.now, RFC 3339); the decider must set it" if not now_ns

deny contains msg if {
	input.task
	not expires_ns
	msg := concat("", ["task ", names.task, " has no readable expires_at (RFC 3339); every task must expire, so ask for a new one"])
}

deny contains msg if {
	input.task
	not issued_ns
	msg := concat("", ["task ", names.task, " has no readable issued_at (RFC 3339); ask for a new task"])
}

deny contains msg if {
	now_ns >= expires_ns
	msg := concat("", ["task ", names.task, " expired at ", input.task.expires_at, " (now ", input.now, "); ask for a new task"])
}

deny contains msg if {
	issued_ns > now_ns
	msg := concat("", [
		"task ", names.task, " is not valid before ", input.task.issued_at, " (now ", input.now,
		"); check the clocks of the decider and of the task issuer",
	])
}
