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
	msg := sprintf("task %s has no readable expires_at (RFC 3339); every task must expire, so ask for a new one", [names.task])
}

deny contains msg if {
	input.task
	not issued_ns
	msg := sprintf("task %s has no readable issued_at (RFC 3339); ask for a new task", [names.task])
}

deny contains msg if {
	now_ns >= expires_ns
	msg := sprintf("task %s expired at %s (now %s); ask for a new task", [names.task, input.task.expires_at, input.now])
}

deny contains msg if {
	issued_ns > now_ns
	msg := sprintf("task %s is not valid before %s (now %s); check the clocks of the decider and of the task issuer", [names.task, input.task.issued_at, input.now])
}
